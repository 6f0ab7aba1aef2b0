/**
 * `export --provider aep`: options → exportProfiles input, every mistake a bad-input error (exit 2) naming the option
 * and the fix; the run's metadata (workflow type, search attributes) and the report view.
 */
import os from 'node:os';
import path from 'node:path';
import {
  aepExportWorkflowId,
  buildAepExportInput,
  exportProfilesMetadata,
  refuseAepOptions,
} from '../../src/cli/aep-export';
import type { FlagValues } from '../../src/cli/options';
import { CliError } from '../../src/cli/errors';
import { renderReport } from '../../src/cli/report-view';
import { pipelineOfWorkflowType } from '../../src/cli/start-metadata';
import { ExitCode } from '../../src/contracts/failures';
import type { ExportProfilesReport } from '../../src/contracts/aep-export';

const CWD = os.tmpdir();
const good: FlagValues = {
  provider: 'aep',
  segment: ['seg-a', 'seg-b,seg-c'],
  createDataset: true,
  fields: 'personalEmail.address, mobilePhone.number',
  mergePolicy: 'mp-default:2',
  since: '2026-01-31T00:00:00Z',
  downloadDir: 'out',
  pollInitial: '1s',
};

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

describe('export --provider aep options', () => {
  it('build the exportProfiles input (segments split, download dir absolute, merge policy version)', () => {
    expect(buildAepExportInput(good, CWD)).toEqual({
      segments: [{ segmentId: 'seg-a' }, { segmentId: 'seg-b' }, { segmentId: 'seg-c' }],
      createDataset: { name: 'audienceflow profile export' },
      fields: ['personalEmail.address', 'mobilePhone.number'],
      mergePolicy: { id: 'mp-default', version: 2 },
      since: '2026-01-31T00:00:00Z',
      downloadDir: path.join(CWD, 'out'),
      poll: { initialIntervalMs: 1_000 },
    });
    const withDataset = buildAepExportInput(
      { ...good, createDataset: undefined, dataset: 'ds_1', segmentStatus: 'exited', mergePolicy: 'mp' },
      CWD,
    );
    expect(withDataset).toMatchObject({
      datasetId: 'ds_1',
      mergePolicy: { id: 'mp' },
      segments: [
        { segmentId: 'seg-a', status: ['exited'] },
        { segmentId: 'seg-b', status: ['exited'] },
        { segmentId: 'seg-c', status: ['exited'] },
      ],
    });
    expect(withDataset.createDataset).toBeUndefined();
    const toS3 = buildAepExportInput({ ...good, downloadDir: undefined, to: 's3://bucket/aep' }, CWD);
    expect(toS3).toMatchObject({ copyTo: 's3://bucket/aep/' });
    expect(toS3.downloadDir).toBeUndefined();
  });

  it('refuse each mistake naming the option and the fix', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ segment: undefined }, /^--segment: is required\. Fix: give the AEP segment definitions/],
      [{ dataset: 'ds1' }, /^--dataset: given together with a dataset to create\. Fix: name either an existing/],
      [{ createDataset: undefined }, /^--dataset: no target dataset\. Fix:/],
      [{ downloadDir: undefined }, /^--download-dir: is required unless the files are copied to S3\. Fix:/],
      [{ to: 'http://bucket/x' }, /^--to: .*not an s3:\/\/ URL/],
      [{ since: '2026-01-31' }, /^--since: "2026-01-31" is not an RFC 3339 time\. Fix: write e\.g\./],
      [{ since: '2026-02-31T00:00:00Z' }, /^--since: .* is not an RFC 3339 time/],
      [{ mergePolicy: 'mp:v2' }, /^--merge-policy: "mp:v2" is not <id> or <id>:<version>/],
      [{ fields: 'personalEmail address' }, /^--fields: "personalEmail address" is not an XDM dot path/],
      [{ segmentStatus: 'active' }, /^--segment-status: "active" is not a membership status\. Fix: use realized/],
      [{ mergePolicy: 'mp:0' }, /^--merge-policy: must be 1 or more\. Fix: merge policy versions start at 1/],
      [{ fields: ' , ' }, /^--fields: is empty\. Fix: /],
      [{ app: '0123456789abcdef0123456789abcdef' }, /^--app: is a Pinpoint option\. Fix: drop it/],
      [{ segmentId: 'x' }, /^--segment-id: is a Pinpoint option/],
      [{ pollMax: 'soon' }, /^--poll-max: "soon"/],
    ];
    for (const [patch, message] of cases) {
      expect(badInput(() => buildAepExportInput({ ...good, ...patch }, CWD))).toMatch(message);
    }
  });

  it('an AEP option on a Pinpoint export is refused with the fix (add --provider aep)', () => {
    expect(badInput(() => refuseAepOptions({ provider: 'pinpoint', segment: ['s'] }))).toMatch(
      /^--segment: is an option of AEP profile exports\. Fix: add --provider aep/,
    );
    expect(() => refuseAepOptions({ provider: 'pinpoint', segmentPerBatch: false })).not.toThrow();
  });

  it('start exportProfiles as an `export` run of provider aep, the segments as application ids', () => {
    const input = buildAepExportInput(good, CWD);
    const m = exportProfilesMetadata(input);
    expect(m.workflowType).toBe('exportProfiles');
    expect(m.searchAttributes.map((a) => [a.key.name, a.value])).toEqual([
      ['AudienceflowPipeline', 'export'],
      ['AudienceflowProvider', 'aep'],
      ['AudienceflowApplicationId', ['seg-a', 'seg-b', 'seg-c']],
      ['AudienceflowStatus', 'RUNNING'],
    ]);
    expect(aepExportWorkflowId(input, new Date('2026-11-23T13:25:01Z'))).toBe('export-aep-seg-a-20261123T132501Z');
    expect(pipelineOfWorkflowType('exportProfiles')).toBe('export');
  });

  it('render an AEP report as batches (status, cancel and --wait print it)', () => {
    const report: ExportProfilesReport = {
      workflowId: 'w',
      runId: 'r',
      status: 'SUCCEEDED',
      jobId: '17',
      datasetId: 'ds1',
      outputDir: '/tmp/out/w/r',
      batches: [{ batchId: 'b1', segmentId: 'seg-a', files: 2, bytes: 2048, records: 10 }],
      durationsMs: { dataset: 1, createJob: 1, wait: 1, download: 1, total: 4 },
    };
    const text = renderReport(report, 'export');
    expect(text).toMatch(/AEP job\s+17/);
    expect(text).toMatch(/downloaded to\s+\/tmp\/out\/w\/r/);
    expect(text).toMatch(/b1\s+seg-a\s+2\s+2\.0 kB\s+10/);
    expect(renderReport({ ...report, status: 'CANCELLED', batches: [] })).toMatch(/status\s+CANCELLED/);
  });
});
