/**
 * Operating runs from the CLI on a real stack (Temporal dev server, SeaweedFS, the Pinpoint emulator,
 * `audienceflow worker` as a child): Ctrl-C during --wait leaves the run going, cancel --wait ends it
 * CANCELLED (exit 3), and a schedule goes create → list → trigger (a completed run) → describe →
 * pause/unpause → delete.
 */
import { randomUUID } from 'node:crypto';
import type { ExportReport } from '../../src/contracts';
import { safeSegment } from '../../src/contracts/s3-location';
import { startStack } from '../harness';
import type { TestStack } from '../harness';
import type { CliWorker } from './cli-support';
import { cliEnv, createApp, emulatorAdmin, runCli, spawnCli, startCliWorker, waitFor } from './cli-support';

describe('audienceflow CLI: Ctrl-C, cancel and schedules against a real stack', () => {
  let stack: TestStack;
  let env: NodeJS.ProcessEnv;
  let worker: CliWorker;
  let app: string;

  beforeAll(async () => {
    stack = await startStack();
    env = cliEnv(stack, `cli-e2e-${randomUUID()}`);
    [worker, app] = await Promise.all([startCliWorker(env), createApp(stack)]);
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
  });

  it('Ctrl-C stops watching but not the run; cancel --wait ends it CANCELLED with exit 3', async () => {
    await emulatorAdmin(stack, 'POST', 'faults', { stallNextJobs: 1, jobKind: 'EXPORT' });
    const { child, done } = spawnCli(
      ['export', '--app', app, '--wait', '--poll-initial', '200ms', '--poll-max', '500ms'],
      env,
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(
      'the export to be waiting on its job',
      () => (/\] waiting · job \w+/.test(out) ? true : undefined),
      45_000,
    );
    child.kill('SIGINT');
    const watched = await done;
    expect(watched.code).toBe(130);
    const id = /Started export (\S+)/.exec(watched.stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    expect(watched.stderr).toContain('Stopped watching; the run goes on');
    expect(watched.stderr).toContain(`audienceflow cancel ${id}`);
    const running = await runCli(['status', id, '--json'], env);
    expect(running.code).toBe(0);
    const st = JSON.parse(running.stdout) as { temporalStatus: string; progress: { phase: string; jobId?: string } };
    expect(st.temporalStatus).toBe('RUNNING');
    expect(st.progress.phase).toBe('waiting');
    const cancelled = await runCli(['cancel', id, '--wait', '--json'], env, 60_000);
    expect(cancelled.code).toBe(3);
    const report = JSON.parse(cancelled.stdout) as ExportReport;
    expect(report.status).toBe('CANCELLED');
    expect(report.message).toMatch(/cannot be stopped/);
    expect(cancelled.stderr).toContain(`Cancellation requested for ${id}`);
    const again = await runCli(['cancel', id], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not running \(CANCELLED\); nothing to cancel/);
    // Temporal's own status says Canceled; `status` still shows the run's report.
    const after = await runCli(['status', id, '--json'], env);
    expect(after.code).toBe(3);
    const shown = JSON.parse(after.stdout) as { temporalStatus: string; report: ExportReport };
    expect(shown.temporalStatus).toBe('CANCELLED');
    expect(shown.report.status).toBe('CANCELLED');
    expect(shown.report.message).toMatch(/cannot be stopped/);
    if (st.progress.jobId)
      await emulatorAdmin(stack, 'POST', `jobs/${st.progress.jobId}/release`).catch(() => undefined);
  });

  it('schedule: create → list → trigger --wait (a completed run) → describe → pause/unpause → delete', async () => {
    const sid = `nightly-${randomUUID().slice(0, 8)}`;
    const created = await runCli(
      [
        'schedule',
        'create',
        'export',
        '--app',
        app,
        '--cron',
        '0 2 * * *',
        '--timezone',
        'Europe/Berlin',
        '--schedule-id',
        sid,
        '--json',
      ],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const c = JSON.parse(created.stdout) as { scheduleId: string; overlap: string; nextActionTimes: string[] };
    expect(c).toMatchObject({ scheduleId: sid, overlap: 'skip' });
    expect(c.nextActionTimes.length).toBeGreaterThan(0);

    const dup = await runCli(
      ['schedule', 'create', 'export', '--app', app, '--every', '1h', '--schedule-id', sid],
      env,
    );
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain(`a schedule "${sid}" already exists`);

    const listed = await runCli(['schedule', 'list', '--json'], env);
    const rows = JSON.parse(listed.stdout) as {
      scheduleId: string;
      pipeline: string;
      timing: string;
      paused: boolean;
    }[];
    expect(rows).toContainEqual(
      expect.objectContaining({
        scheduleId: sid,
        pipeline: 'export',
        timing: 'cron "0 2 * * *" (Europe/Berlin)',
        paused: false,
      }),
    );

    const triggered = await runCli(['schedule', 'trigger', sid, '--wait', '--json'], env, 90_000);
    expect(triggered.code).toBe(0);
    const report = JSON.parse(triggered.stdout) as ExportReport;
    expect(report.status).toBe('COMPLETED');
    // The server derives the run's id from the schedule; the run writes under its own prefix.
    expect(report.workflowId.startsWith(`${sid}-`)).toBe(true);
    expect(report.outputUrl).toBe(`s3://${stack.bucket}/cli/${safeSegment(report.workflowId)}/${report.runId}/`);

    const described = await runCli(['schedule', 'describe', sid, '--json'], env);
    const d = JSON.parse(described.stdout) as {
      numActionsTaken: number;
      recentActions: { workflowId: string }[];
      overlap: string;
    };
    expect(d.numActionsTaken).toBeGreaterThanOrEqual(1);
    expect(d.recentActions.map((a) => a.workflowId)).toContain(report.workflowId);
    expect(d.overlap).toBe('SKIP');

    const runs = await runCli(['list', '--pipeline', 'export', '--app', app, '--json'], env);
    expect((JSON.parse(runs.stdout) as { workflowId: string }[]).map((r) => r.workflowId)).toContain(report.workflowId);

    expect((await runCli(['schedule', 'pause', sid, '--note', 'e2e'], env)).code).toBe(0);
    const paused = await runCli(['schedule', 'describe', sid], env);
    expect(paused.stdout).toMatch(/state\s+paused \(e2e\)/);
    expect((await runCli(['schedule', 'unpause', sid], env)).code).toBe(0);

    const deleted = await runCli(['schedule', 'delete', sid], env);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Deleted schedule ${sid}`);
    const gone = await runCli(['schedule', 'describe', sid], env);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`no schedule "${sid}"`);
  });
});
