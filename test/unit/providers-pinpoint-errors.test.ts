import {
  BadRequestException,
  ForbiddenException,
  InternalServerErrorException,
  NotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-pinpoint';
import { ApplicationFailure } from '@temporalio/common';
import { classifyPinpointError, TransientFailureType } from '../../src/providers/pinpoint/errors';
import type { CallContext } from '../../src/providers/pinpoint/errors';

const APP = '0123456789abcdef0123456789abcdef';
const ctx: CallContext = {
  operation: 'create export job',
  applicationId: APP,
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::123456789012:role/r',
};
const meta = (status: number) => ({ httpStatusCode: status, $metadata: { httpStatusCode: status } });

function classify(err: unknown, c = ctx): ApplicationFailure {
  const out = classifyPinpointError(err, c);
  expect(out).toBeInstanceOf(ApplicationFailure);
  return out as ApplicationFailure;
}

describe('classifyPinpointError', () => {
  it('retries throttling (429) without marking it non-retryable', () => {
    const f = classify(
      new TooManyRequestsException({ message: 'slow down', RequestID: 'r', $metadata: meta(429).$metadata }),
    );
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe(TransientFailureType.Throttled);
  });

  it('retries 5xx', () => {
    const f = classify(new InternalServerErrorException({ message: 'boom', $metadata: meta(500).$metadata }));
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe(TransientFailureType.Unavailable);
    const g = classify(
      Object.assign(new Error('bad gateway'), { name: 'Unknown', $metadata: { httpStatusCode: 502 } }),
    );
    expect(g.nonRetryable).toBe(false);
  });

  it('retries network errors', () => {
    const f = classify(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe(TransientFailureType.Network);
  });

  it('turns NotFound on an application into a non-retryable failure naming the app, region and --app', () => {
    const f = classify(new NotFoundException({ message: 'Resource not found', $metadata: meta(404).$metadata }));
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe('NotFound');
    expect(f.message).toBe(`application ${APP} not found in region eu-west-1; check --app (and AWS_REGION)`);
  });

  it('names the job when a job lookup is not found', () => {
    const f = classify(new NotFoundException({ message: 'Resource not found', $metadata: meta(404).$metadata }), {
      ...ctx,
      operation: 'get import job',
      kind: 'IMPORT',
      jobId: 'j1',
    });
    expect(f.message).toContain('import job j1');
    expect(f.nonRetryable).toBe(true);
  });

  it('makes 400 and 403 non-retryable with what to check', () => {
    const bad = classify(new BadRequestException({ message: 'S3Url is invalid', $metadata: meta(400).$metadata }));
    expect(bad.nonRetryable).toBe(true);
    expect(bad.type).toBe('ProviderRejected');
    expect(bad.message).toMatch(/S3Url is invalid.*check the role ARN, S3 URL/);
    const denied = classify(new ForbiddenException({ message: 'no', $metadata: meta(403).$metadata }));
    expect(denied.nonRetryable).toBe(true);
    expect(denied.message).toContain('arn:aws:iam::123456789012:role/r');
  });

  it('makes other 4xx non-retryable', () => {
    const f = classify(
      Object.assign(new Error('conflict'), { name: 'ConflictException', $metadata: { httpStatusCode: 409 } }),
    );
    expect(f.nonRetryable).toBe(true);
  });

  it('makes missing credentials non-retryable', () => {
    const f = classify(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }));
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('AWS_ACCESS_KEY_ID');
  });

  it('passes aborts (cancellation) and already classified failures through unchanged', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(classifyPinpointError(abort, ctx)).toBe(abort);
    const done = ApplicationFailure.nonRetryable('x', 'BadInput');
    expect(classifyPinpointError(done, ctx)).toBe(done);
  });

  it('retries unknown errors rather than failing the run', () => {
    expect(classify(new Error('weird')).nonRetryable).toBe(false);
  });
});
