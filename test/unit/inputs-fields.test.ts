/** The single-field rules of every pipeline input: what each accepts at its limits, and the message when it does not. */
import type { z } from 'zod';
import { fields, validateImportInput, validateSyncInput, InputError } from '../../src/inputs';

const APP = '0123456789abcdef0123456789abcdef';
const OTHER_APP = 'fedcba9876543210fedcba9876543210';
const ROLE = 'arn:aws:iam::123456789012:role/audienceflow';

/** The messages a schema gives for `value` (empty when it accepts it). */
function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

function inputIssues(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return Object.fromEntries(err.issues.map((i) => [i.field, i.message]));
  }
  throw new Error('expected an InputError');
}

describe('input fields', () => {
  it('s3Prefix adds the trailing slash of a prefix, but not to a bare bucket', () => {
    const prefix = fields.s3Prefix('export S3 URL');
    expect(prefix.parse('s3://bucket/exports')).toBe('s3://bucket/exports/');
    expect(prefix.parse('s3://bucket/exports/')).toBe('s3://bucket/exports/');
    expect(prefix.parse('s3://bucket')).toBe('s3://bucket');
    expect(messages(prefix, undefined)).toEqual(['is required. Fix: give the export S3 URL as s3://bucket/prefix/']);
    expect(messages(prefix, 7)).toEqual(['must be text. Fix: give the export S3 URL as s3://bucket/prefix/']);
  });

  it('absolutePath refuses an empty path, a relative one and a NUL character', () => {
    const dir = fields.absolutePath('download directory');
    expect(messages(dir, '/tmp/out')).toEqual([]);
    expect(messages(dir, '')[0]).toBe('is empty. Fix: give a path');
    expect(messages(dir, 'out')).toEqual([
      `"out" is not an absolute path. Fix: give the absolute path on the worker's host (the CLI resolves relative paths)`,
    ]);
    expect(messages(dir, '/tmp/a\0b')).toEqual(['contains a NUL character. Fix: remove it']);
    expect(messages(dir, undefined)).toEqual(['is required. Fix: give the download directory']);
  });

  it('segmentVersion is a whole number from 1', () => {
    expect(messages(fields.segmentVersion, 1)).toEqual([]);
    expect(messages(fields.segmentVersion, 0)).toEqual(['must be 1 or more. Fix: segment versions start at 1']);
    expect(messages(fields.segmentVersion, 1.5)).toEqual(['must be a whole number. Fix: give 1, 2, …']);
    expect(messages(fields.segmentVersion, '2')).toEqual([
      'must be a number. Fix: give the segment version, 1 or more',
    ]);
  });

  it('poll intervals are whole milliseconds from 10, the maximum and the wait no shorter than the first interval', () => {
    const poll = fields.pollPolicy;
    expect(messages(poll, { initialIntervalMs: 10, maxIntervalMs: 10, maxWaitMs: 10 })).toEqual([]);
    expect(messages(poll, { initialIntervalMs: 9 })).toEqual(['is shorter than 10 ms. Fix: give 10 ms or more']);
    expect(messages(poll, { maxIntervalMs: 10.5 })).toEqual(['must be a whole number of milliseconds. Fix: round it']);
    expect(messages(poll, { maxWaitMs: 'soon' })).toEqual([
      'must be a number of milliseconds. Fix: give e.g. 30000 (30 s)',
    ]);
    expect(messages(poll, { initialIntervalMs: 1000, maxWaitMs: 999 })).toEqual([
      '999 ms is shorter than one poll interval (1000 ms). Fix: raise it',
    ]);
    expect(messages(poll, { maxWaitMs: 50, maxIntervalMs: 20 })).toEqual([]);
    expect(messages(poll, { initialIntervalMs: 1000, maxIntervalMs: 999 })).toEqual([
      '999 ms is shorter than the first interval (1000 ms). Fix: raise it, or lower the first interval',
    ]);
  });

  it('maxJobBytes lies between 1024 bytes and Pinpoint’s 1 GB', () => {
    expect(messages(fields.maxJobBytes, 1024)).toEqual([]);
    expect(messages(fields.maxJobBytes, 1_000_000_000)).toEqual([]);
    expect(messages(fields.maxJobBytes, 1023)).toEqual(['is below 1024 bytes. Fix: give 1024 bytes or more']);
    expect(messages(fields.maxJobBytes, 1_000_000_001)).toEqual([
      "is over Pinpoint's per-job limit of 1 GB (1,000,000,000 bytes). Fix: give at most 1000000000 bytes",
    ]);
    expect(messages(fields.maxJobBytes, 2048.5)).toEqual(['must be a whole number of bytes. Fix: round it']);
  });

  it('maxConcurrentJobs lies between 1 and 10', () => {
    expect(messages(fields.maxConcurrentJobs, 1)).toEqual([]);
    expect(messages(fields.maxConcurrentJobs, 10)).toEqual([]);
    expect(messages(fields.maxConcurrentJobs, 11)[0]).toMatch(
      /^is over 10 \(Pinpoint runs 2 import jobs.*\)\. Fix: give 1 to 10$/,
    );
    expect(messages(fields.maxConcurrentJobs, 1.5)).toEqual(['must be a whole number. Fix: give 1 to 10']);
  });

  it('maxRejected is a count from 0 or a percentage from 0 to 100', () => {
    const ok = (v: unknown) => expect(messages(fields.maxRejected, v)).toEqual([]);
    ok({ count: 0 });
    ok({ percent: 0 });
    ok({ percent: 100 });
    const all = (v: unknown) => JSON.stringify(fields.maxRejected.safeParse(v).error?.issues);
    expect(all({ count: -1 })).toContain('must be 0 or more. Fix: give a number of rows');
    expect(all({ percent: 100.5 })).toContain('must be from 0 to 100. Fix: give a percentage such as 2');
    expect(all({ percent: -0.5 })).toContain('must be from 0 to 100. Fix: give a percentage such as 2');
    expect(fields.maxRejected.safeParse({ count: 1, percent: 1 }).success).toBe(false);
  });

  it('a report location is an S3 object key or an absolute local path', () => {
    expect(messages(fields.reportUrl, 's3://bucket/reports/run.json')).toEqual([]);
    expect(messages(fields.reportUrl, '/var/reports/run.json')).toEqual([]);
    expect(messages(fields.reportUrl, 's3://bucket')).toEqual([
      '"s3://bucket" names a folder. Fix: give an object key such as s3://bucket/reports/run.json',
    ]);
    expect(messages(fields.reportUrl, 'run.json')).toEqual([
      `"run.json" is neither an S3 key nor an absolute path. Fix: give s3://bucket/key.json or an absolute path on the worker's host`,
    ]);
    expect(messages(fields.reportUrl, 's3://B_/run.json')[0]).toMatch(/"B_" is not a valid bucket name\. Fix: /);
    expect(messages(fields.reportUrl, '')[0]).toBe(
      "is empty. Fix: give s3://bucket/key.json or an absolute path on the worker's host",
    );
  });

  it('names a missing application id and role, and an unknown provider', () => {
    expect(messages(fields.applicationId, undefined)).toEqual([
      'is required. Fix: give the Pinpoint application (project) id, as `aws pinpoint get-apps` lists it',
    ]);
    expect(messages(fields.roleArn, undefined)).toEqual([
      'is required. Fix: give the IAM role Pinpoint assumes to reach the bucket, arn:aws:iam::<12-digit account>:role/<name>',
    ]);
    expect(messages(fields.roleArn, 'arn:aws-cn:iam::123456789012:role/x')).toEqual([]);
    expect(messages(fields.roleArn, 'arn:aws:iam::123456789012:user/x')[0]).toMatch(
      /^"arn:aws:iam::123456789012:user\/x" is not an IAM role ARN\. Fix: give the role Pinpoint assumes/,
    );
    expect(messages(fields.providerName, 'sfmc')).toEqual([
      '"sfmc" is not a supported provider. Fix: use pinpoint or aep',
    ]);
  });
});

