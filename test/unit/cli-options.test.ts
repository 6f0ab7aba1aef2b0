import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../../src/contracts/failures';
import { CliError } from '../../src/cli/errors';
import { formatFromName } from '../../src/cli/flag-values';
import { flagForField } from '../../src/cli/flags';
import { buildExportInput, buildImportInput, buildSyncInput, IMPORT_FLAGS, SYNC_FLAGS } from '../../src/cli/options';
import { checkStartFlags } from '../../src/cli/start';

const APP = '0123456789abcdef0123456789abcdef';
const APP2 = 'fedcba9876543210fedcba9876543210';
const ROLE = 'arn:aws:iam::123456789012:role/audienceflow';
const noEnv = {} as NodeJS.ProcessEnv;

/** Runs fn, expects a bad-input CliError, returns its message. */
function badInput(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(ExitCode.BadInput);
    return (e as Error).message;
  }
  throw new Error('expected a bad-input error');
}

describe('export options', () => {
  it('builds a validated input, resolving the download dir and adding the prefix slash', () => {
    const input = buildExportInput(
      { app: APP, s3: 's3://bucket/exports', roleArn: ROLE, downloadDir: 'out', pollInitial: '2s', maxWait: '1h' },
      noEnv,
      '/home/me',
    );
    expect(input).toEqual({
      provider: 'pinpoint',
      applicationId: APP,
      s3Url: 's3://bucket/exports/',
      roleArn: ROLE,
      downloadDir: '/home/me/out',
      poll: { initialIntervalMs: 2_000, maxWaitMs: 3_600_000 },
    });
  });

  it('passes --cancel-grace as cancelGraceMs, and names the option when it is not a duration', () => {
    const base = { app: APP, s3: 's3://bucket/exports/', roleArn: ROLE };
    expect(buildExportInput({ ...base, cancelGrace: '90m' }, noEnv).cancelGraceMs).toBe(5_400_000);
    expect(buildExportInput(base, noEnv)).not.toHaveProperty('cancelGraceMs');
    expect(badInput(() => buildExportInput({ ...base, cancelGrace: 'soon' }, noEnv))).toMatch(
      /^--cancel-grace: "soon" is not a duration.*Fix: write e\.g\./,
    );
  });

  it('takes the S3 prefix and role from the stack environment', () => {
    const input = buildExportInput({ app: APP }, { AUDIENCEFLOW_S3_URL: 's3://stack/x/', AUDIENCEFLOW_ROLE_ARN: ROLE });
    expect(input.s3Url).toBe('s3://stack/x/');
    expect(input.roleArn).toBe(ROLE);
  });

  it('names the option and the fix for each mistake', () => {
    expect(badInput(() => buildExportInput({ s3: 's3://bucket/', roleArn: ROLE }, noEnv))).toMatch(
      /^--app: is required\. Fix: give the Pinpoint application \(project\) id/,
    );
    expect(badInput(() => buildExportInput({ app: 'my app', s3: 's3://bucket/', roleArn: ROLE }, noEnv))).toMatch(
      /^--app: "my app" is not a Pinpoint application id.*Fix:/,
    );
    expect(badInput(() => buildExportInput({ app: APP, roleArn: ROLE }, noEnv))).toMatch(
      /^--s3: is required.*AUDIENCEFLOW_S3_URL/,
    );
    expect(badInput(() => buildExportInput({ app: APP, s3: 'bucket/x', roleArn: ROLE }, noEnv))).toMatch(
      /^--s3: .*not an s3:\/\/ URL/,
    );
    expect(badInput(() => buildExportInput({ app: APP, s3: 's3://bucket/', roleArn: 'admin' }, noEnv))).toMatch(
      /^--role-arn: "admin" is not an IAM role ARN/,
    );
    expect(
      badInput(() => buildExportInput({ app: APP, s3: 's3://bucket/', roleArn: ROLE, segmentVersion: '2' }, noEnv)),
    ).toMatch(/^--segment-version: needs a segment id\. Fix: give the segment id too/);
    expect(
      badInput(() => buildExportInput({ app: APP, s3: 's3://bucket/', roleArn: ROLE, pollMax: 'soon' }, noEnv)),
    ).toMatch(/^--poll-max: "soon"/);
    expect(
      badInput(() =>
        buildExportInput({ app: APP, s3: 's3://bucket/', roleArn: ROLE, pollInitial: '10s', pollMax: '1s' }, noEnv),
      ),
    ).toMatch(/^--poll-max: 1000 ms is shorter than the first interval \(10000 ms\)\. Fix: raise it/);
    expect(
      badInput(() => buildExportInput({ app: APP, s3: 's3://bucket/', roleArn: ROLE, provider: 'aep' }, noEnv)),
    ).toMatch(/^--provider: Adobe Experience Platform has no endpoint export .*Fix: use provider pinpoint/);
  });
});

