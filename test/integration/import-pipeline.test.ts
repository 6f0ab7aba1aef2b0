/**
 * importEndpoints end to end on a real Temporal server, real S3 (SeaweedFS) and the Pinpoint emulator: local CSV,
 * local NDJSON split into several jobs, an S3 prefix; malformed files with a complete rejected-rows report while the
 * valid rows still import; a job that ends FAILED; no address in the run's history.
 * This file's worker parses every local file in two worker threads (AUDIENCEFLOW_THREAD_MIN_BYTES=0); import-cancel
 * runs the same upload on the activity's thread (small files, the default).
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { EndpointBatchItem } from '@aws-sdk/client-pinpoint';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { progressQuery, SA_JOB_ID, SA_STATUS } from '../../src/contracts';
import type { ImportInput, ImportReport } from '../../src/contracts';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import { endpointsToCsv } from '../../src/formats';
import {
  createApp,
  emulatorAdmin,
  historyText,
  occurrences,
  localImportInput,
  startPipelineEnv,
} from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import { runEnd } from './run-end';

let env: PipelineEnv;
let tmp: string;

beforeAll(async () => {
  process.env.AUDIENCEFLOW_THREAD_MIN_BYTES = '0';
  env = await startPipelineEnv({ emulator: { pace: 'fast' } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-import-'));
});
afterAll(async () => {
  await env?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Valid, distinct endpoints (the generator's invalid ones switched off) with unique addresses per test. */
function endpoints(count: number, from: number, tag: string): EndpointBatchItem[] {
  return Array.from({ length: count }, (_, i) => {
    const e = generateEndpoint(from + i, { invalidEvery: 0 });
    return { ...e, Address: `${tag}-${from + i}@example.test`, ChannelType: 'EMAIL' };
  });
}

const importInput = (applicationId: string, extra: Partial<ImportInput>): ImportInput =>
  localImportInput(env, applicationId, extra);

async function run(input: ImportInput) {
  const handle = await env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `import-${input.applicationId}-${Date.now()}`,
    args: [input],
  });
  const end = await runEnd<ImportReport>(handle);
  return { handle, report: end.report, end };
}

