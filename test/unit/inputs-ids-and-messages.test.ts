/**
 * Pinpoint ids and role ARNs at the edges of their patterns, and the messages of the pipeline inputs, each in the form
 * `<problem>. Fix: <fix>`: the field key names the option, the message quotes the bad value and names which S3 location
 * it is, so a user can tell which option to fix and how.
 */
import type { z } from 'zod';
import { InputError, fields, validateExportInput, validateImportInput, validateSyncInput } from '../../src/inputs';

const APP = '0123456789abcdef0123456789abcdef';
const OTHER_APP = 'fedcba9876543210fedcba9876543210';
const ROLE = 'arn:aws:iam::123456789012:role/audienceflow';

const exportInput = { applicationId: APP, s3Url: 's3://bucket/out/', roleArn: ROLE };
const importInput = {
  applicationId: APP,
  source: { kind: 's3', s3Url: 's3://bucket/in/' },
  format: 'CSV',
  roleArn: ROLE,
};
const syncInput = {
  sourceApplicationId: APP,
  targetApplicationId: OTHER_APP,
  s3Url: 's3://bucket/sync/',
  roleArn: ROLE,
};

function accepts(schema: z.ZodType, value: string): boolean {
  return schema.safeParse(value).success;
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

function issues(fn: () => unknown): Record<string, string> {
  return Object.fromEntries(thrown(fn).issues.map((i) => [i.field, i.message]));
}

describe('Pinpoint ids', () => {
  it('are exactly 32 lower-case hex characters', () => {
    for (const schema of [fields.applicationId, fields.segmentId]) {
      expect(accepts(schema, APP)).toBe(true);
      expect(accepts(schema, OTHER_APP)).toBe(true);
      for (const bad of [APP.slice(1), `${APP}0`, `0${APP}`, APP.toUpperCase(), `${APP.slice(1)}g`, `${APP} `]) {
        expect([bad, accepts(schema, bad)]).toEqual([bad, false]);
      }
    }
  });

  it('quote the bad value and give the fix: where to find a good one', () => {
    expect(fields.applicationId.safeParse('ABC').error?.issues[0]?.message).toBe(
      '"ABC" is not a Pinpoint application id (32 lower-case hex characters). Fix: copy the id from `aws pinpoint get-apps` (or the emulator\'s create-app answer)',
    );
    expect(fields.segmentId.safeParse('nope').error?.issues[0]?.message).toBe(
      '"nope" is not a segment id (32 lower-case hex characters). Fix: copy the id from `aws pinpoint get-segments`',
    );
  });
});

describe('role ARNs', () => {
  it('accept every partition and the characters IAM allows in a role path and name, up to 512', () => {
    for (const arn of [
      ROLE,
      'arn:aws-us-gov:iam::123456789012:role/path/to/Name_+=,.@-9',
      `arn:aws:iam::123456789012:role/${'r'.repeat(512)}`,
    ]) {
      expect([arn, accepts(fields.roleArn, arn)]).toEqual([arn, true]);
    }
  });

  it('refuse other services, resources, account ids, empty, long or spaced names and text around the ARN', () => {
    for (const arn of [
      `x${ROLE}`,
      `${ROLE} x`,
      `${ROLE}!`,
      'arn:aws:iam::12345678901:role/a',
      'arn:aws:iam::1234567890123:role/a',
      'arn:aws:iam::12345678901a:role/a',
      'arn:aws:iam::123456789012:role/',
      'arn:aws:iam::123456789012:user/a',
      'arn:aws:s3::123456789012:role/a',
      'arn:aws1:iam::123456789012:role/a',
      `arn:aws:iam::123456789012:role/${'r'.repeat(513)}`,
    ]) {
      expect([arn, accepts(fields.roleArn, arn)]).toEqual([arn, false]);
    }
    expect(fields.roleArn.safeParse('arn:x').error?.issues[0]?.message).toBe(
      '"arn:x" is not an IAM role ARN. Fix: give the role Pinpoint assumes, arn:aws:iam::<12-digit account>:role/<name>, e.g. arn:aws:iam::123456789012:role/audienceflow',
    );
  });
});

describe('S3 locations', () => {
  it('keep a prefix with a trailing slash and add one, even when the key holds "s3://"', () => {
    expect(fields.s3Prefix('x').parse('s3://bucket/a/s3://b')).toBe('s3://bucket/a/s3://b/');
  });

  it('name the pipeline’s own location in the message', () => {
    expect(issues(() => validateExportInput({ ...exportInput, s3Url: 'https://b/x' }))).toEqual({
      s3Url:
        'S3 prefix the export job writes to "https://b/x" is not an s3:// URL. Fix: write it as s3://bucket/prefix/',
    });
    expect(issues(() => validateSyncInput({ ...syncInput, s3Url: undefined }))).toEqual({
      s3Url: 'is required. Fix: give the S3 work area as s3://bucket/prefix/',
    });
    expect(
      issues(() =>
        validateImportInput({ ...importInput, source: { kind: 's3', s3Url: 's3://b/x' }, stagingUrl: 's3://b/../' }),
      ),
    ).toEqual({
      'source.s3Url':
        'import source "s3://b/x": "b" is not a valid bucket name. Fix: use 3-63 characters: a-z, 0-9, \'.\', \'-\'',
      stagingUrl:
        'staging prefix "s3://b/../": "b" is not a valid bucket name. Fix: use 3-63 characters: a-z, 0-9, \'.\', \'-\'',
    });
  });

  it('name the report location and keep a key with a trailing slash for a folder', () => {
    expect(fields.reportUrl.safeParse('s3://b/r.json').error?.issues[0]?.message).toBe(
      'report location "s3://b/r.json": "b" is not a valid bucket name. Fix: use 3-63 characters: a-z, 0-9, \'.\', \'-\'',
    );
    expect(fields.reportUrl.safeParse('s3://bucket/a/').error?.issues[0]?.message).toMatch(/names a folder/);
    expect(fields.reportUrl.safeParse('/reports/s3://x').success).toBe(true);
  });
});

describe('pipeline inputs', () => {
  it('refuse provider "aep" for endpoint pipelines, naming the pipeline and, as the fix, the AEP export command', () => {
    const fix = 'Fix: use provider pinpoint for this, or `audienceflow export --provider aep --segment <id> …`';
    expect(issues(() => validateExportInput({ ...exportInput, provider: 'aep' }))).toEqual({
      provider: `Adobe Experience Platform has no endpoint export (it exports profiles of segments). ${fix}`,
    });
    expect(issues(() => validateImportInput({ ...importInput, provider: 'aep' }))).toEqual({
      provider: `Adobe Experience Platform has no endpoint import (it exports profiles of segments). ${fix}`,
    });
    expect(issues(() => validateSyncInput({ ...syncInput, provider: 'aep' }))).toEqual({
      provider: `Adobe Experience Platform has no endpoint sync (it exports profiles of segments). ${fix}`,
    });
    expect(validateImportInput({ ...importInput, provider: 'pinpoint' }).provider).toBe('pinpoint');
    expect(validateSyncInput(syncInput).provider).toBe('pinpoint');
  });

  it('name the input in the error, and "(input)" for a problem with the whole input', () => {
    const err = thrown(() => validateExportInput('s3://bucket/out/'));
    expect(err.name).toBe('InputError');
    expect(err.issues.map((i) => i.field)).toEqual(['(input)']);
    expect(err.message).toMatch(/^invalid export input:\n {2}- \(input\): /);
    expect(thrown(() => validateImportInput(null)).message).toMatch(/^invalid import input:\n {2}- \(input\): /);
  });

  it('name the input file, the download folder and the poll wait by their fields, quoting the bad value', () => {
    expect(
      issues(() =>
        validateImportInput({
          ...importInput,
          source: { kind: 'local', paths: ['/tmp/a.csv', 'b.csv'] },
          stagingUrl: 's3://bucket/staging/',
        }),
      ),
    ).toEqual({
      'source.paths.1': `"b.csv" is not an absolute path. Fix: give the absolute path on the worker's host (the CLI resolves relative paths)`,
    });
    expect(
      issues(() =>
        validateExportInput({
          ...exportInput,
          downloadDir: 'out',
          poll: { initialIntervalMs: 1000, maxWaitMs: 999 },
        }),
      ),
    ).toEqual({
      downloadDir: `"out" is not an absolute path. Fix: give the absolute path on the worker's host (the CLI resolves relative paths)`,
      'poll.maxWaitMs': '999 ms is shorter than one poll interval (1000 ms). Fix: raise it',
    });
  });

  it('accept a segment with its version, and key wrong types of the job settings by their fields with a fix', () => {
    const segment = { segmentId: OTHER_APP, segmentVersion: 3 };
    expect(validateExportInput({ ...exportInput, ...segment })).toMatchObject(segment);
    expect(validateSyncInput({ ...syncInput, ...segment })).toMatchObject(segment);
    expect(
      issues(() => validateImportInput({ ...importInput, maxJobBytes: '1k', maxConcurrentJobs: '2', keepStaging: 1 })),
    ).toEqual({
      maxJobBytes: 'must be a number of bytes. Fix: give e.g. 500000000',
      maxConcurrentJobs: 'must be a number. Fix: give 1 to 10',
      keepStaging: 'must be true or false. Fix: give true or false',
    });
    expect(issues(() => validateSyncInput({ ...syncInput, keepStaging: 'no', transferBatchSize: 1001 }))).toEqual({
      keepStaging: 'must be true or false. Fix: give true or false',
      transferBatchSize: 'is over 1000. Fix: give 1 to 1000',
    });
    expect(validateSyncInput({ ...syncInput, transferBatchSize: 1 }).transferBatchSize).toBe(1);
  });

  it('quote an unsupported format and accept both', () => {
    expect(issues(() => validateImportInput({ ...importInput, format: 'XML' }))).toEqual({
      format: '"XML" is not a format. Fix: use CSV or JSON (newline-delimited JSON)',
    });
    expect(validateImportInput({ ...importInput, format: 'JSON' }).format).toBe('JSON');
  });
});