describe('import options', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-options-'));
    fs.writeFileSync(path.join(dir, 'a.csv'), 'ChannelType,Address\nEMAIL,a@example.com\n');
    fs.writeFileSync(path.join(dir, 'b.ndjson'), '{}\n');
    fs.writeFileSync(path.join(dir, 'data.txt'), 'x');
    fs.mkdirSync(path.join(dir, 'sub'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const env = { AUDIENCEFLOW_S3_URL: 's3://stage/in/', AUDIENCEFLOW_ROLE_ARN: ROLE } as NodeJS.ProcessEnv;

  it('resolves local files to absolute paths and infers the format', () => {
    const input = buildImportInput(['a.csv'], { app: APP, registerEndpoints: true }, env, dir);
    expect(input.source).toEqual({ kind: 'local', paths: [path.join(dir, 'a.csv')] });
    expect(input.format).toBe('CSV');
    expect(input.stagingUrl).toBe('s3://stage/in/');
    expect(input.registerEndpoints).toBe(true);
  });

  it('imports from S3 as given, with format from the key or --format', () => {
    const input = buildImportInput(['s3://bucket/in/part.ndjson'], { app: APP, report: 'r.json' }, env, '/w');
    expect(input.source).toEqual({ kind: 's3', s3Url: 's3://bucket/in/part.ndjson' });
    expect(input.format).toBe('JSON');
    expect(input.reportUrl).toBe('/w/r.json');
    expect(input.stagingUrl).toBeUndefined();
    expect(buildImportInput(['s3://bucket/in/'], { app: APP, format: 'csv' }, env).format).toBe('CSV');
    // --staging (never the environment's default) is where a source over the per-job limit is split into jobs.
    expect(
      buildImportInput(['s3://bucket/in/'], { app: APP, format: 'csv', staging: 's3://stage-b/x' }, env).stagingUrl,
    ).toBe('s3://stage-b/x/');
  });

  it('rejects missing, unreadable or mixed sources before any remote call', () => {
    expect(badInput(() => buildImportInput(['nope.csv'], { app: APP }, env, dir))).toMatch(
      /^<source>: file ".*nope\.csv" does not exist/,
    );
    expect(badInput(() => buildImportInput(['sub'], { app: APP, format: 'csv' }, env, dir))).toMatch(/is not a file/);
    expect(badInput(() => buildImportInput([], { app: APP }, env, dir))).toMatch(/^<source>: no source given/);
    expect(badInput(() => buildImportInput(['a.csv', 's3://bucket/x'], { app: APP }, env, dir))).toMatch(
      /mixes S3 URLs and local files/,
    );
    expect(badInput(() => buildImportInput(['a.csv', 'b.ndjson'], { app: APP }, env, dir))).toMatch(
      /^--format: cannot tell the format/,
    );
    expect(badInput(() => buildImportInput(['data.txt'], { app: APP }, env, dir))).toMatch(/^--format:/);
    expect(badInput(() => buildImportInput(['s3://bucket/in/'], { app: APP }, env))).toMatch(
      /^--format: cannot tell the format of "s3:\/\/bucket\/in\/"/,
    );
    expect(badInput(() => buildImportInput(['a.csv'], { app: APP, format: 'xml' }, env, dir))).toMatch(
      /^--format: "xml" is not a format/,
    );
    expect(badInput(() => buildImportInput(['a.csv'], { app: APP }, { AUDIENCEFLOW_ROLE_ARN: ROLE }, dir))).toMatch(
      /^--staging: is required/,
    );
    expect(badInput(() => buildImportInput(['a.csv'], { app: APP, maxJobBytes: '2GiB' }, env, dir))).toMatch(
      /^--max-job-bytes:/,
    );
    expect(badInput(() => buildImportInput(['a.csv'], { app: APP, maxConcurrentJobs: '11' }, env, dir))).toMatch(
      /^--max-concurrent-jobs:/,
    );
    expect(
      badInput(() => buildImportInput(['s3://bucket/in/'], { app: APP, format: 'csv', staging: 'b/x' }, env)),
    ).toMatch(/^--staging:/);
  });

  it('maps input fields to options', () => {
    expect(flagForField('source.paths.0', IMPORT_FLAGS, { source: '<sources>' })).toBe('<sources>');
    expect(flagForField('poll.maxWaitMs', IMPORT_FLAGS)).toBe('--max-wait');
    expect(flagForField('registerEndpoints', IMPORT_FLAGS)).toBe('--no-register-endpoints');
    expect(flagForField('transform.set.Location.Country', SYNC_FLAGS)).toBe('--set');
    expect(formatFromName('x.JSONL.gz')).toBe('JSON');
  });

  it('names the source on the command line for a bad S3 source, and lists every problem', () => {
    expect(badInput(() => buildImportInput(['s3://B_/in/x.csv'], { app: APP }, env))).toMatch(
      /^<sources>: import source "s3:\/\/B_\/in\/x\.csv": "B_" is not a valid bucket name\. Fix: /,
    );
    expect(
      badInput(() => buildImportInput(['a.csv'], { app: 'x', maxConcurrentJobs: '0', segmentName: '' }, env, dir)),
    ).toBe(
      '--app: "x" is not a Pinpoint application id (32 lower-case hex characters). ' +
        "Fix: copy the id from `aws pinpoint get-apps` (or the emulator's create-app answer)\n" +
        '--segment-name: is empty. Fix: give a segment name, or leave it out\n' +
        '--max-concurrent-jobs: must be at least 1. Fix: give 1 to 10',
    );
  });

  it('passes --no-register-endpoints as false and registers by default', () => {
    expect(buildImportInput(['a.csv'], { app: APP }, env, dir).registerEndpoints).toBe(true);
    expect(buildImportInput(['a.csv'], { app: APP, registerEndpoints: false }, env, dir).registerEndpoints).toBe(false);
  });
});

describe('sync options', () => {
  const env = { AUDIENCEFLOW_S3_URL: 's3://work/sync/', AUDIENCEFLOW_ROLE_ARN: ROLE } as NodeJS.ProcessEnv;

  it('builds the input with a declarative transform', () => {
    const input = buildSyncInput(
      {
        fromApp: APP,
        toApp: APP2,
        keepChannels: 'email,sms',
        dropOptedOut: true,
        renameAttribute: ['plan=tier'],
        set: ['Attributes.source=sync'],
        dryRun: true,
        maxParallelTransfers: '4',
      },
      env,
    );
    expect(input).toMatchObject({
      sourceApplicationId: APP,
      targetApplicationId: APP2,
      s3Url: 's3://work/sync/',
      dryRun: true,
      maxParallelTransfers: 4,
      transform: {
        keepChannelTypes: ['EMAIL', 'SMS'],
        dropOptedOut: true,
        renameAttributes: { plan: 'tier' },
        set: { 'Attributes.source': 'sync' },
      },
    });
  });

  it('takes --max-rejected as rows or a percentage, and --keep-staging', () => {
    const input = buildSyncInput({ fromApp: APP, toApp: APP2, maxRejected: '2.5%', keepStaging: true }, env);
    expect(input.maxRejected).toEqual({ percent: 2.5 });
    expect(input.keepStaging).toBe(true);
    expect(buildSyncInput({ fromApp: APP, toApp: APP2, maxRejected: '10' }, env).maxRejected).toEqual({ count: 10 });
    expect(buildSyncInput({ fromApp: APP, toApp: APP2 }, env).keepStaging).toBeUndefined();
    expect(badInput(() => buildSyncInput({ fromApp: APP, toApp: APP2, maxRejected: 'lots' }, env))).toMatch(
      /^--max-rejected: "lots" is neither a number of rows nor a percentage\. Fix: pass e\.g\. --max-rejected 100/,
    );
  });

  it('has no transform when no transform option is set (or only switches that are off)', () => {
    expect(buildSyncInput({ fromApp: APP, toApp: APP2 }, env).transform).toBeUndefined();
    expect(
      buildSyncInput({ fromApp: APP, toApp: APP2, dropOptedOut: false, dropInactive: false }, env).transform,
    ).toBeUndefined();
  });

  it('names the transform option at fault', () => {
    expect(badInput(() => buildSyncInput({ fromApp: APP, toApp: APP }, env))).toMatch(
      /^--to-app: is the same application/,
    );
    expect(badInput(() => buildSyncInput({ fromApp: APP, toApp: APP2, keepChannels: 'EMAIL,FAX' }, env))).toMatch(
      /^--keep-channels: .*FAX/,
    );
    expect(badInput(() => buildSyncInput({ fromApp: APP, toApp: APP2, renameAttribute: ['plan'] }, env))).toMatch(
      /^--rename-attribute: "plan" is not key=value/,
    );
    expect(badInput(() => buildSyncInput({ fromApp: APP, toApp: APP2, set: ['Id=1'] }, env))).toMatch(/^--set: .*Id/);
    expect(
      badInput(() =>
        buildSyncInput({ fromApp: APP, toApp: APP2, includeAttributes: 'a', excludeAttributes: 'a' }, env),
      ),
    ).toMatch(/^--exclude-attributes:/);
    expect(badInput(() => buildSyncInput({ toApp: APP2 }, env))).toMatch(/^--from-app: is required/);
  });
});

describe('start flags', () => {
  it('accepts cron without --wait and rejects the combination', () => {
    expect(checkStartFlags({ cron: '0 2 * * *' })).toEqual({ cron: '0 2 * * *', wait: false, json: false });
    expect(badInput(() => checkStartFlags({ cron: '0 2 * * *', wait: true }))).toMatch(
      /^--wait: cannot follow a cron workflow/,
    );
    expect(badInput(() => checkStartFlags({ cron: 'nightly' }))).toMatch(/^--cron: "nightly" is not a cron expression/);
    expect(badInput(() => checkStartFlags({ workflowId: 'has space' }))).toMatch(/^--workflow-id:/);
  });
});