function writeFile(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

interface FailureReportJson {
  workflowId: string;
  jobs: { jobId: string; status: string; totalProcessed: number; totalFailures: number; failures: string[] }[];
  rejectedRows: { file: string; line: number; reason: string }[];
  totals: { providerFailures: number; rejectedRows: number };
}

test('local CSV: every row imported, counts match the emulator, no address in history', async () => {
  const app = await createApp(env.pinpoint);
  const rows = endpoints(120, 0, 'csv');
  const file = writeFile('audience.csv', endpointsToCsv(rows));
  const reportPath = path.join(tmp, 'csv-report.json');

  const { handle, report } = await run(
    importInput(app, { source: { kind: 'local', paths: [file] }, reportUrl: reportPath }),
  );

  expect(report.status).toBe('COMPLETED');
  expect(report.jobs).toHaveLength(1);
  expect(report.jobs[0]).toMatchObject({ state: 'SUCCEEDED', rawStatus: 'COMPLETED', kind: 'IMPORT' });
  expect(report.totals).toEqual({ rejectedLocally: 0, uploaded: 120, duplicateIds: 0, processed: 120, failed: 0 });
  const counts = await emulatorAdmin(env).app(app);
  expect(counts.endpoints).toBe(120);
  expect(counts.jobs.import).toBe(1);
  expect(report.reportLocation).toBe(reportPath);
  const written = JSON.parse(fs.readFileSync(reportPath, 'utf8')) as FailureReportJson;
  expect(written.jobs.map((j) => j.jobId)).toEqual([report.jobs[0]!.jobId]);
  expect(written.rejectedRows).toEqual([]);

  const described = await handle.describe();
  expect(described.typedSearchAttributes.get(SA_JOB_ID)).toEqual([report.jobs[0]!.jobId]);
  expect(described.typedSearchAttributes.get(SA_STATUS)).toBe('COMPLETED');
  expect(await handle.query(progressQuery)).toMatchObject({ pipeline: 'import', phase: 'done', processed: 120 });
  const history = await historyText(handle);
  expect(history.includes(report.jobs[0]!.jobId)).toBe(true);
  expect(
    occurrences(
      history,
      rows.map((r) => r.Address!),
    ),
  ).toBe(0);
});

test('local NDJSON larger than the per-job limit is split into several jobs', async () => {
  const app = await createApp(env.pinpoint);
  const rows = endpoints(300, 1_000, 'nd');
  const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const file = writeFile('audience.ndjson', text);
  const maxJobBytes = Math.ceil(Buffer.byteLength(text) / 3) + 1024; // → 3 parts

  const { report } = await run(
    importInput(app, {
      source: { kind: 'local', paths: [file] },
      format: 'JSON',
      maxJobBytes,
      maxConcurrentJobs: 2,
      keepStaging: true, // so the staged parts can be counted below
    }),
  );

  expect(report.status).toBe('COMPLETED');
  expect(report.jobs).toHaveLength(3);
  expect(report.totals).toEqual({ rejectedLocally: 0, uploaded: 300, duplicateIds: 0, processed: 300, failed: 0 });
  const counts = await emulatorAdmin(env).app(app);
  expect(counts.endpoints).toBe(300);
  expect(counts.jobs.import).toBe(3);
  // The default report location is under the run's own staging prefix.
  expect(report.reportLocation).toBe(
    `s3://${env.bucket}/staging/${report.workflowId}/${report.runId}/failure-report.json`,
  );
  const staged = await env.stack.s3.listKeys(env.bucket, `staging/${report.workflowId}/${report.runId}/parts/`);
  expect(staged).toHaveLength(3);
});

test('an S3 prefix is imported as is (only files of the requested format)', async () => {
  const app = await createApp(env.pinpoint);
  const prefix = `incoming/${randomUUID()}/`;
  const a = endpoints(40, 2_000, 's3a');
  const b = endpoints(25, 3_000, 's3b');
  const put = (key: string, body: string) =>
    env.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: prefix + key, Body: body }));
  await put('a.json', a.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await put('sub/b.json', b.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await put('ignored.csv', endpointsToCsv(endpoints(5, 4_000, 'csv-ignored')));

  const { report } = await run(
    importInput(app, {
      source: { kind: 's3', s3Url: `s3://${env.bucket}/${prefix}` },
      format: 'JSON',
      stagingUrl: undefined,
      reportUrl: `s3://${env.bucket}/reports/${randomUUID()}.json`,
    }),
  );

  expect(report.status).toBe('COMPLETED');
  expect(report.totals).toEqual({ rejectedLocally: 0, uploaded: undefined, processed: 65, failed: 0 });
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(65);
});

