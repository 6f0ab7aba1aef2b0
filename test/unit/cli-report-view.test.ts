import type { ExportReport, ImportReport, JobSnapshot, SyncReport } from '../../src/contracts';
import { detectPipeline, renderFields, renderReport, renderTable } from '../../src/cli/report-view';

const job = (over: Partial<JobSnapshot> = {}): JobSnapshot => ({
  provider: 'pinpoint',
  kind: 'EXPORT',
  applicationId: 'app1',
  jobId: 'job-1',
  state: 'SUCCEEDED',
  rawStatus: 'COMPLETED',
  counters: { totalPieces: 2, completedPieces: 2, totalProcessed: 1234, totalFailures: 0 },
  ...over,
});

const exportReport: ExportReport = {
  workflowId: 'export-app1-20261123T132501Z',
  runId: 'run-1',
  status: 'COMPLETED',
  job: job(),
  outputUrl: 's3://bucket/exports/export-app1-20261123T132501Z/run-1/',
  objects: [
    { key: 'exports/x/run-1/part-0.gz', size: 2_500_000 },
    { key: 'exports/x/run-1/part-1.gz', size: 700 },
  ],
  totalBytes: 2_500_700,
  localFiles: ['/tmp/out/part-0.gz', '/tmp/out/part-1.gz'],
  durationsMs: { wait: 12_300, download: 800 },
};

const importReport: ImportReport = {
  workflowId: 'import-app1-20261123T132501Z',
  runId: 'run-2',
  status: 'FAILED',
  message: 'job job-9 ended FAILED',
  jobs: [
    job({
      kind: 'IMPORT',
      jobId: 'job-9',
      state: 'FAILED',
      rawStatus: 'FAILED',
      counters: { totalProcessed: 10, totalFailures: 10 },
    }),
  ],
  totals: { rejectedLocally: 3, uploaded: 10, processed: 10, failed: 10 },
  reportLocation: 's3://bucket/reports/r.json',
  durationsMs: {},
};

const syncReport: SyncReport = {
  workflowId: 'sync-a-to-b-20261123T132501Z',
  runId: 'run-3',
  status: 'COMPLETED',
  dryRun: true,
  exportJob: job(),
  importJobs: [],
  counts: { exported: 10_000, transformed: 9_000, filtered: 900, rejected: 100, processed: 0, failed: 0 },
  durationsMs: { export: 1_000 },
};

describe('report tables', () => {
  it('aligns columns and fields', () => {
    expect(renderTable(['a', 'long header'], [['xxxx', 'y']])).toBe('a     long header\n----  -----------\nxxxx  y');
    expect(
      renderFields([
        ['k', 'v'],
        ['longer', 'w'],
        ['skipped', undefined],
      ]),
    ).toBe('k       v\nlonger  w');
  });

  it('detects the pipeline from the report shape', () => {
    expect(detectPipeline(exportReport)).toBe('export');
    expect(detectPipeline(importReport)).toBe('import');
    expect(detectPipeline(syncReport)).toBe('sync');
    expect(detectPipeline('nope')).toBeUndefined();
  });

  it('renders an export report with job, objects and sizes', () => {
    const text = renderReport(exportReport);
    expect(text).toContain('status       COMPLETED');
    expect(text).toContain('objects      2 (2.5 MB)');
    expect(text).toContain('local files  2');
    expect(text).toMatch(/export\s+app1\s+job-1\s+SUCCEEDED \(COMPLETED\)\s+2\/2\s+1,234\s+0/);
    expect(text).toMatch(/exports\/x\/run-1\/part-1\.gz\s+700 B/);
    expect(text).toContain('wait 12.3 s, download 800 ms');
  });

  it('renders an import report with totals and the failure report location', () => {
    const text = renderReport(importReport, 'import');
    expect(text).toContain('status            FAILED');
    expect(text).toContain('message           job job-9 ended FAILED');
    expect(text).toContain('rejected locally  3');
    expect(text).toContain('failure report    s3://bucket/reports/r.json');
    expect(text).toMatch(/import\s+app1\s+job-9\s+FAILED\s+-\s+10\s+10/);
  });

  it('shows the repeated ids of a local import, and nothing for an S3 source (not read, not counted)', () => {
    const local = { ...importReport, totals: { ...importReport.totals, duplicateIds: 1234 } };
    expect(renderReport(local, 'import')).toContain('duplicate ids     1,234');
    expect(renderReport(importReport, 'import')).not.toContain('duplicate ids');
  });

  it('renders a sync report with counts at every stage', () => {
    const text = renderReport(syncReport);
    expect(text).toContain('COMPLETED (dry run: no import job created)');
    expect(text).toMatch(/exported\s+transformed\s+filtered\s+rejected\s+processed\s+failed/);
    expect(text).toMatch(/10,000\s+9,000\s+900\s+100\s+0\s+0/);
  });

  it('falls back to JSON for unknown shapes', () => {
    expect(renderReport({ hello: 1 })).toBe('{\n  "hello": 1\n}');
  });
});
