/**
 * importEndpoints from an S3 source over the per-job limit, on a real Temporal server, real S3 (SeaweedFS) and the
 * Pinpoint emulator: the files are grouped into several jobs, each group copied under the run's staging prefix, the
 * source left untouched; a source within the limit stays one job on the URL as given; an oversize object, a split
 * without a staging location (and other bad sources) fail before any job; cancelling removes the copies only.
 */
import { GetImportJobCommand } from '@aws-sdk/client-pinpoint';
import type { EndpointBatchItem } from '@aws-sdk/client-pinpoint';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { ImportInput, ImportReport, PollHeartbeat } from '../../src/contracts';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import { endpointsToCsv } from '../../src/formats';
import {
  createApp,
  emulatorAdmin,
  eventually,
  historyText,
  occurrences,
  pendingActivityDetails,
  startPipelineEnv,
  TEST_ROLE_ARN,
} from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import { runEnd } from './run-end';

let env: PipelineEnv;
const FAST_POLL = { initialIntervalMs: 100, maxIntervalMs: 400, maxWaitMs: 120_000 };

beforeAll(async () => {
  env = await startPipelineEnv({ emulator: { pace: 'fast' } });
});
afterEach(async () => {
  await emulatorAdmin(env).clearFaults();
});
afterAll(async () => {
  await env?.stop();
});

function endpoints(count: number, from: number, tag: string): EndpointBatchItem[] {
  return Array.from({ length: count }, (_, i) => {
    const e = generateEndpoint(from + i, { invalidEvery: 0 });
    return { ...e, Address: `${tag}-${from + i}@example.test`, ChannelType: 'EMAIL' };
  });
}

const ndjson = (rows: EndpointBatchItem[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Puts `files` (relative key → body) under a fresh prefix; returns the prefix and each key's size. */
async function putSource(files: Record<string, string>): Promise<{ prefix: string; sizes: Map<string, number> }> {
  const prefix = `incoming/${randomUUID()}/`;
  const sizes = new Map<string, number>();
  for (const [name, body] of Object.entries(files)) {
    await env.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: prefix + name, Body: body }));
    sizes.set(prefix + name, Buffer.byteLength(body));
  }
  return { prefix, sizes };
}

/** Every key under a prefix with its size and ETag: what "untouched" is checked against. */
async function snapshot(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of await env.stack.s3.listKeys(env.bucket, prefix)) {
    const head = await env.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
    out[key] = `${head.ContentLength} ${head.ETag}`;
  }
  return out;
}

function input(applicationId: string, s3Url: string, extra: Partial<ImportInput> = {}): ImportInput {
  return {
    provider: 'pinpoint',
    applicationId,
    source: { kind: 's3', s3Url },
    format: 'JSON',
    stagingUrl: `s3://${env.bucket}/staging/`,
    roleArn: TEST_ROLE_ARN,
    poll: FAST_POLL,
    ...extra,
  };
}

function start(i: ImportInput) {
  return env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `import-${i.applicationId}-${randomUUID().slice(0, 8)}`,
    args: [i],
  });
}

