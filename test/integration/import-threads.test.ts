/**
 * A multi-MB local CSV imported on the real stack (Temporal, SeaweedFS, the Pinpoint emulator) by a worker whose
 * uploads process the lines in two worker threads at once (the header read on the activity's
 * thread and given to both). Exact counts: every valid row in the emulator, every bad row in the report with its line
 * number (BOM, CRLF, blank lines, invalid UTF-8, a control character, an over-long line), the parts exactly as the
 * limit cuts them. The same file gzipped gives the same.
 */
import type { EndpointBatchItem } from '@aws-sdk/client-pinpoint';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { closeIdleLineThreads, idleLineThreads } from '../../src/engine/line-threads';
import { budgetFor, processBudget } from '../../src/engine/process-budget';
import type { ImportInput, ImportReport } from '../../src/contracts';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import { endpointsToCsv } from '../../src/formats';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/formats/lines';
import { activityDepsFromEnv } from '../../src/worker';
import { createApp, emulatorAdmin, startPipelineEnv, TEST_ROLE_ARN } from './export-import-support';
import type { PipelineEnv } from './export-import-support';

let env: PipelineEnv;
let tmp: string;
const ROWS = 40_000;
const THREAD_MIN_BYTES = 1024 * 1024;
const FAST_POLL = { initialIntervalMs: 100, maxIntervalMs: 400, maxWaitMs: 300_000 };

beforeAll(async () => {
  env = await startPipelineEnv({ emulator: { pace: 'fast' }, worker: false });
  // Exactly two threads whatever the machine's CPUs, for a file from 1 MiB as stored (the gzipped one is ~1.6 MB).
  // The process's thread budget holds two as well (on a one-CPU machine it would hold one).
  const budget = budgetFor({ ...processBudget().limits, threads: 2 });
  await env.startWorker({ ...activityDepsFromEnv(), transferThreads: 2, threadMinBytes: THREAD_MIN_BYTES, budget });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-import-threads-'));
}, 120_000);
afterAll(async () => {
  await env?.stop();
  await closeIdleLineThreads();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function endpoints(tag: string): EndpointBatchItem[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const e = generateEndpoint(i, { invalidEvery: 0 });
    return { ...e, Address: `${tag}-${i}@example.test`, ChannelType: 'EMAIL', Id: `${tag}-${i}` };
  });
}

/** The CSV with trouble mixed in; returns the file's bytes and the rejected lines expected (1-based). */
function awkwardCsv(tag: string): { bytes: Buffer; bad: number[] } {
  const lines = endpointsToCsv(endpoints(tag)).trimEnd().split(/\r?\n/);
  const out: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf])];
  const bad: number[] = [];
  let n = 0;
  const add = (b: Buffer | string, isBad = false) => {
    n++;
    if (isBad) bad.push(n);
    out.push(typeof b === 'string' ? Buffer.from(`${b}\r\n`) : Buffer.concat([b, Buffer.from('\r\n')]));
  };
  add('');
  for (const [i, line] of lines.entries()) {
    add(line);
    if (i === 10) add('   ');
    if (i === 9_000) add('EMAIL,"not closed', true);
    if (i === 17_000) {
      const at = line.indexOf(`${tag}-`);
      add(Buffer.concat([Buffer.from(line.slice(0, at)), Buffer.from([0xff]), Buffer.from(line.slice(at))]), true);
    }
    if (i === 25_000) add('X'.repeat(DEFAULT_MAX_LINE_BYTES + 10), true);
    if (i === 33_000) add(line.replace(`${tag}-${i - 1}@`, `${tag}-\x07@`), true);
  }
  return { bytes: Buffer.concat(out), bad };
}

async function importFile(file: string, maxJobBytes: number): Promise<{ app: string; report: ImportReport }> {
  const app = await createApp(env.pinpoint);
  const input: ImportInput = {
    provider: 'pinpoint',
    applicationId: app,
    source: { kind: 'local', paths: [file] },
    format: 'CSV',
    stagingUrl: `s3://${env.bucket}/staging/`,
    roleArn: TEST_ROLE_ARN,
    poll: FAST_POLL,
    maxJobBytes,
    maxConcurrentJobs: 2,
    reportUrl: `${file}.report.json`,
  };
  const handle = await env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `import-threads-${app}`,
    args: [input],
  });
  return { app, report: await handle.result() };
}

test.each([
  ['plain', false],
  ['gzipped', true],
])(
  'a multi-MB CSV (%s) through two threads: exact counts and line numbers',
  async (name, gz) => {
    const { bytes, bad } = awkwardCsv(`t${name}`);
    expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024);
    const file = path.join(tmp, gz ? 'audience.csv.gz' : 'audience.csv');
    fs.writeFileSync(file, gz ? gzipSync(bytes) : bytes);
    const stored = fs.statSync(file).size;
    expect(stored).toBeGreaterThanOrEqual(THREAD_MIN_BYTES);
    await closeIdleLineThreads();

    const { app, report } = await importFile(file, 3 * 1024 * 1024);

    expect(idleLineThreads()).toBe(2); // the upload's two threads, given back when it finished
    expect(report.status).toBe('COMPLETED');
    expect(report.totals).toEqual({ rejectedLocally: 4, uploaded: ROWS, duplicateIds: 0, processed: ROWS, failed: 0 });
    expect(report.jobs.length).toBeGreaterThanOrEqual(3);
    const counts = await emulatorAdmin(env).app(app);
    expect(counts.endpoints).toBe(ROWS);
    expect(counts.jobs.import).toBe(report.jobs.length);
    const written = JSON.parse(fs.readFileSync(`${file}.report.json`, 'utf8')) as {
      rejectedRows: { line: number; reason: string }[];
    };
    expect(written.rejectedRows.map((r) => r.line)).toEqual(bad);
    expect(written.rejectedRows.map((r) => r.reason)).toEqual([
      expect.stringMatching(/not closed/),
      expect.stringMatching(/not valid UTF-8/),
      expect.stringMatching(/too long/),
      expect.stringMatching(/control character \(U\+0007\)/),
    ]);
  },
  400_000,
);
