/**
 * classifyPinpointError, rule by rule: which errors are retried (throttling, server side, unreachable, unknown) and
 * which end the run, with the whole message each gives (what failed, for which application, and what to check).
 */
import { ApplicationFailure } from '@temporalio/common';
import { classifyPinpointError } from '../../src/providers/pinpoint/errors';
import type { CallContext } from '../../src/providers/pinpoint/errors';

const APP = '0123456789abcdef0123456789abcdef';
const ctx: CallContext = { operation: 'get import job', applicationId: APP, region: 'eu-west-1' };
const WHAT = `Pinpoint get import job for application ${APP}`;

function awsError(name: string, message: string, status?: number, extra: object = {}): Error {
  const meta = status === undefined ? {} : { $metadata: { httpStatusCode: status } };
  return Object.assign(new Error(message), { name, ...meta, ...extra });
}

function classify(err: unknown, c: CallContext = ctx): ApplicationFailure {
  const out = classifyPinpointError(err, c);
  if (!(out instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(out)}`);
  return out;
}

/** The parts of a failure that reach the retry policy and the user. */
function outcome(err: unknown, c: CallContext = ctx): [unknown, unknown, string] {
  const f = classify(err, c);
  return [f.type, f.nonRetryable, f.message];
}

describe('classifyPinpointError: retried', () => {
  it('throttling, by status or by name in any case', () => {
    const throttled = (detail: string) => [
      'ProviderThrottled',
      false,
      `${WHAT} was throttled (${detail}); retrying with backoff`,
    ];
    expect(outcome(awsError('Error', 'slow', 429))).toEqual(throttled('Error: slow'));
    expect(outcome(awsError('TooManyRequestsException', 'slow'))).toEqual(throttled('TooManyRequestsException: slow'));
    expect(outcome(awsError('ThrottlingException', ''))).toEqual(throttled('ThrottlingException'));
    expect(outcome(awsError('requestthrottled', 'x'))[0]).toBe('ProviderThrottled');
    expect(outcome(awsError('toomanyrequests', 'x'))[0]).toBe('ProviderThrottled');
  });

  it('server-side failures, by status from 500, by fault or by name', () => {
    expect(outcome(awsError('Boom', 'down', 500))).toEqual([
      'ProviderUnavailable',
      false,
      `${WHAT} failed on the server side (500 Boom: down); retrying`,
    ]);
    expect(outcome(awsError('Boom', 'down', undefined, { $fault: 'server' }))).toEqual([
      'ProviderUnavailable',
      false,
      `${WHAT} failed on the server side (5xx Boom: down); retrying`,
    ]);
    expect(outcome(awsError('InternalServerErrorException', 'x'))[0]).toBe('ProviderUnavailable');
    expect(outcome(awsError('ServiceUnavailable', 'x'))[0]).toBe('ProviderUnavailable');
    expect(outcome(awsError('Boom', 'x', 499))[0]).toBe('ProviderRejected');
    expect(outcome(awsError('Boom', 'x', undefined, { $fault: 'client' }))[0]).toBe('ProviderError');
  });

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
  ])('an unreachable endpoint: %s, named by its code', (code) => {
    expect(outcome(awsError('Error', `connect ${code}`, undefined, { code }))).toEqual([
      'ProviderUnreachable',
      false,
      `${WHAT}: cannot reach Pinpoint (${code}); check AWS_ENDPOINT_URL_PINPOINT / network — retrying`,
    ]);
  });

  it('an unreachable endpoint by name or message, only when no HTTP status came back', () => {
    expect(outcome(awsError('TimeoutError', 'took too long'))).toEqual([
      'ProviderUnreachable',
      false,
      `${WHAT}: cannot reach Pinpoint (TimeoutError: took too long); check AWS_ENDPOINT_URL_PINPOINT / network — retrying`,
    ]);
    for (const message of ['socket hang up', 'Network is down', 'TypeError: fetch failed']) {
      expect([message, outcome(awsError('Error', message))[0]]).toEqual([message, 'ProviderUnreachable']);
    }
    expect(outcome(awsError('Error', 'socket hang up', 409))[0]).toBe('ProviderRejected');
    expect(outcome(awsError('Error', 'connect', 409, { code: 'ECONNRESET' }))[0]).toBe('ProviderRejected');
  });

  it('anything else, thrown objects and plain values included', () => {
    expect(outcome(awsError('Weird', 'odd'))).toEqual([
      'ProviderError',
      false,
      `${WHAT} failed (Weird: odd); retrying`,
    ]);
    expect(outcome({ message: 'no name' })).toEqual([
      'ProviderError',
      false,
      `${WHAT} failed (Error: no name); retrying`,
    ]);
    expect(outcome('a string')).toEqual(['ProviderError', false, `${WHAT} failed (Error: a string); retrying`]);
    expect(outcome(null)).toEqual(['ProviderError', false, `${WHAT} failed (Error: null); retrying`]);
  });
});

describe('classifyPinpointError: not retried', () => {
  it('bad or missing credentials, by name or 401', () => {
    const fix = 'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE for the worker';
    expect(outcome(awsError('CredentialsProviderError', 'none'))).toEqual([
      'ProviderRejected',
      true,
      `${WHAT}: AWS credentials are missing or invalid (CredentialsProviderError: none); ${fix}`,
    ]);
    for (const name of ['UnrecognizedClientException', 'InvalidSignatureException', 'expiredtoken']) {
      expect([name, ...outcome(awsError(name, 'x')).slice(0, 2)]).toEqual([name, 'ProviderRejected', true]);
    }
    expect(outcome(awsError('Error', 'x', 401))[2]).toContain('AWS credentials are missing or invalid');
  });

  it('a job or application not found, by name or 404', () => {
    const job = { ...ctx, kind: 'IMPORT' as const, jobId: 'j1' };
    expect(outcome(awsError('NotFoundException', 'x'), job)).toEqual([
      'NotFound',
      true,
      `import job j1 of application ${APP} not found in region eu-west-1; check the job id, --app and AWS_REGION`,
    ]);
    expect(outcome(awsError('Error', 'x', 404), { ...ctx, kind: 'EXPORT', jobId: 'j2' })[2]).toBe(
      `export job j2 of application ${APP} not found in region eu-west-1; check the job id, --app and AWS_REGION`,
    );
    expect(outcome(awsError('Error', 'x', 404))[2]).toBe(
      `application ${APP} not found in region eu-west-1; check --app (and AWS_REGION)`,
    );
  });

  it('refused access, by name or 403, naming the role only when there is one', () => {
    const refused = `${WHAT} was refused (403 AccessDeniedException: no); check that the worker's AWS identity may call mobiletargeting:* on this application`;
    expect(outcome(awsError('AccessDeniedException', 'no'))).toEqual(['ProviderRejected', true, refused]);
    expect(outcome(awsError('AccessDeniedException', 'no'), { ...ctx, roleArn: 'arn:r' })[2]).toBe(
      `${refused} and that role arn:r exists and trusts Pinpoint`,
    );
    expect(outcome(awsError('ForbiddenException', 'no'))[2]).toMatch(/was refused \(403 ForbiddenException: no\)/);
    expect(outcome(awsError('Error', 'no', 403))[2]).toMatch(/was refused \(403 Error: no\)/);
  });

  it('a bad request, by name or 400, and any other 4xx', () => {
    expect(outcome(awsError('BadRequestException', 'S3Url is invalid'))).toEqual([
      'ProviderRejected',
      true,
      `${WHAT} was rejected as invalid (400 BadRequestException: S3Url is invalid); check the role ARN, S3 URL, format and segment options`,
    ]);
    expect(outcome(awsError('Error', 'bad', 400))[2]).toMatch(/rejected as invalid \(400 Error: bad\)/);
    expect(outcome(awsError('ConflictException', 'busy', 409))).toEqual([
      'ProviderRejected',
      true,
      `${WHAT} was rejected (409 ConflictException: busy); fix the request and start a new run`,
    ]);
    expect(outcome(awsError('Redirect', 'moved', 301))[0]).toBe('ProviderError');
  });
});

describe('classifyPinpointError: passed through', () => {
  it('a cancellation by either name, and wraps one that is not an Error', () => {
    const cancelled = awsError('CancelledFailure', 'cancelled');
    expect(classifyPinpointError(cancelled, ctx)).toBe(cancelled);
    const notAnError = classifyPinpointError({ name: 'AbortError' }, ctx);
    expect(notAnError).not.toBeInstanceOf(ApplicationFailure);
    expect(notAnError.message).toBe('[object Object]');
  });
});
