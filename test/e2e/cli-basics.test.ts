/**
 * The CLI as a user meets it first: --help on every command, bad input refused with exit 2 before
 * anything starts, and a clear exit 4 when Temporal is not there. Real Temporal dev server; no worker.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SA_PIPELINE } from '../../src/contracts/search-attributes';
import { freePort } from '../../src/stack/ports';
import { startTemporal } from '../harness';
import { runCli, spawnCli, waitFor } from './cli-support';

const APP = '0123456789abcdef0123456789abcdef';
const APP2 = 'fedcba9876543210fedcba9876543210';
const ROLE = 'arn:aws:iam::123456789012:role/audienceflow';

/** Through the real entry point; test/unit/cli-help.test.ts covers the help of every command in-process. */
const HELP_COMMANDS = [['export'], ['import'], ['schedule', 'create', 'sync'], ['worker']];

/** Runs `items` through `fn`, `n` at a time (2 shared cores: a few CLI processes at once). */
async function inBatches<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(fn))));
  return out;
}

describe('audienceflow CLI: help, bad input, unreachable Temporal', () => {
  let temporal: TestWorkflowEnvironment;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    temporal = await startTemporal();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-basics-'));
    fs.writeFileSync(path.join(dir, 'ok.csv'), 'ChannelType,Address\nEMAIL,a@example.com\n');
    env = {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace ?? 'default',
      AUDIENCEFLOW_TASK_QUEUE: 'cli-basics-no-worker',
      AUDIENCEFLOW_NO_STACK_ENV: '1',
    };
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await temporal?.teardown();
  });

  it('explains every command, its options and defaults, with an example', async () => {
    const results = await inBatches(HELP_COMMANDS, 2, async (cmd) => ({
      cmd,
      r: await runCli([...cmd, '--help'], env),
    }));
    for (const { cmd, r } of results) {
      const name = cmd.join(' ');
      expect({ name, code: r.code }).toEqual({ name, code: 0 });
      expect(r.stdout).toContain(`Usage: audienceflow ${name}`);
      expect(r.stdout).toMatch(/Examples?:/);
    }
    const byName = new Map(results.map(({ cmd, r }) => [cmd.join(' '), r.stdout]));
    expect(byName.get('export')).toMatch(/--app <id>[\s\S]*--s3 <url>[\s\S]*default: \$AUDIENCEFLOW_S3_URL/);
    expect(byName.get('import')).toMatch(/<sources\.\.\.>[\s\S]*worker[\s\S]*same host/);
    expect(byName.get('schedule create sync')).toMatch(/--overlap <policy>[\s\S]*\(default: "skip"\)/);
    const top = await runCli(['--help'], env);
    expect(top.code).toBe(0);
    for (const c of ['worker', 'export', 'import', 'sync', 'status', 'cancel', 'list', 'schedule']) {
      expect(top.stdout).toMatch(new RegExp(`\\n  ${c}\\b`));
    }
  });

  it('refuses bad input with exit 2, naming the option and the fix, and starts nothing', async () => {
    const common = ['--s3', 's3://bucket/x/', '--role-arn', ROLE];
    const cases: [string[], RegExp][] = [
      [['export', ...common], /--app: is required\. Fix: give the Pinpoint application \(project\) id/],
      [['export', '--app', APP, '--s3', 'http://bucket/x', '--role-arn', ROLE], /--s3: .*not an s3:\/\/ URL.*Fix:/],
      [['export', '--app', APP, ...common, '--cron', '0 2 * * *', '--wait'], /--wait: cannot follow a cron workflow/],
      [
        ['import', '--app', APP, path.join(dir, 'missing.csv'), '--staging', 's3://bucket/x/', '--role-arn', ROLE],
        /<source>: file ".*missing\.csv" does not exist/,
      ],
      [['sync', '--from-app', APP, '--to-app', APP2, ...common, '--keep-channels', 'FAX'], /--keep-channels: .*FAX/],
      [['list', '--status', "x' OR '1'='1"], /--status: .* is not a status/],
      [
        ['schedule', 'create', 'export', '--app', APP, ...common, '--every', '1h', '--timezone', 'Mars/Base'],
        /--timezone: "Mars\/Base"/,
      ],
      [['export', '--app', APP, ...common, '--bogus'], /unknown option '--bogus'/],
      [
        ['export', '--app', APP, ...common, '--cron', '61 25 * * *'],
        /--cron: "61 25 \* \* \*" has minute 61 out of range \(0-59\)\. Fix: write 5 fields/,
      ],
      [
        ['schedule', 'create', 'sync', '--from-app', APP, '--to-app', APP2, ...common, '--cron', '0 0 31 2 *'],
        /--cron: "0 0 31 2 \*" never fires: no month has that day\. Fix:/,
      ],
      [
        ['export', '--app', APP, ...common, '--download-dir', path.join(dir, 'ok.csv')],
        /--download-dir: ".*ok\.csv" is a file, not a directory\. Fix: name a directory/,
      ],
    ];
    const results = await inBatches(cases, 2, async ([args, re]) => ({ args, re, r: await runCli(args, env) }));
    for (const { args, re, r } of results) {
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
    }

    // A valid start (no worker needed to start) shows up in visibility; none of the refused ones did.
    const ok = await runCli(['export', '--app', APP, ...common, '--json'], env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const started = JSON.parse(ok.stdout) as { workflowId: string; ui: string };
    expect(started.workflowId).toMatch(new RegExp(`^export-${APP}-\\d{8}T\\d{6}Z$`));
    expect(started.ui).toBe(`http://localhost:8233/namespaces/default/workflows/${started.workflowId}`);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      ids.length = 0;
      for await (const w of temporal.client.workflow.list({ query: `${SA_PIPELINE.name} IS NOT NULL` }))
        ids.push(w.workflowId);
      if (ids.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(ids).toEqual([started.workflowId]);
    const d = await temporal.client.workflow.getHandle(started.workflowId).describe();
    expect(d.typedSearchAttributes.get(SA_PIPELINE)).toBe('export');
    expect(await d.staticSummary()).toContain(`Export pinpoint app ${APP} to s3://bucket/x/`);
    expect(await d.staticDetails()).toContain('| role |');

    // Nobody polls this task queue: --wait says so, and Ctrl-C leaves the run alone (exit 130).
    const { child, done } = spawnCli(['status', started.workflowId, '--wait'], env);
    let out = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor(
      'the no-worker hint',
      () => (out.includes('is a worker running on task queue') ? true : undefined),
      60_000,
    );
    child.kill('SIGINT');
    const watched = await done;
    expect(watched.code).toBe(130);
    expect(out).toContain('"cli-basics-no-worker"? Start one with `audienceflow worker`');
    expect(watched.stderr).toContain(`audienceflow cancel ${started.workflowId}`);
    expect((await temporal.client.workflow.getHandle(started.workflowId).describe()).status.name).toBe('RUNNING');
    await temporal.client.workflow.getHandle(started.workflowId).terminate('test cleanup');
  });

  it('--cron starts a classic cron workflow (cronSchedule) with the readable id', async () => {
    const r = await runCli(
      [
        'sync',
        '--from-app',
        APP,
        '--to-app',
        APP2,
        '--s3',
        's3://bucket/x/',
        '--role-arn',
        ROLE,
        '--cron',
        '*/30 * * * *',
      ],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = /Started sync (\S+)/.exec(r.stdout)?.[1] ?? '';
    expect(id).toMatch(new RegExp(`^sync-${APP}-to-${APP2}-\\d{8}T\\d{6}Z$`));
    expect(r.stdout).toContain('a new run on every tick');
    const handle = temporal.client.workflow.getHandle(id);
    const history = await handle.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.cronSchedule).toBe('*/30 * * * *');
    expect(started?.workflowType?.name).toBe('syncEndpoints');
    await handle.terminate('test cleanup');
  });

  it('says how to get a server when Temporal is unreachable (exit 4)', async () => {
    const port = await freePort(20_000);
    // The global --address option overrides TEMPORAL_ADDRESS (which points at the live server here).
    const r = await runCli(['--address', `127.0.0.1:${port}`, 'list'], env);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`cannot reach Temporal at 127.0.0.1:${port}`);
    expect(r.stderr).toContain('audienceflow stack up');
    expect(r.stderr).toContain('TEMPORAL_ADDRESS');
  });

  it('refuses a worker memory budget that is not one before it connects (exit 2), naming the variable', async () => {
    const port = await freePort(20_000); // nothing listens: the check comes first
    const r = await runCli(['--address', `127.0.0.1:${port}`, 'worker'], {
      ...env,
      AUDIENCEFLOW_WORKER_MEMORY_MB: '1.5GB',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('AUDIENCEFLOW_WORKER_MEMORY_MB="1.5GB" is not a whole number of MiB of at least 450');
    expect(r.stderr).not.toContain('cannot reach Temporal');
  });
});
