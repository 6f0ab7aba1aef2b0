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
  startPipelineEnv,
  TEST_ROLE_ARN,
} from './export-import-support';
import type { PipelineEnv } from './export-import-support';

let env: PipelineEnv;
let tmp: string;
const FAST_POLL = { initialIntervalMs: 100, maxIntervalMs: 400, maxWaitMs: 120_000 };

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

function importInput(applicationId: string, extra: Partial<ImportInput>): ImportInput {
  return {
    provider: 'pinpoint',
    applicationId,
    source: { kind: 'local', paths: [] },
    format: 'CSV',
    stagingUrl: `s3://${env.bucket}/staging/`,
    roleArn: TEST_ROLE_ARN,
    poll: FAST_POLL,
    ...extra,
  };
}

async function run(input: ImportInput) {
  const handle = await env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `import-${input.applicationId}-${Date.now()}`,
    args: [input],
  });
  const report: ImportReport = await handle.result();
  return { handle, report };
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
  expect(report.totals).toEqual({ rejectedLocally: 0, uploaded: 120, processed: 120, failed: 0 });
  const counts = await emulatorAdmin(env).app(app);
  expect(counts.endpoints).toBe(120);
  expect(counts.jobs.import).toBe(1);
  expect(report.reportLocation).toBe(reportPath);
  const written = JSON.parse(fs.readFileSync(reportPath, 'utf8')) as FailureReportJson;
  expect(written.jobs.map((j) => j.jobId)).toEqual([report.jobs[0]!.jobId]);
  expect(written.rejectedRows).toEqual([]);

  const described = await handle.describe();
  expect(described.typedSearchAttributes.get(SA_JOB_ID)).toBe(report.jobs[0]!.jobId);
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
    importInput(app, { source: { kind: 'local', paths: [file] }, format: 'JSON', maxJobBytes, maxConcurrentJobs: 2 }),
  );

  expect(report.status).toBe('COMPLETED');
  expect(report.jobs).toHaveLength(3);
  expect(report.totals).toEqual({ rejectedLocally: 0, uploaded: 300, processed: 300, failed: 0 });
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
  expect(csvRun.report.totals).toEqual({ rejectedLocally: 4, uploaded: 2, processed: 2, failed: 0 });
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
  expect(ndRun.report.totals).toEqual({ rejectedLocally: 4, uploaded: 3, processed: 3, failed: 0 });
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

test('an import job that ends FAILED gives a FAILED report with the failure report location', async () => {
  const app = await createApp(env.pinpoint);
  const file = writeFile('fail.csv', endpointsToCsv(endpoints(10, 5_000, 'fail')));
  await emulatorAdmin(env).faults({ failNextJobs: 1, jobKind: 'IMPORT' });
  const { report, handle } = await run(importInput(app, { source: { kind: 'local', paths: [file] } }));
  expect(report.status).toBe('FAILED');
  expect(report.jobs[0]?.state).toBe('FAILED');
  expect(report.message).toContain(`${report.jobs[0]!.jobId} ended FAILED`);
  expect(report.reportLocation).toMatch(/failure-report\.json$/);
  expect((await handle.describe()).typedSearchAttributes.get(SA_STATUS)).toBe('FAILED');
});
