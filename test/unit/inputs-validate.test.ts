import { InputError, validateExportInput, validateImportInput } from '../../src/inputs';

const APP = '0123456789abcdef0123456789abcdef';
const ROLE = 'arn:aws:iam::123456789012:role/audienceflow';

function issues(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return Object.fromEntries((err as InputError).issues.map((i) => [i.field, i.message]));
  }
  throw new Error('expected an InputError');
}

describe('validateExportInput', () => {
  it('accepts a good input, defaults the provider and adds the trailing slash', () => {
    expect(validateExportInput({ applicationId: APP, s3Url: 's3://bucket/exports', roleArn: ROLE })).toEqual({
      provider: 'pinpoint',
      applicationId: APP,
      s3Url: 's3://bucket/exports/',
      roleArn: ROLE,
    });
  });

  it('names every bad field and the fix', () => {
    const found = issues(() =>
      validateExportInput({
        applicationId: 'ABC',
        s3Url: 'https://bucket/x',
        roleArn: 'arn:aws:iam::1:user/x',
        segmentId: 'nope',
        segmentVersion: 0,
        downloadDir: 'relative/dir',
        poll: { initialIntervalMs: 5_000, maxIntervalMs: 1_000 },
      }),
    );
    expect(found.applicationId).toMatch(/32 lower-case hex.*Fix: copy the id/);
    expect(found.s3Url).toMatch(/s3:\/\/bucket\/prefix\//);
    expect(found.roleArn).toMatch(/is not an IAM role ARN\. Fix: .*arn:aws:iam::<12-digit account>:role\/<name>/);
    expect(found.segmentId).toMatch(/segment id/);
    expect(found.segmentVersion).toMatch(/start at 1/);
    expect(found.downloadDir).toMatch(/absolute path/);
    expect(found['poll.maxIntervalMs']).toMatch(/shorter than the first interval/);
  });

  it('rejects a bad bucket name, unknown fields and a version without a segment', () => {
    const found = issues(() =>
      validateExportInput({ applicationId: APP, s3Url: 's3://B_/x/', roleArn: ROLE, segmentVersion: 2, extra: 1 }),
    );
    expect(found.s3Url).toMatch(/not a valid bucket name/);
    expect(found.segmentVersion).toMatch(/needs a segment id\. Fix: /);
    expect(Object.values(found).join(' ')).toMatch(/extra/);
  });
});

describe('validateImportInput', () => {
  const good = {
    applicationId: APP,
    source: { kind: 'local', paths: ['/tmp/a.csv'] },
    format: 'CSV',
    stagingUrl: 's3://bucket/staging/',
    roleArn: ROLE,
  };

  it('accepts local and S3 sources', () => {
    expect(validateImportInput(good).source).toEqual({ kind: 'local', paths: ['/tmp/a.csv'] });
    const s3 = validateImportInput({
      ...good,
      source: { kind: 's3', s3Url: 's3://bucket/in/file.csv' },
      stagingUrl: undefined,
    });
    expect(s3.source).toEqual({ kind: 's3', s3Url: 's3://bucket/in/file.csv' });
  });

  it('requires a staging location for local files', () => {
    expect(issues(() => validateImportInput({ ...good, stagingUrl: undefined })).stagingUrl).toMatch(
      /^is required for local files .*\. Fix: give a staging prefix s3:\/\/bucket\/prefix\/$/,
    );
  });

  it('names bad format, limits, report location and paths', () => {
    const found = issues(() =>
      validateImportInput({
        ...good,
        format: 'XML',
        source: { kind: 'local', paths: ['rel.csv'] },
        maxJobBytes: 2 * 1024 ** 3,
        maxConcurrentJobs: 0,
        reportUrl: 's3://bucket/folder/',
      }),
    );
    expect(found.format).toBe('"XML" is not a format. Fix: use CSV or JSON (newline-delimited JSON)');
    expect(found['source.paths.0']).toMatch(/absolute path/);
    expect(found.maxJobBytes).toMatch(/per-job limit of 1 GB \(1,000,000,000 bytes\)\. Fix: /);
    expect(found.maxConcurrentJobs).toMatch(/at least 1/);
    expect(found.reportUrl).toMatch(/names a folder/);
  });

  it('rejects an unknown source kind and an empty file list', () => {
    expect(Object.keys(issues(() => validateImportInput({ ...good, source: { kind: 'ftp' } }))).join()).toMatch(
      /^source/,
    );
    expect(
      issues(() => validateImportInput({ ...good, source: { kind: 'local', paths: [] } }))['source.paths'],
    ).toMatch(/^is empty\. Fix: name at least one/);
  });
});
