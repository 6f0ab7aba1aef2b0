/**
 * Pinpoint's segment options through the CLI, end to end (`audienceflow worker` on the real stack):
 * an import split into several jobs with `--segment-name` makes ONE segment (the first job defines it,
 * the others import into its SegmentId); `export --segment-id` exports its members only, and
 * `--segment-version 1` only what the first job put in; `--no-register-endpoints` keeps the endpoints
 * in the segment, out of the application.
 */
import { GetSegmentsCommand, PinpointClient } from '@aws-sdk/client-pinpoint';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ExportReport, ImportReport } from '../../src/contracts';
import { startStack } from '../harness';
import type { TestStack } from '../harness';
import type { CliWorker } from './cli-support';
import { cliEnv, createApp, emulatorAdmin, endpointsCsv, runCli, startCliWorker } from './cli-support';

describe('audienceflow CLI: segments', () => {
  let stack: TestStack;
  let env: NodeJS.ProcessEnv;
  let worker: CliWorker | undefined;
  let dir: string;
  let pinpoint: PinpointClient;

  beforeAll(async () => {
    stack = await startStack({ emulator: { pace: 'fast' } });
    env = cliEnv(stack, `cli-seg-${randomUUID()}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-segments-'));
    pinpoint = new PinpointClient({
      endpoint: stack.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    worker = await startCliWorker(env);
  });
  afterAll(async () => {
    pinpoint?.destroy();
    await worker?.stop();
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function segments(app: string) {
    const out = await pinpoint.send(new GetSegmentsCommand({ ApplicationId: app }));
    return out.SegmentsResponse?.Item ?? [];
  }

  async function cli<T>(args: string[]): Promise<T> {
    const r = await runCli([...args, '--wait', '--json', '--poll-initial', '200ms'], env, 120_000, dir);
    expect({ code: r.code, stderr: r.stderr.split('\n').filter((l) => /error/i.test(l)) }).toEqual({
      code: 0,
      stderr: [],
    });
    return JSON.parse(r.stdout) as T;
  }

  function exportedIds(report: ExportReport): string[] {
    return (report.localFiles ?? [])
      .flatMap((f) => gunzipSync(fs.readFileSync(f)).toString('utf8').split('\n').filter(Boolean))
      .map((l) => (JSON.parse(l) as { Id: string }).Id)
      .sort();
  }

  it('a split import with --segment-name makes one segment; export --segment-id/--segment-version read it', async () => {
    const app = await createApp(stack);
    fs.writeFileSync(path.join(dir, 'others.csv'), endpointsCsv(10, 'other'));
    await cli<ImportReport>(['import', '--app', app, 'others.csv']);
    fs.writeFileSync(path.join(dir, 'vip.csv'), endpointsCsv(60, 'vip'));

    const imported = await cli<ImportReport>([
      'import',
      '--app',
      app,
      'vip.csv',
      '--segment-name',
      'vip',
      '--max-job-bytes',
      '2KB',
    ]);
    expect(imported.jobs.length).toBeGreaterThan(1);
    expect(imported.totals).toMatchObject({ processed: 60, failed: 0 });
    const vip = (await segments(app)).filter((s) => s.Name?.startsWith('vip'));
    expect(vip.map((s) => s.Name)).toEqual(['vip']); // one segment, not one per part
    const segmentId = vip[0]!.Id!;
    expect(imported.jobs.every((j) => j.segmentId === segmentId)).toBe(true);

    const all = await cli<ExportReport>([
      'export',
      '--app',
      app,
      '--segment-id',
      segmentId,
      '--download-dir',
      path.join(dir, 'seg'),
    ]);
    const ids = exportedIds(all);
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => `vip-${i}`).sort());

    const first = await cli<ExportReport>([
      'export',
      '--app',
      app,
      '--segment-id',
      segmentId,
      '--segment-version',
      '1',
      '--download-dir',
      path.join(dir, 'seg-v1'),
    ]);
    const firstJob = imported.jobs[0]!.counters.totalProcessed;
    expect(firstJob).toBeGreaterThan(0);
    expect(exportedIds(first)).toHaveLength(firstJob!);
  });

  it('--no-register-endpoints keeps the imported endpoints in the segment only', async () => {
    const app = await createApp(stack);
    fs.writeFileSync(path.join(dir, 'private.csv'), endpointsCsv(15, 'private'));
    const imported = await cli<ImportReport>([
      'import',
      '--app',
      app,
      'private.csv',
      '--segment-name',
      'private',
      '--no-register-endpoints',
    ]);
    expect(imported.totals).toMatchObject({ processed: 15 });
    const counts = await emulatorAdmin<{ byApp: Record<string, { endpoints: number }> }>(stack, 'GET', 'counts');
    expect(counts.byApp[app]?.endpoints ?? 0).toBe(0);
    const [segment] = await segments(app);
    const exported = await cli<ExportReport>([
      'export',
      '--app',
      app,
      '--segment-id',
      segment!.Id!,
      '--download-dir',
      path.join(dir, 'private-out'),
    ]);
    expect(exportedIds(exported)).toHaveLength(15);
  });
});
