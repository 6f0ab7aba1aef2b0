/**
 * No endpoint data anywhere a Temporal user or an operator can read it. Import, export, sync and a
 * cancelled sync run through the CLI against `audienceflow worker` (a child process) on the real
 * stack, with 20,000 distinct seeded addresses. While they run, the test samples what Temporal
 * shows of them (pending activities' heartbeat details, query answers, memo, search attributes);
 * when they end, every workflow's whole history (heartbeat details kept on cancel/timeout events,
 * failures, results), plus the worker's own log output. Every seeded address is looked for, by
 * their common shape, so one address anywhere fails the test.
 */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { progressQuery } from '../../src/contracts';
import { startStack } from '../harness';
import type { TestStack } from '../harness';
import type { CliWorker } from './cli-support';
import { cliEnv, createApp, emulatorAdmin, runCli, startCliWorker, temporalText as text, waitFor } from './cli-support';

const N = 20_000;
const TAG = `priv${randomUUID().slice(0, 6)}`;
/** Every seeded address has this shape; nothing else in a run does. */
const ADDRESS = new RegExp(`${TAG}-\\d+@example\\.test`, 'g');

function seededCsv(): string {
  const rows = ['Id,ChannelType,Address,Attributes.plan,User.UserId'];
  for (let i = 0; i < N; i++)
    rows.push(`${TAG}-id-${i},EMAIL,${TAG}-${i}@example.test,${i % 2 ? 'pro' : 'free'},u-${i}`);
  return `${rows.join('\n')}\n`;
}

function leaks(t: string): string[] {
  return [...new Set(t.match(ADDRESS) ?? [])];
}

describe('privacy: no seeded address in Temporal or the worker log', () => {
  let stack: TestStack;
  let env: NodeJS.ProcessEnv;
  let worker: CliWorker | undefined;
  let dir: string;
  /** Everything sampled while runs were going. */
  const seen: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ emulator: { pace: 'fast' } });
    env = cliEnv(stack, `privacy-${randomUUID()}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'privacy-'));
    fs.writeFileSync(path.join(dir, 'people.csv'), seededCsv());
    worker = await startCliWorker(env);
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Samples describe() and the progress query of a run every 100 ms until it closes. */
  async function watch(workflowId: string, onSample?: (d: WorkflowExecutionDescription) => Promise<void>) {
    const handle = stack.temporal.client.workflow.getHandle(workflowId);
    for (;;) {
      const d = await handle.describe();
      seen.push(text(d.raw.pendingActivities), text(d.memo), text(d.searchAttributes));
      seen.push(text(await handle.query(progressQuery).catch(() => undefined)));
      if (onSample) await onSample(d);
      if (d.status.name !== 'RUNNING') return d;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function start(args: string[]): Promise<string> {
    const r = await runCli([...args, '--json'], env, 90_000, dir);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return (JSON.parse(r.stdout) as { workflowId: string }).workflowId;
  }

  it('import, export, sync and a cancelled sync leave no address behind', async () => {
    const source = await createApp(stack);
    const importId = await start(['import', '--app', source, 'people.csv']);
    expect((await watch(importId)).status.name).toBe('COMPLETED');

    await emulatorAdmin(stack, 'POST', 'faults', { stallNextJobs: 1, jobKind: 'EXPORT' });
    const exportId = await start(['export', '--app', source, '--download-dir', path.join(dir, 'out')]);
    let released = false;
    await watch(exportId, async (d) => {
      const polling = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'waitForJob');
      const data = polling?.heartbeatDetails?.payloads?.[0]?.data;
      if (!released && data) {
        const { jobId } = JSON.parse(Buffer.from(data).toString('utf8')) as { jobId: string };
        await emulatorAdmin(stack, 'POST', `jobs/${jobId}/release`);
        released = true;
      }
    });

    const target = await createApp(stack);
    const syncId = await start(['sync', '--from-app', source, '--to-app', target]);
    expect((await watch(syncId)).status.name).not.toBe('RUNNING');

    const target2 = await createApp(stack);
    const cancelId = await start(['sync', '--from-app', source, '--to-app', target2, '--max-job-bytes', '64KB']);
    await waitFor(
      'the cancelled sync to transfer',
      async () => {
        const d = await stack.temporal.client.workflow.getHandle(cancelId).describe();
        seen.push(text(d.raw.pendingActivities));
        return d.raw.pendingActivities?.some((a) => /transfer/i.test(a.activityType?.name ?? '')) ? true : undefined;
      },
      90_000,
    );
    expect((await runCli(['cancel', cancelId], env)).code).toBe(0);
    await watch(cancelId);

    // Every workflow of this stack (children of the syncs included), whole history and description.
    const runs: string[] = [];
    for await (const w of stack.temporal.client.workflow.list()) runs.push(w.workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    const found = new Map<string, string[]>();
    for (const id of runs) {
      const handle = stack.temporal.client.workflow.getHandle(id);
      const all = text(await handle.fetchHistory()) + text(await handle.describe());
      found.set(id, leaks(all));
    }
    expect([...found].filter(([, l]) => l.length > 0)).toEqual([]);
    expect(leaks(seen.join('\n'))).toEqual([]);
    expect(leaks(worker!.output())).toEqual([]);
    // The scan is live: the addresses did reach the emulator through these runs.
    const counts = await emulatorAdmin<{ byApp: Record<string, { endpoints: number }> }>(stack, 'GET', 'counts');
    expect(counts.byApp[source]?.endpoints).toBe(N);
    expect(counts.byApp[target]?.endpoints).toBe(N);
  });
});
