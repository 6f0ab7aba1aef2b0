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
    expect(messages(prefix, undefined)).toEqual(['export S3 URL is required (s3://bucket/prefix/)']);
  });

  it('absolutePath refuses an empty path, a relative one and a NUL character', () => {
    const dir = fields.absolutePath('download directory');
    expect(messages(dir, '/tmp/out')).toEqual([]);
    expect(messages(dir, '')[0]).toBe('download directory is empty; give a path');
    expect(messages(dir, 'out')).toEqual([
      `download directory "out" must be an absolute path on the worker's host (the CLI resolves relative paths)`,
    ]);
    expect(messages(dir, '/tmp/a\0b')).toEqual(['download directory contains a NUL character']);
  });

  it('segmentVersion is a whole number from 1', () => {
    expect(messages(fields.segmentVersion, 1)).toEqual([]);
    expect(messages(fields.segmentVersion, 0)).toEqual(['segment version starts at 1']);
    expect(messages(fields.segmentVersion, 1.5)).toEqual(['segment version must be a whole number (1, 2, …)']);
    expect(messages(fields.segmentVersion, '2')).toEqual(['segment version must be a number']);
  });

  it('poll intervals are whole milliseconds from 10, the maximum and the wait no shorter than the first interval', () => {
    const poll = fields.pollPolicy;
    expect(messages(poll, { initialIntervalMs: 10, maxIntervalMs: 10, maxWaitMs: 10 })).toEqual([]);
    expect(messages(poll, { initialIntervalMs: 9 })).toEqual(['poll initialIntervalMs must be at least 10 ms']);
    expect(messages(poll, { maxIntervalMs: 10.5 })).toEqual([
      'poll maxIntervalMs must be a whole number of milliseconds',
    ]);
    expect(messages(poll, { maxWaitMs: 'soon' })).toEqual(['poll maxWaitMs must be a number of milliseconds']);
    expect(messages(poll, { initialIntervalMs: 1000, maxWaitMs: 999 })).toEqual([
      'poll maxWaitMs (999) is shorter than one poll interval; raise it',
    ]);
    expect(messages(poll, { maxWaitMs: 50, maxIntervalMs: 20 })).toEqual([]);
    expect(messages(poll, { initialIntervalMs: 1000, maxIntervalMs: 999 })).toEqual([
      'poll maxIntervalMs (999) is below initialIntervalMs (1000); raise it or lower the initial interval',
    ]);
  });

  it('maxJobBytes lies between 1024 bytes and Pinpoint’s 1 GB', () => {
    expect(messages(fields.maxJobBytes, 1024)).toEqual([]);
    expect(messages(fields.maxJobBytes, 1_000_000_000)).toEqual([]);
    expect(messages(fields.maxJobBytes, 1023)).toEqual(['maxJobBytes must be at least 1024 bytes']);
    expect(messages(fields.maxJobBytes, 1_000_000_001)).toEqual([
      "maxJobBytes may not exceed Pinpoint's per-job limit of 1 GB (1,000,000,000 bytes)",
    ]);
    expect(messages(fields.maxJobBytes, 2048.5)).toEqual(['maxJobBytes must be a whole number of bytes']);
  });

  it('maxConcurrentJobs lies between 1 and 10', () => {
    expect(messages(fields.maxConcurrentJobs, 1)).toEqual([]);
    expect(messages(fields.maxConcurrentJobs, 10)).toEqual([]);
    expect(messages(fields.maxConcurrentJobs, 11)[0]).toMatch(/^maxConcurrentJobs may not exceed 10 \(/);
    expect(messages(fields.maxConcurrentJobs, 1.5)).toEqual(['maxConcurrentJobs must be a whole number']);
  });

  it('maxRejected is a count from 0 or a percentage from 0 to 100', () => {
    const ok = (v: unknown) => expect(messages(fields.maxRejected, v)).toEqual([]);
    ok({ count: 0 });
    ok({ percent: 0 });
    ok({ percent: 100 });
    const all = (v: unknown) => JSON.stringify(fields.maxRejected.safeParse(v).error?.issues);
    expect(all({ count: -1 })).toContain('maxRejected.count must be 0 or more');
    expect(all({ percent: 100.5 })).toContain('maxRejected.percent must be from 0 to 100');
    expect(all({ percent: -0.5 })).toContain('maxRejected.percent must be from 0 to 100');
    expect(fields.maxRejected.safeParse({ count: 1, percent: 1 }).success).toBe(false);
  });

  it('a report location is an S3 object key or an absolute local path', () => {
    expect(messages(fields.reportUrl, 's3://bucket/reports/run.json')).toEqual([]);
    expect(messages(fields.reportUrl, '/var/reports/run.json')).toEqual([]);
    expect(messages(fields.reportUrl, 's3://bucket')).toEqual([
      'report location "s3://bucket" names a folder; give an object key such as s3://bucket/reports/run.json',
    ]);
    expect(messages(fields.reportUrl, 'run.json')).toEqual([
      `report location "run.json" must be s3://bucket/key.json or an absolute path on the worker's host`,
    ]);
    expect(messages(fields.reportUrl, 's3://B_/run.json')[0]).toMatch(/"B_" is not a valid bucket name/);
    expect(messages(fields.reportUrl, '')[0]).toBe('report location is empty');
  });

  it('names a missing application id and role, and an unknown provider', () => {
    expect(messages(fields.applicationId, undefined)).toEqual([
      'application id is required; pass the Pinpoint project id with --app',
    ]);
    expect(messages(fields.roleArn, undefined)).toEqual([
      'role ARN is required: the IAM role Pinpoint assumes to reach the bucket',
    ]);
    expect(messages(fields.roleArn, 'arn:aws-cn:iam::123456789012:role/x')).toEqual([]);
    expect(messages(fields.providerName, 'sfmc')).toEqual(['provider must be "pinpoint" or "aep"']);
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
      segmentName: 'segment name is longer than 64 characters',
      keepStaging: 'keepStaging must be true or false',
    });
    expect(inputIssues(() => validateImportInput({ ...importInput, segmentName: '' }))).toEqual({
      segmentName: 'segment name is empty',
    });
  });

  it('explains the two source shapes', () => {
    expect(inputIssues(() => validateImportInput({ ...importInput, source: { kind: 'ftp' } }))).toEqual({
      'source.kind': 'source must be { kind: "local", paths: [...] } or { kind: "s3", s3Url: "s3://bucket/prefix/" }',
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
      targetApplicationId: 'is the same application as the source; sync into a different application',
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
      maxParallelTransfers: 'maxParallelTransfers may not exceed 64',
      transferBatchSize: 'transferBatchSize must be at least 1',
      maxJobBytes: 'maxJobBytes must be at least 16384 bytes (one endpoint may be 15 KB)',
      dryRun: 'dryRun must be true or false',
    });
    expect(inputIssues(() => validateSyncInput({ ...syncInput, segmentVersion: 2 }))).toEqual({
      segmentVersion: 'a segment version needs a segment id; add the segment id or drop the version',
    });
    expect(inputIssues(() => validateSyncInput({ ...syncInput, transferBatchSize: 2.5 }))).toEqual({
      transferBatchSize: 'transferBatchSize must be a whole number',
    });
    expect(inputIssues(() => validateSyncInput({ ...syncInput, maxParallelTransfers: '4' }))).toEqual({
      maxParallelTransfers: 'maxParallelTransfers must be a number',
    });
  });

  it('lists every issue in the error message, one per line, naming the input', () => {
    expect(() => validateSyncInput({ ...syncInput, dryRun: 1, transferBatchSize: 0 })).toThrow(
      'invalid sync input:\n  - dryRun: dryRun must be true or false\n' +
        '  - transferBatchSize: transferBatchSize must be at least 1',
    );
  });
});
