/**
 * `activate`: options → activateSegment input (env defaults, a mapping file read and checked here), every mistake a
 * bad-input error (exit 2) naming the option and the fix; the run's metadata and the report view.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { activateMetadata, activateScheduleId, activateWorkflowId, buildActivateInput } from '../../src/cli/activate';
import type { FlagValues } from '../../src/cli/options';
import { CliError } from '../../src/cli/errors';
import { detectPipeline, renderReport } from '../../src/cli/report-view';
import { pipelineOfWorkflowType } from '../../src/cli/start-metadata';
import type { ActivateSegmentReport } from '../../src/contracts/aep-activate';
import { ExitCode } from '../../src/contracts/failures';

const APP = '0123456789abcdef0123456789abcdef';
const ROLE = 'arn:aws:iam::123456789012:role/audienceflow';
const ENV = { AUDIENCEFLOW_S3_URL: 's3://stage/act', AUDIENCEFLOW_ROLE_ARN: ROLE };
const CWD = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-activate-'));
const good: FlagValues = { segment: ['seg-a', 'seg-b'], toApp: APP, pollInitial: '1s' };

afterAll(() => fs.rmSync(CWD, { recursive: true, force: true }));

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

function file(name: string, text: string): string {
  fs.writeFileSync(path.join(CWD, name), text);
  return name;
}

describe('activate options', () => {
  it('build the activateSegment input: a dataset is created by default, staging and role from the environment', () => {
    expect(buildActivateInput(good, ENV, CWD)).toEqual({
      segments: [{ segmentId: 'seg-a' }, { segmentId: 'seg-b' }],
      createDataset: { name: 'audienceflow activation' },
      applicationId: APP,
      s3Url: 's3://stage/act/',
      roleArn: ROLE,
      poll: { initialIntervalMs: 1_000 },
    });
    const mapping = { channels: [{ channel: 'SMS', address: 'mobilePhone.number' }] };
    const full = buildActivateInput(
      {
        ...good,
        dataset: 'ds_1',
        segmentStatus: 'realized',
        mergePolicy: 'mp:2',
        mapping: file('m.json', JSON.stringify(mapping)),
        s3: 's3://other/p/',
        roleArn: 'arn:aws:iam::210987654321:role/other',
        workDir: 'work',
        maxJobBytes: '64MiB',
        dryRun: true,
      },
      ENV,
      CWD,
    );
    expect(full).toEqual({
      segments: [
        { segmentId: 'seg-a', status: ['realized'] },
        { segmentId: 'seg-b', status: ['realized'] },
      ],
      datasetId: 'ds_1',
      mergePolicy: { id: 'mp', version: 2 },
      applicationId: APP,
      s3Url: 's3://other/p/',
      roleArn: 'arn:aws:iam::210987654321:role/other',
      workDir: path.join(CWD, 'work'),
      mapping,
      maxJobBytes: 64 * 1024 * 1024,
      dryRun: true,
      poll: { initialIntervalMs: 1_000 },
    });
  });

  it('refuse each mistake naming the option and the fix', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ segment: undefined }, /^--segment: is required\. Fix: give the AEP segment definitions/],
      [{ toApp: undefined }, /^--to-app: is required\. Fix: give the Pinpoint application \(project\) id/],
      [{ toApp: 'my-app' }, /^--to-app: "my-app" is not a Pinpoint application id/],
      [{ dataset: 'ds1', createDataset: true }, /^--dataset: given together with --create-dataset\. Fix:/],
      [{ dataset: 'd s' }, /^--dataset: "d s" is not a dataset id/],
      [{ mergePolicy: 'mp:v2' }, /^--merge-policy: "mp:v2" is not <id> or <id>:<version>/],
      [{ segmentStatus: 'active' }, /^--segment-status: "active" is not a membership status\. Fix:/],
      [{ s3: 'http://x/y' }, /^--s3: /],
      [{ roleArn: 'role' }, /^--role-arn: .*not an IAM role ARN/],
      [{ maxJobBytes: 'big' }, /^--max-job-bytes: "big" is not a size/],
      [{ maxJobBytes: '10GB' }, /^--max-job-bytes: .*per-job limit/],
      [{ dataset: 'd s' }, /^--dataset: "d s" is not a dataset id\. Fix: copy the id Catalog shows/],
      [{ pollMax: 'soon' }, /^--poll-max: "soon"/],
      [{ mapping: 'missing.json' }, /^--mapping: cannot read ".*missing\.json" \(ENOENT\)\. Fix:/],
      [
        { mapping: file('broken.json', '{"channels": [') },
        /^--mapping: ".*broken\.json" is not JSON .*Fix: write a JSON object/,
      ],
      [
        { mapping: file('fax.json', '{"channels": [{"channel": "FAX", "address": "a.b"}]}') },
        /^--mapping: ".*fax\.json" is not a valid mapping \(mapping\.channels\.0\.channel: must be EMAIL or SMS\)/,
      ],
      [{ mapping: file('list.json', '[]') }, /^--mapping: .*\(mapping: must be a JSON object\)/],
    ];
    for (const [patch, message] of cases) {
      expect(badInput(() => buildActivateInput({ ...good, ...patch }, ENV, CWD))).toMatch(message);
    }
    expect(badInput(() => buildActivateInput(good, {}, CWD))).toMatch(
      /^--s3: is required\. Fix: .* or set AUDIENCEFLOW_S3_URL/,
    );
    expect(badInput(() => buildActivateInput(good, { AUDIENCEFLOW_S3_URL: 's3://stage/p/' }, CWD))).toMatch(
      /^--role-arn: is required\. Fix:/,
    );
  });

  it('start activateSegment as an `activate` run of provider aep: the segments and the app as application ids', () => {
    const input = buildActivateInput(good, ENV, CWD);
    const m = activateMetadata(input);
    expect(m.workflowType).toBe('activateSegment');
    expect(m.searchAttributes.map((a) => [a.key.name, a.value])).toEqual([
      ['AudienceflowPipeline', 'activate'],
      ['AudienceflowProvider', 'aep'],
      ['AudienceflowApplicationId', ['seg-a', 'seg-b', APP]],
      ['AudienceflowStatus', 'RUNNING'],
    ]);
    expect(activateWorkflowId(input, new Date('2026-11-23T13:25:01Z'))).toBe(
      `activate-seg-a-to-${APP}-20261123T132501Z`,
    );
    expect(activateScheduleId(input)).toBe(`activate-seg-a-to-${APP}`);
    expect(pipelineOfWorkflowType('activateSegment')).toBe('activate');
  });

  it('render an activation report: counts, the AEP job and the import jobs', () => {
    const report: ActivateSegmentReport = {
      workflowId: 'w',
      runId: 'r',
      status: 'COMPLETED',
      dryRun: false,
      aepJobId: '17',
      applicationId: APP,
      totals: { profiles: 10, endpoints: { EMAIL: 9, SMS: 7 }, rejected: 1, withoutEndpoint: 0, files: 2 },
      importJobs: [
        {
          provider: 'pinpoint',
          kind: 'IMPORT',
          applicationId: APP,
          jobId: 'job-1',
          state: 'SUCCEEDED',
          rawStatus: 'COMPLETED',
          counters: { totalProcessed: 16, totalFailures: 0 },
        },
      ],
      imported: { processed: 16, failed: 0 },
      durationsMs: { export: 1, activate: 1, import: 1, total: 3 },
    };
    expect(detectPipeline(report)).toBe('activate');
    const text = renderReport(report);
    expect(text).toMatch(/AEP job\s+17/);
    expect(text).toMatch(/\n10\s+9\s+7\s+0\s+1\s+16\s+0\n/);
    expect(text).toMatch(/import\s+0123456789abcdef0123456789abcdef\s+job-1\s+SUCCEEDED \(COMPLETED\)/);
    expect(renderReport({ ...report, dryRun: true, importJobs: [] }, 'activate')).toMatch(
      /status\s+COMPLETED \(dry run/,
    );
  });
});
