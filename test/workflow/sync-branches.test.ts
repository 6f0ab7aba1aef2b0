/**
 * syncEndpoints' windows with mocked activities on Temporal's time-skipping test server: transfers never exceed
 * maxParallelTransfers (inline and in batch children), import jobs never exceed maxConcurrentJobs, every part
 * lands in exactly one job, and the counts add up. The real-stack sync tests are in test/integration/.
 */
import type { JobSnapshot, SyncInput, SyncReport } from '../../src/contracts';
import { runWithActivities, timeSkippingSuite, type MockActivities } from './mock-worker';

const SOURCE = 'c'.repeat(32);
const TARGET = 'd'.repeat(32);
const INPUT: SyncInput = {
  provider: 'pinpoint',
  sourceApplicationId: SOURCE,
  targetApplicationId: TARGET,
  s3Url: 's3://bucket/sync/',
  roleArn: 'arn:aws:iam::123456789012:role/test',
};
const PART_BYTES = 40_000;

function job(kind: JobSnapshot['kind'], jobId: string, processed = 0): JobSnapshot {
  const state = processed > 0 || kind === 'EXPORT' ? 'SUCCEEDED' : 'CREATED';
  return {
    provider: 'pinpoint',
    kind,
    applicationId: kind === 'EXPORT' ? SOURCE : TARGET,
    jobId,
    state,
    rawStatus: state === 'SUCCEEDED' ? 'COMPLETED' : 'CREATED',
    counters: { totalProcessed: processed, totalFailures: 0 },
  };
}

/** Counts what runs at once, per activity kind. */
class Gauge {
  now = 0;
  max = 0;
  async hold<T>(ms: number, value: T): Promise<T> {
    this.now++;
    this.max = Math.max(this.max, this.now);
    await new Promise((r) => setTimeout(r, ms));
    this.now--;
    return value;
  }
}

/** An export of `pieces` pieces of 10 endpoints, each transferred into one part of PART_BYTES. */
function activities(pieces: number, transfers: Gauge, imports: Gauge, partsPerJob: string[][]): MockActivities {
  let importJobs = 0;
  return {
    checkSyncInput: (input: SyncInput) => input,
    createOrAdoptExportJob: () => ({ job: job('EXPORT', 'export-1'), adopted: false }),
    waitForJob: (input: { job: { kind: JobSnapshot['kind']; jobId: string } }) =>
      input.job.kind === 'EXPORT'
        ? job('EXPORT', input.job.jobId)
        : imports.hold(100, job('IMPORT', input.job.jobId, 10)),
    listObjects: (input: { prefix: string }) => ({
      objects: Array.from({ length: pieces }, (_, i) => ({ key: `${input.prefix}piece-${i}.gz`, size: 1000 })),
      totalBytes: pieces * 1000,
    }),
    transferPiece: (input: { pieceIndex: number; output: { prefix: string } }) =>
      transfers.hold(100, {
        pieceIndex: input.pieceIndex,
        read: 10,
        written: 10,
        filtered: 0,
        rejected: 0,
        parts: [{ key: `${input.output.prefix}parts/p${input.pieceIndex}.ndjson`, size: PART_BYTES, records: 10 }],
        bytesIn: 1000,
        bytesOut: PART_BYTES,
      }),
    stageImportJobs: (input: { prefix: string; groups: string[][] }) => {
      partsPerJob.push(...input.groups);
      return input.groups.map((_, i) => `${input.prefix}jobs/job-${i}/`);
    },
    createOrAdoptImportJob: () => ({ job: job('IMPORT', `import-${++importJobs}`), adopted: false }),
    writeFailureReport: (input: { location: string }) => ({ location: input.location }),
    writeSyncReport: (input: { location: string }) => input.location,
    deleteRunData: () => ({ deletedObjects: 0, deletedFiles: 0 }),
    cancelJobs: () => [],
  };
}

const suite = timeSkippingSuite();

test.each([
  ['inline', 100],
  ['in batch children of 3', 3],
])(
  'transfers %s: at most maxParallelTransfers at once, jobs at most maxConcurrentJobs, each part in one job',
  async (_how, transferBatchSize) => {
    const transfers = new Gauge();
    const imports = new Gauge();
    const partsPerJob: string[][] = [];
    const input: SyncInput = {
      ...INPUT,
      maxParallelTransfers: 2,
      maxConcurrentJobs: 2,
      transferBatchSize,
      // Two parts per import job.
      maxJobBytes: 2 * PART_BYTES,
    };
    const report = (await runWithActivities(
      suite.env,
      suite.bundle,
      activities(7, transfers, imports, partsPerJob),
      (client, tq) =>
        client.workflow.execute('syncEndpoints', {
          args: [input],
          taskQueue: tq,
          workflowId: `sync-${transferBatchSize}`,
        }),
    )) as SyncReport;
    expect(report.status).toBe('COMPLETED');
    expect(transfers.max).toBe(2);
    expect(imports.max).toBe(2);
    // 7 parts of 40 kB, 80 kB per job: 4 jobs, every part in exactly one.
    expect(partsPerJob.map((g) => g.length)).toEqual([2, 2, 2, 1]);
    expect(new Set(partsPerJob.flat()).size).toBe(7);
    expect(report.importJobs.map((j) => j.jobId).sort()).toEqual(['import-1', 'import-2', 'import-3', 'import-4']);
    expect(report.counts).toEqual({
      exported: 70,
      transformed: 70,
      filtered: 0,
      rejected: 0,
      processed: 40,
      failed: 0,
    });
  },
);
