/**
 * Bytes that are not text are rejected, never repaired — through importEndpoints on the real stack:
 * local CSV (plain) and NDJSON (gzipped) files whose rows hold invalid UTF-8 or control characters
 * are uploaded without those rows, each reported with line, field and reason; an S3 source that
 * reaches the emulator without our validation has the same rows refused as the job's failures.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ImportInput, ImportReport } from '../../src/contracts';
import { createApp, emulatorAdmin, localImportInput, startPipelineEnv } from './export-import-support';
import type { PipelineEnv } from './export-import-support';

let env: PipelineEnv;
let tmp: string;

beforeAll(async () => {
  env = await startPipelineEnv({ emulator: { pace: 'fast' } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-text-'));
});
afterAll(async () => {
  await env?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** CSV: line 2 fine, line 3 invalid UTF-8 in Address (byte 4), line 4 a NUL in User.UserId, line 5 a tab (allowed). */
const CSV = bytes(
  'ChannelType,Address,User.UserId\n',
  'EMAIL,ok1@x.org,u1\n',
  'EMAIL,caf',
  [0xe9, 0xff],
  '@x.org,u2\n',
  'EMAIL,nul@x.org,u',
  [0x00],
  '3\n',
  'EMAIL,tab@x.org,u\t4\n',
);
const CSV_REASONS = [
  { line: 3, reason: 'Address is not valid UTF-8 at byte 4' },
  { line: 4, reason: 'User.UserId holds a control character (U+0000) at character 2' },
];

/** NDJSON: line 1 fine, line 2 an escaped form feed in an attribute, line 3 invalid bytes in Address. */
const NDJSON = bytes(
  JSON.stringify({ ChannelType: 'EMAIL', Address: 'ok2@x.org' }),
  '\n',
  JSON.stringify({ ChannelType: 'EMAIL', Address: 'ff@x.org', Attributes: { plan: ['a\fb'] } }),
  '\n{"ChannelType":"EMAIL","Address":"x',
  [0xc3],
  '@x.org"}\n',
);
const NDJSON_REASONS = [
  { line: 2, reason: 'Attributes.plan holds a control character (U+000C) at character 2' },
  { line: 3, reason: 'Address is not valid UTF-8 at byte 2' },
];

const importInput = (applicationId: string, extra: Partial<ImportInput>): ImportInput =>
  localImportInput(env, applicationId, extra);

async function run(input: ImportInput): Promise<ImportReport> {
  const handle = await env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `text-${randomUUID()}`,
    args: [input],
  });
  return (await handle.result()) as ImportReport;
}

interface ReportFile {
  rejectedRows: { file: string; line: number; reason: string }[];
  jobs: { failures: string[]; totalFailures: number }[];
}

test('local CSV and gzipped NDJSON: rows that are not text are rejected with line, field and reason', async () => {
  const csvApp = await createApp(env.pinpoint);
  const csvFile = path.join(tmp, 'bytes.csv');
  fs.writeFileSync(csvFile, CSV);
  const csvReport = path.join(tmp, 'csv-report.json');
  const csv = await run(importInput(csvApp, { source: { kind: 'local', paths: [csvFile] }, reportUrl: csvReport }));
  expect(csv.totals).toMatchObject({ rejectedLocally: 2, processed: 2, failed: 0 });
  const csvRows = (JSON.parse(fs.readFileSync(csvReport, 'utf8')) as ReportFile).rejectedRows;
  expect(csvRows.map(({ line, reason }) => ({ line, reason }))).toEqual(CSV_REASONS);
  expect((await emulatorAdmin(env).app(csvApp)).endpoints).toBe(2);

  const jsonApp = await createApp(env.pinpoint);
  const jsonFile = path.join(tmp, 'bytes.ndjson.gz');
  fs.writeFileSync(jsonFile, gzipSync(NDJSON));
  const jsonReport = path.join(tmp, 'json-report.json');
  const json = await run(
    importInput(jsonApp, { source: { kind: 'local', paths: [jsonFile] }, format: 'JSON', reportUrl: jsonReport }),
  );
  expect(json.totals).toMatchObject({ rejectedLocally: 2, processed: 1, failed: 0 });
  const jsonRows = (JSON.parse(fs.readFileSync(jsonReport, 'utf8')) as ReportFile).rejectedRows;
  expect(jsonRows.map(({ line, reason }) => ({ line, reason }))).toEqual(NDJSON_REASONS);
});

test('an S3 source imported as is: the emulator refuses the same rows as job failures', async () => {
  const app = await createApp(env.pinpoint);
  const prefix = `incoming/${randomUUID()}/`;
  await env.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: `${prefix}a.csv`, Body: CSV }));
  const reportUrl = path.join(tmp, 's3-report.json');
  const report = await run(
    importInput(app, {
      source: { kind: 's3', s3Url: `s3://${env.bucket}/${prefix}` },
      stagingUrl: undefined,
      reportUrl,
    }),
  );
  expect(report.totals).toMatchObject({ processed: 2, failed: 2 });
  const failures = (JSON.parse(fs.readFileSync(reportUrl, 'utf8')) as ReportFile).jobs.flatMap((j) => j.failures);
  expect(failures).toEqual([
    `s3://${env.bucket}/${prefix}a.csv line 3: ${CSV_REASONS[0]!.reason}`,
    `s3://${env.bucket}/${prefix}a.csv line 4: ${CSV_REASONS[1]!.reason}`,
  ]);
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(2);
});