test('malformed files: every bad row is in the report with line and reason; valid rows still import', async () => {
  const app = await createApp(env.pinpoint);
  const csv = writeFile(
    'messy.csv',
    '\uFEFFAddress,ChannelType,User.UserId\r\n' +
      'good1@example.test,EMAIL,u1\r\n' +
      '"unterminated@example.test,EMAIL,u2\r\n' +
      'fax@example.test,FAX,u3\r\n' +
      'good2@example.test,EMAIL,u4\r\n' +
      'toomany@example.test,EMAIL,u5,extra\r\n',
  );
  const hugeAttributes = Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [`attr${i}`, Array.from({ length: 50 }, (_, j) => `v${i}-${j}-xxxxx`)]),
  );
  const ndjson = writeFile(
    'messy.ndjson',
    [
      JSON.stringify({ Address: 'good3@example.test', ChannelType: 'EMAIL' }),
      '{"Address": "broken@example.test", "ChannelType": ',
      JSON.stringify({ Address: 'pigeon@example.test', ChannelType: 'PIGEON' }),
      JSON.stringify({ Address: 'huge@example.test', ChannelType: 'EMAIL', Attributes: hugeAttributes }),
      '',
      JSON.stringify({ Address: 'good4@example.test', ChannelType: 'EMAIL' }),
    ].join('\n'),
  );
  const empty = writeFile('empty.csv', '');
  const reportPath = path.join(tmp, 'messy-report.json');

  // One run per format (an import has one format); the CSV run also carries the empty file.
  const csvRun = await run(importInput(app, { source: { kind: 'local', paths: [csv, empty] }, reportUrl: reportPath }));
  expect(csvRun.report.status).toBe('COMPLETED');
  expect(csvRun.report.totals).toEqual({ rejectedLocally: 4, uploaded: 2, duplicateIds: 0, processed: 2, failed: 0 });
  const csvReport = JSON.parse(fs.readFileSync(reportPath, 'utf8')) as FailureReportJson;
  expect(csvReport.rejectedRows.map((r) => [path.basename(r.file), r.line])).toEqual([
    ['messy.csv', 3],
    ['messy.csv', 4],
    ['messy.csv', 6],
    ['empty.csv', 0],
  ]);
  expect(csvReport.rejectedRows[0]!.reason).toMatch(/quoted value .* not closed/);
  expect(csvReport.rejectedRows[1]!.reason).toMatch(/ChannelType "FAX" is not valid/);
  expect(csvReport.rejectedRows[2]!.reason).toMatch(/4 values but the header has 3 columns/);
  expect(csvReport.rejectedRows[3]!.reason).toMatch(/empty/);
  expect(csvReport.totals).toEqual({ providerFailures: 0, rejectedRows: 4 });

  // Gzipped files are read too; one that is not gzip data is reported as a whole.
  const gz = writeFile(
    'good.ndjson.gz',
    gzipSync(`${JSON.stringify({ Address: 'good5@example.test', ChannelType: 'EMAIL' })}\n`),
  );
  const damaged = writeFile('damaged.ndjson.gz', 'this was never gzip data\n');
  const ndRun = await run(
    importInput(app, { source: { kind: 'local', paths: [ndjson, gz, damaged] }, format: 'JSON' }),
  );
  expect(ndRun.report.status).toBe('COMPLETED');
  expect(ndRun.report.totals).toEqual({ rejectedLocally: 4, uploaded: 3, duplicateIds: 0, processed: 3, failed: 0 });
  const loc = ndRun.report.reportLocation!;
  const key = loc.replace(`s3://${env.bucket}/`, '');
  const got = await env.stack.s3.client.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
  const ndReport = JSON.parse(await got.Body!.transformToString()) as FailureReportJson;
  expect(ndReport.rejectedRows.map((r) => [path.basename(r.file), r.line])).toEqual([
    ['messy.ndjson', 2],
    ['messy.ndjson', 3],
    ['messy.ndjson', 4],
    ['damaged.ndjson.gz', 0],
  ]);
  expect(ndReport.rejectedRows[0]!.reason).toMatch(/invalid JSON/);
  expect(ndReport.rejectedRows[1]!.reason).toMatch(/ChannelType "PIGEON"/);
  expect(ndReport.rejectedRows[2]!.reason).toMatch(/bytes/);
  expect(ndReport.rejectedRows[3]!.reason).toMatch(/not valid gzip data/);

  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(5);
  const history = await historyText(ndRun.handle);
  expect(occurrences(history, ['good3@example.test', 'broken@example.test', 'pigeon@example.test'])).toBe(0);
});

test('an import job that ends FAILED fails the run (JobFailed) with the report and its location', async () => {
  const app = await createApp(env.pinpoint);
  const file = writeFile('fail.csv', endpointsToCsv(endpoints(10, 5_000, 'fail')));
  await emulatorAdmin(env).faults({ failNextJobs: 1, jobKind: 'IMPORT' });
  const { report, handle, end } = await run(importInput(app, { source: { kind: 'local', paths: [file] } }));
  expect(end.temporalStatus).toBe('FAILED');
  expect(end.failureType).toBe('JobFailed');
  expect(end.failureMessage).toBe(`import job(s) ${report.jobs[0]!.jobId} ended FAILED; see the failure report.`);
  // Retention on failure: the uploaded parts are gone, the failure report stays.
  const left = await env.stack.s3.listKeys(env.bucket, `staging/${handle.workflowId}/`);
  expect(left.map((k) => k.split('/').slice(3).join('/'))).toEqual(['failure-report.json']);
  expect(report.status).toBe('FAILED');
  expect(report.jobs[0]?.state).toBe('FAILED');
  expect(report.message).toContain(`${report.jobs[0]!.jobId} ended FAILED`);
  expect(report.reportLocation).toMatch(/failure-report\.json$/);
  expect((await handle.describe()).typedSearchAttributes.get(SA_STATUS)).toBe('FAILED');
});