async function failure(i: ImportInput): Promise<ApplicationFailure> {
  const err = await (await start(i)).result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

const jobsUnder = (workflowId: string, runId: string) =>
  env.stack.s3.listKeys(env.bucket, `staging/${workflowId}/${runId}/jobs/`);

test('an S3 prefix over the per-job limit becomes several jobs on staged copies; the source is untouched', async () => {
  const app = await createApp(env.pinpoint);
  const files = {
    'a.ndjson': ndjson(endpoints(12, 10_000, 'sa')),
    'ignored.csv': endpointsToCsv(endpoints(5, 11_000, 'sx')),
    'sub/a.ndjson': ndjson(endpoints(12, 12_000, 'sb')), // same file name as a.ndjson, other folder
    'sub/b.json': ndjson(endpoints(12, 13_000, 'sc')),
    'z.jsonl': ndjson(endpoints(12, 14_000, 'sd')),
  };
  const { prefix, sizes } = await putSource(files);
  const size = (name: string) => sizes.get(prefix + name)!;
  // The two first files (listing order) fill the first job exactly.
  const maxJobBytes = size('a.ndjson') + size('sub/a.ndjson');
  const ordered = ['a.ndjson', 'sub/a.ndjson', 'sub/b.json', 'z.jsonl'];
  const expected: string[][] = [];
  for (const name of ordered) {
    const last = expected[expected.length - 1];
    if (last && last.reduce((s, n) => s + size(n), 0) + size(name) <= maxJobBytes) last.push(name);
    else expected.push([name]);
  }
  expect(expected.length).toBeGreaterThanOrEqual(2);
  const before = await snapshot(prefix);

  // keepStaging: the staged copies are inspected below (by default they are deleted when the run ends).
  const handle = await start(
    input(app, `s3://${env.bucket}/${prefix}`, { maxJobBytes, maxConcurrentJobs: 2, keepStaging: true }),
  );
  const report: ImportReport = await handle.result();

  expect(report.status).toBe('COMPLETED');
  expect(report.jobs).toHaveLength(expected.length);
  expect(report.totals).toEqual({ rejectedLocally: 0, uploaded: undefined, processed: 48, failed: 0 });
  expect(report.message).toContain(`split into ${expected.length} import jobs`);
  const counts = await emulatorAdmin(env).app(app);
  expect(counts.jobs.import).toBe(expected.length);
  expect(counts.endpoints).toBe(48);

  // Each job read one staged folder; the copies are named <index>-<file name>, so the two a.ndjson stay apart.
  const run = `staging/${report.workflowId}/${report.runId}/`;
  const jobUrls = await Promise.all(
    report.jobs.map(async (j) => {
      const got = await env.pinpoint.send(new GetImportJobCommand({ ApplicationId: app, JobId: j.jobId }));
      return got.ImportJobResponse!.Definition!.S3Url;
    }),
  );
  expect(jobUrls.sort()).toEqual(
    expected.map((_, g) => `s3://${env.bucket}/${run}jobs/job-${String(g).padStart(4, '0')}/`),
  );
  const stagedKeys = await jobsUnder(report.workflowId, report.runId);
  expect(stagedKeys.sort()).toEqual(
    expected.flatMap((names, g) =>
      names.map(
        (n, i) => `${run}jobs/job-${String(g).padStart(4, '0')}/${String(i).padStart(5, '0')}-${n.split('/').pop()}`,
      ),
    ),
  );
  expect(await snapshot(prefix)).toEqual(before);

  const history = await historyText(handle);
  expect(
    occurrences(
      history,
      Object.values(files).flatMap((b) => b.match(/s[a-d]-\d+@example\.test/g) ?? []),
    ),
  ).toBe(0);
});

test('a source within the per-job limit is one job on the URL as given, nothing copied', async () => {
  const app = await createApp(env.pinpoint);
  const { prefix } = await putSource({
    'one.csv': endpointsToCsv(endpoints(10, 20_000, 'c1')),
    'sub/two.CSV': endpointsToCsv(endpoints(7, 21_000, 'c2')),
    'skip.ndjson': ndjson(endpoints(3, 22_000, 'c3')),
  });
  const url = `s3://${env.bucket}/${prefix}`;

  const report: ImportReport = await (await start(input(app, url, { format: 'CSV' }))).result();

  expect(report.status).toBe('COMPLETED');
  expect(report.jobs).toHaveLength(1);
  const job = await env.pinpoint.send(new GetImportJobCommand({ ApplicationId: app, JobId: report.jobs[0]!.jobId }));
  expect(job.ImportJobResponse!.Definition!.S3Url).toBe(url);
  expect(await jobsUnder(report.workflowId, report.runId)).toEqual([]);
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(17);
});

test('an oversize object, a split without staging and other bad sources fail before any job', async () => {
  const app = await createApp(env.pinpoint);
  const { prefix, sizes } = await putSource({
    'big.ndjson': ndjson(endpoints(12, 30_000, 'b1')),
    'small.ndjson': ndjson(endpoints(1, 31_000, 'b2')),
  });
  const bigSize = sizes.get(`${prefix}big.ndjson`)!;
  expect(bigSize).toBeGreaterThan(2048);
  const oversize = (url: string) =>
    `object ${url} is ${bigSize} bytes, over the per-job limit of 2048; split it into smaller files, or import it from a local file, which audienceflow splits for you`;

  // A folder holding one object over the limit, and the URL naming it.
  let f = await failure(input(app, `s3://${env.bucket}/${prefix}`, { maxJobBytes: 2048 }));
  expect([f.type, f.message]).toEqual(['BadInput', oversize(`s3://${env.bucket}/${prefix}big.ndjson`)]);
  f = await failure(input(app, `s3://${env.bucket}/${prefix}big.ndjson`, { maxJobBytes: 2048 }));
  expect([f.type, f.message]).toEqual(['BadInput', oversize(`s3://${env.bucket}/${prefix}big.ndjson`)]);

  // Over the limit in total, every file within it, and no staging location: the fix is named.
  const { prefix: two } = await putSource({
    '1.json': ndjson(endpoints(2, 32_000, 'b3')),
    '2.json': ndjson(endpoints(2, 33_000, 'b4')),
  });
  f = await failure(input(app, `s3://${env.bucket}/${two}`, { maxJobBytes: 2048, stagingUrl: undefined }));
  expect(f.type).toBe('BadInput');
  expect(f.message).toMatch(
    /holds 2 JSON file\(s\), \d+ bytes in all, over the per-job limit of 2048 bytes: it is imported as 2 jobs/,
  );
  expect(f.message).toContain('Give one: --staging s3://bucket/prefix/');

  // A staging location inside the source, and nothing of the format under the URL.
  f = await failure(
    input(app, `s3://${env.bucket}/${two}`, { maxJobBytes: 2048, stagingUrl: `s3://${env.bucket}/${two}stage/` }),
  );
  expect(f.message).toContain('lies inside the source');
  f = await failure(input(app, `s3://${env.bucket}/${two}`, { format: 'CSV' }));
  expect([f.type, f.message]).toEqual([
    'BadInput',
    `nothing to import: no CSV files under s3://${env.bucket}/${two} (an import reads the object the URL names, or the files ending in .csv under that folder and its subfolders); check the S3 URL and the format`,
  ]);
  f = await failure(input(app, `s3://missing-${randomUUID().slice(0, 8)}/in/`));
  expect(f.type).toBe('NotFound');
  expect(f.message).toMatch(/bucket "missing-[0-9a-f]+" does not exist; create it or fix the S3 URL/);

  expect((await emulatorAdmin(env).app(app)).jobs.import).toBe(0);
});

test('cancelling a split import deletes the staged copies and leaves the source alone', async () => {
  const app = await createApp(env.pinpoint);
  const { prefix } = await putSource({
    '1.json': ndjson(endpoints(2, 40_000, 'k1')),
    '2.json': ndjson(endpoints(2, 41_000, 'k2')),
    '3.json': ndjson(endpoints(2, 42_000, 'k3')),
  });
  const before = await snapshot(prefix);
  const admin = emulatorAdmin(env);
  await admin.faults({ stallNextJobs: 1, jobKind: 'IMPORT' });

  const handle = await start(input(app, `s3://${env.bucket}/${prefix}`, { maxJobBytes: 2048, maxConcurrentJobs: 1 }));
  const polling = await eventually('the wait to start', () =>
    pendingActivityDetails<PollHeartbeat>(handle, 'waitForJob'),
  );
  const runId = (await handle.describe()).runId;
  expect((await jobsUnder(handle.workflowId, runId)).length).toBe(3);
  await handle.cancel();
  const { report, temporalStatus } = await runEnd<ImportReport>(handle);

  expect(temporalStatus).toBe('CANCELLED');
  expect(report.status).toBe('CANCELLED');
  expect(report.message).toContain('Removed 3 staged object(s)');
  expect(await env.stack.s3.listKeys(env.bucket, `staging/${handle.workflowId}/`)).toEqual([]);
  expect(await snapshot(prefix)).toEqual(before);
  expect((await admin.app(app)).jobs.import).toBe(1);
  await admin.release(polling.jobId);
});
