/**
 * `audienceflow export --provider aep` on a real stack (Temporal dev server, SeaweedFS, the AEP emulator over HTTP,
 * `audienceflow worker` as a child with AEP_* pointed at the emulator): --wait downloads Parquet files whose rows are
 * the seeded segment members; list/status show the run; cancel sends exactly one DELETE and leaves nothing; a worker
 * killed mid-poll is replaced and the run completes with one AEP job; bad options exit 2 before any call.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { parquetReadObjects } from 'hyparquet';
import { startAepEmulator } from '../../src/aep-emulator';
import type { RunningAepEmulator } from '../../src/aep-emulator';
import type { ExportProfilesReport } from '../../src/contracts/aep-export';
import { startStack } from '../harness';
import type { TestStack } from '../harness';
import {
  ADMIN_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  ORG_ID,
  SANDBOX,
  SEG_A,
  SEG_B,
  admin,
  expectedMembers,
  imsToken,
  platformHeaders,
  projected,
  testProfiles,
  testSeed,
} from '../integration/aep-support';
import type { CliWorker } from './cli-support';
import { cliEnv, runCli, startCliWorker, waitFor } from './cli-support';

const PROFILES = testProfiles(24);
const FIELDS = ['personalEmail.address', 'mobilePhone.number'];
const POLL = ['--poll-initial', '200ms', '--poll-max', '500ms'];

interface Counts {
  tokensIssued: number;
  deleteCalls: number;
}

describe('audienceflow export --provider aep against a real stack', () => {
  let stack: TestStack;
  let emu: RunningAepEmulator;
  let env: NodeJS.ProcessEnv;
  let worker: CliWorker;
  let dir: string;

  beforeAll(async () => {
    [stack, emu] = await Promise.all([
      startStack(),
      startAepEmulator({ pace: 'fast', adminToken: ADMIN_TOKEN, seed: testSeed(PROFILES), rowsPerFile: 5 }),
    ]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-aep-'));
    env = cliEnv(stack, `cli-aep-${randomUUID()}`, {
      AEP_CLIENT_ID: CLIENT_ID,
      AEP_CLIENT_SECRET: CLIENT_SECRET,
      AEP_ORG_ID: ORG_ID,
      AEP_SANDBOX: SANDBOX,
      AEP_ENDPOINT_URL: emu.url,
      AEP_IMS_URL: emu.url,
    });
    worker = await startCliWorker(env);
  });
  afterAll(async () => {
    await worker?.stop();
    await emu?.close();
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await admin(emu.url, 'POST', 'reset');
    await admin(emu.url, 'POST', 'seed', testSeed(PROFILES));
  });

  const counts = () => admin(emu.url, 'GET', 'counts') as Promise<Counts>;

  async function jobsInEmulator(): Promise<{ id: number; status: string }[]> {
    const token = await imsToken(emu.url);
    const res = await fetch(`${emu.url}/data/core/ups/export/jobs?limit=100`, { headers: platformHeaders(token) });
    return ((await res.json()) as { records: { id: number; status: string }[] }).records;
  }

  function parquetFiles(root: string): string[] {
    if (!fs.existsSync(root)) return [];
    return fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.parquet'))
      .map((f) => path.join(root, f))
      .sort();
  }

  async function rowsIn(files: string[]): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for (const f of files) {
      const b = fs.readFileSync(f);
      const file = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      rows.push(...((await parquetReadObjects({ file })) as Record<string, unknown>[]));
    }
    return rows;
  }

  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a._id).localeCompare(String(b._id));

  /** Starts an AEP export without waiting; returns its workflow id. */
  async function startExport(...extra: string[]): Promise<string> {
    const r = await runCli(
      ['export', '--provider', 'aep', '--segment', SEG_A, '--create-dataset', '--download-dir', dir, ...POLL, ...extra],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = /Started export (\S+)/.exec(r.stdout)?.[1] ?? '';
    expect(id).toMatch(/^export-aep-/);
    return id;
  }

  async function stalledJob(): Promise<{ id: number; status: string }> {
    return waitFor('the AEP job to be PROCESSING', async () =>
      (await jobsInEmulator()).find((j) => j.status === 'PROCESSING'),
    );
  }

  it('export --wait downloads Parquet files whose rows are the segment members; list and status show the run', async () => {
    const r = await runCli(
      [
        'export',
        '--provider',
        'aep',
        '--segment',
        SEG_A,
        '--create-dataset',
        'cli e2e',
        '--fields',
        FIELDS.join(','),
        '--merge-policy',
        'mp-default:2',
        '--since',
        '2020-01-01T00:00:00Z',
        '--download-dir',
        dir,
        ...POLL,
        '--wait',
        '--json',
      ],
      env,
      90_000,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ExportProfilesReport;
    expect(report.status).toBe('SUCCEEDED');
    expect(report.outputDir).toBe(path.join(dir, report.workflowId, report.runId));
    const files = parquetFiles(report.outputDir);
    expect(files.length).toBeGreaterThan(1);
    const expected = expectedMembers(PROFILES, SEG_A).map((p) => projected(p, FIELDS));
    expect((await rowsIn(files)).sort(byId)).toEqual(expected.sort(byId));
    expect(report.batches.reduce((s, b) => s + b.records, 0)).toBe(expected.length);
    expect(await jobsInEmulator()).toHaveLength(1);

    const list = await runCli(['list', '--pipeline', 'export', '--json'], env);
    expect(list.code).toBe(0);
    const row = (JSON.parse(list.stdout) as { workflowId: string; status?: string; applicationId?: string }[]).find(
      (w) => w.workflowId === report.workflowId,
    );
    expect(row).toMatchObject({ status: 'COMPLETED', applicationId: SEG_A });
    const status = await runCli(['status', report.workflowId], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/pipeline status\s+COMPLETED/);
    expect(status.stdout).toMatch(new RegExp(`AEP job\\s+${report.jobId}`));
  }, 150_000);

  it('cancel of a running export: exactly one DELETE, the job CANCELLED, nothing left, the run Canceled', async () => {
    await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
    const id = await startExport('--to', `s3://${stack.bucket}/aep-cancel/`);
    const job = await stalledJob();
    const before = await counts();
    const c = await runCli(['cancel', id, '--wait', '--json'], env, 60_000);
    expect(c.code).toBe(3);
    const report = JSON.parse(c.stdout) as ExportProfilesReport;
    expect(report).toMatchObject({ status: 'CANCELLED', jobId: String(job.id), batches: [] });
    expect((await counts()).deleteCalls - before.deleteCalls).toBe(1);
    expect((await jobsInEmulator()).map((j) => j.status)).toEqual(['CANCELLED']);
    expect(fs.existsSync(path.join(dir, id))).toBe(false);
    expect(await stack.s3.listKeys(stack.bucket, 'aep-cancel/')).toEqual([]);
    const list = await runCli(['list', '--status', 'CANCELLED', '--json'], env);
    expect((JSON.parse(list.stdout) as { workflowId: string }[]).map((w) => w.workflowId)).toContain(id);
  }, 120_000);

  it('a worker killed mid-poll is replaced; the run completes with one AEP job', async () => {
    await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
    const id = await startExport('--segment', SEG_B, '--segment-per-batch');
    const job = await stalledJob();
    await worker.kill();
    await admin(emu.url, 'POST', `jobs/${job.id}/release`);
    worker = await startCliWorker(env);
    const r = await runCli(['status', id, '--wait', '--json'], env, 90_000);
    expect(r.code).toBe(0);
    // The run may have ended before `status` asked: then the report is a field of its answer.
    const answer = JSON.parse(r.stdout) as ExportProfilesReport & { report?: ExportProfilesReport };
    const report = answer.report ?? answer;
    expect(report.status).toBe('SUCCEEDED');
    expect(report.batches.map((b) => b.segmentId).sort()).toEqual([SEG_A, SEG_B]);
    expect(await jobsInEmulator()).toHaveLength(1);
    const rows = await rowsIn(parquetFiles(report.outputDir));
    const members = new Set(
      [...expectedMembers(PROFILES, SEG_A), ...expectedMembers(PROFILES, SEG_B)].map((p) => p._id),
    );
    expect(new Set(rows.map((row) => row._id))).toEqual(members);
  }, 150_000);

  it('schedule create export --provider aep: a triggered run is an AEP export', async () => {
    const sid = `aep-${randomUUID().slice(0, 8)}`;
    await admin(emu.url, 'POST', 'seed', { datasets: [{ id: 'ds-scheduled', name: 'scheduled exports' }] });
    const args = ['--provider', 'aep', '--segment', SEG_B, '--dataset', 'ds-scheduled', '--download-dir', dir, ...POLL];
    const created = await runCli(['schedule', 'create', 'export', ...args, '--every', '1h', '--schedule-id', sid], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const triggered = await runCli(['schedule', 'trigger', sid, '--wait', '--json'], env, 90_000);
    expect(triggered.code).toBe(0);
    const report = JSON.parse(triggered.stdout) as ExportProfilesReport;
    expect(report).toMatchObject({ status: 'SUCCEEDED', datasetId: 'ds-scheduled' });
    expect(report.workflowId.startsWith(`${sid}-`)).toBe(true);
    const rows = await rowsIn(parquetFiles(report.outputDir));
    expect(rows.map((r) => r._id).sort()).toEqual(
      expectedMembers(PROFILES, SEG_B)
        .map((p) => p._id)
        .sort(),
    );
    expect((await runCli(['schedule', 'delete', sid], env)).code).toBe(0);
  }, 120_000);

  it("--to copies the Parquet files to the run's own S3 prefix; without --download-dir nothing stays on the worker", async () => {
    await admin(emu.url, 'POST', 'seed', { datasets: [{ id: 'ds-to-s3', name: 'to S3' }] });
    const to = `s3://${stack.bucket}/aep-out/`;
    const r = await runCli(
      [
        'export',
        '--provider',
        'aep',
        '--segment',
        SEG_A,
        '--dataset',
        'ds-to-s3',
        '--to',
        to,
        ...POLL,
        '--wait',
        '--json',
      ],
      env,
      90_000,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ExportProfilesReport;
    const prefix = `aep-out/${report.workflowId}/${report.runId}/`;
    expect(report.outputUrl).toBe(`s3://${stack.bucket}/${prefix}`);
    const keys = (await stack.s3.listKeys(stack.bucket, prefix)).filter((k) => k.endsWith('.parquet'));
    expect(keys.length).toBe(report.objects);
    expect(keys.length).toBeGreaterThan(1);
    const rows: Record<string, unknown>[] = [];
    for (const key of keys) {
      const got = await stack.s3.client.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
      const bytes = await got.Body!.transformToByteArray();
      rows.push(...((await parquetReadObjects({ file: bytes.buffer as ArrayBuffer })) as Record<string, unknown>[]));
    }
    expect(rows.map((row) => row._id).sort()).toEqual(
      expectedMembers(PROFILES, SEG_A)
        .map((p) => p._id)
        .sort(),
    );
    expect(fs.existsSync(report.outputDir)).toBe(false);
  }, 120_000);

  it('--to a bucket that does not exist fails the run before any AEP job is created, naming the bucket', async () => {
    const missing = `no-such-bucket-${randomUUID().slice(0, 8)}`;
    const args = ['export', '--provider', 'aep', '--segment', SEG_A, '--create-dataset', ...POLL];
    const r = await runCli([...args, '--to', `s3://${missing}/out/`, '--wait'], env, 60_000);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(`bucket "${missing}" does not exist; create it or fix the S3 URL`);
    expect(await jobsInEmulator()).toEqual([]);
  }, 90_000);

  it('a run whose copy fails (its bucket deleted while the job ran) fails at once and leaves no file on the worker', async () => {
    const bucket = `aep-gone-${randomUUID().slice(0, 8)}`;
    await stack.s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
    await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
    const args = ['export', '--provider', 'aep', '--segment', SEG_A, '--create-dataset', ...POLL];
    const started = await runCli([...args, '--to', `s3://${bucket}/out/`], env);
    expect(started.code).toBe(0);
    const id = /Started export (\S+)/.exec(started.stdout)?.[1] ?? '';
    const job = await stalledJob();
    await stack.s3.client.send(new DeleteBucketCommand({ Bucket: bucket }));
    await admin(emu.url, 'POST', `jobs/${job.id}/release`);
    const r = await runCli(['status', id, '--wait'], env, 60_000);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(`bucket "${bucket}" does not exist`);
    // The worker staged the download under its temporary folder (no --download-dir); the failed run removed it.
    expect(parquetFiles(path.join(os.tmpdir(), 'audienceflow-aep', id))).toEqual([]);
  }, 120_000);

  it('bad options exit 2 before any remote call, naming the option and the fix', async () => {
    const before = await counts();
    const base = ['export', '--provider', 'aep', '--download-dir', dir];
    const cases: [string[], RegExp][] = [
      [[...base, '--segment', SEG_A], /--dataset: no target dataset\. Fix:/],
      [
        [...base, '--segment', SEG_A, '--create-dataset', '--since', 'yesterday'],
        /--since: "yesterday" is not an RFC 3339 time/,
      ],
      [['export', '--segment', SEG_A], /--segment: is an option of AEP profile exports\. Fix: add --provider aep/],
      [
        ['import', '--provider', 'aep', '--app', '0123456789abcdef0123456789abcdef', path.join(dir, 'x.csv')],
        /Adobe Experience Platform has no endpoint import/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, env)));
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(cases[i]?.[1] as RegExp);
    });
    expect(await counts()).toEqual(before);
    expect(await jobsInEmulator()).toEqual([]);
  }, 60_000);
});