test('a run with no valid row fails (NothingToImport) without starting a job', async () => {
  const app = await createApp(env.pinpoint);
  const file = writeFile('header-only.csv', 'Address,ChannelType\r\n');
  const { report, end } = await run(importInput(app, { source: { kind: 'local', paths: [file] } }));
  expect(end.temporalStatus).toBe('FAILED');
  expect(end.failureType).toBe('NothingToImport');
  expect(end.failureMessage).toBe(
    'no valid rows to import: all 1 entries were rejected (header-only.csv: the file holds no endpoint rows ' +
      '(it is empty, or a CSV header only)); see the failure report.',
  );
  expect(report.status).toBe('FAILED');
  expect(report.jobs).toEqual([]);
  expect((await emulatorAdmin(env).app(app)).jobs.import).toBe(0);
});

test('more rejected rows than --max-rejected fail the run (TooManyRejected) after the valid rows were imported', async () => {
  const app = await createApp(env.pinpoint);
  const good = endpointsToCsv(endpoints(8, 6_000, 'limit'));
  const file = writeFile('limit.csv', `${good}bad1@example.test,FAX,u1\nbad2@example.test,FAX,u2\n`);
  const over = await run(importInput(app, { source: { kind: 'local', paths: [file] }, maxRejected: { count: 1 } }));
  expect(over.end.temporalStatus).toBe('FAILED');
  expect(over.end.failureType).toBe('TooManyRejected');
  expect(over.end.failureMessage).toMatch(
    /^2 of 10 rows were rejected, more than --max-rejected allows \(1 row\(s\)\)/,
  );
  expect(over.report.totals).toMatchObject({ rejectedLocally: 2, processed: 8 });
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(8);

  const within = await run(
    importInput(app, { source: { kind: 'local', paths: [file] }, maxRejected: { percent: 20 } }),
  );
  expect(within.end.temporalStatus).toBe('COMPLETED');
  expect(within.report.status).toBe('COMPLETED');
});

test('retention: a run leaves only its failure report and rejected rows, or everything with keepStaging', async () => {
  const app = await createApp(env.pinpoint);
  const file = writeFile('retained.csv', `${endpointsToCsv(endpoints(5, 7_000, 'keep'))}bad@example.test,FAX,u1\n`);
  const staged = async (workflowId: string) =>
    (await env.stack.s3.listKeys(env.bucket, `staging/${workflowId}/`)).map((k) => k.split('/').slice(3).join('/'));

  const done = await run(importInput(app, { source: { kind: 'local', paths: [file] } }));
  expect(done.report.status).toBe('COMPLETED');
  expect((await staged(done.handle.workflowId)).sort()).toEqual(['failure-report.json', 'rejected-rows.ndjson']);
  const reportKey = done.report.reportLocation!.replace(`s3://${env.bucket}/`, '');
  const got = await env.stack.s3.client.send(new GetObjectCommand({ Bucket: env.bucket, Key: reportKey }));
  const firstLine = (await got.Body!.transformToString()).split('\n')[0]!;
  expect(firstLine).toMatch(/^\{ "notice": "This failure report holds rejected rows/);

  const kept = await run(importInput(app, { source: { kind: 'local', paths: [file] }, keepStaging: true }));
  expect(kept.report.message).toMatch(/Staged files kept under s3:\/\/.* \(--keep-staging\)/);
  expect((await staged(kept.handle.workflowId)).sort()).toEqual([
    'failure-report.json',
    'parts/part-0001/endpoints.ndjson',
    'rejected-rows.ndjson',
  ]);

  // An application that does not exist fails the run before anything is uploaded.
  const missing = await env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `import-missing-${Date.now()}`,
    args: [importInput('e'.repeat(32), { source: { kind: 'local', paths: [file] } })],
  });
  await expect(missing.result()).rejects.toMatchObject({
    cause: { type: 'NotFound', message: expect.stringMatching(/^application e{32} not found/) },
  });
  expect(await staged(missing.workflowId)).toEqual([]);
  const history = await missing.fetchHistory();
  const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
  expect(scheduled).toContain('checkApplication');
  expect(scheduled).not.toContain('uploadLocalFiles');
});