describe('import and sync inputs', () => {
  const importInput = {
    applicationId: APP,
    source: { kind: 's3', s3Url: 's3://bucket/in/' },
    format: 'JSON',
    roleArn: ROLE,
  };

  it('limits the segment name to 1–64 characters and keepStaging to a boolean', () => {
    expect(validateImportInput({ ...importInput, segmentName: 's'.repeat(64) }).segmentName).toHaveLength(64);
    const found = inputIssues(() =>
      validateImportInput({ ...importInput, segmentName: 's'.repeat(65), keepStaging: 'yes' }),
    );
    expect(found).toEqual({
      segmentName: 'is longer than 64 characters. Fix: use a shorter name',
      keepStaging: 'must be true or false. Fix: give true or false',
    });
    expect(inputIssues(() => validateImportInput({ ...importInput, segmentName: '' }))).toEqual({
      segmentName: 'is empty. Fix: give a segment name, or leave it out',
    });
  });

  it('explains the two source shapes', () => {
    expect(inputIssues(() => validateImportInput({ ...importInput, source: { kind: 'ftp' } }))).toEqual({
      'source.kind':
        'is neither local files nor an S3 location. Fix: give { kind: "local", paths: [...] } or { kind: "s3", s3Url: "s3://bucket/prefix/" }',
    });
  });

  const syncInput = {
    sourceApplicationId: APP,
    targetApplicationId: OTHER_APP,
    s3Url: 's3://bucket/sync/',
    roleArn: ROLE,
  };

  it('refuses a sync into its own source application', () => {
    expect(validateSyncInput(syncInput).s3Url).toBe('s3://bucket/sync/');
    expect(inputIssues(() => validateSyncInput({ ...syncInput, targetApplicationId: APP }))).toEqual({
      targetApplicationId: 'is the same application as the source. Fix: sync into a different application',
    });
  });

  it('bounds the sync’s batch and job settings', () => {
    const at = { maxParallelTransfers: 64, transferBatchSize: 1000, maxJobBytes: 16 * 1024 };
    expect(validateSyncInput({ ...syncInput, ...at })).toMatchObject(at);
    expect(
      inputIssues(() =>
        validateSyncInput({
          ...syncInput,
          maxParallelTransfers: 65,
          transferBatchSize: 0,
          maxJobBytes: 16 * 1024 - 1,
          dryRun: 'no',
        }),
      ),
    ).toEqual({
      maxParallelTransfers: 'is over 64. Fix: give 1 to 64',
      transferBatchSize: 'must be at least 1. Fix: give 1 to 1000',
      maxJobBytes: 'is below 16384 bytes (one endpoint may be 15 KB). Fix: give 16384 bytes or more',
      dryRun: 'must be true or false. Fix: give true or false',
    });
    expect(inputIssues(() => validateSyncInput({ ...syncInput, segmentVersion: 2 }))).toEqual({
      segmentVersion: 'needs a segment id. Fix: give the segment id too, or leave the version out',
    });
    expect(inputIssues(() => validateSyncInput({ ...syncInput, transferBatchSize: 2.5 }))).toEqual({
      transferBatchSize: 'must be a whole number. Fix: give 1 to 1000',
    });
    expect(inputIssues(() => validateSyncInput({ ...syncInput, maxParallelTransfers: '4' }))).toEqual({
      maxParallelTransfers: 'must be a number. Fix: give 1 to 64',
    });
  });

  it('lists every issue in the error message, one per line, naming the input', () => {
    expect(() => validateSyncInput({ ...syncInput, dryRun: 1, transferBatchSize: 0 })).toThrow(
      'invalid sync input:\n  - dryRun: must be true or false. Fix: give true or false\n' +
        '  - transferBatchSize: must be at least 1. Fix: give 1 to 1000',
    );
  });
});
