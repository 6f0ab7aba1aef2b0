/**
 * The CLI driving real pipelines: `audienceflow worker` (child process) on a real Temporal dev server,
 * real S3 (SeaweedFS) and the Pinpoint emulator. import --wait (plain progress lines, not a TTY),
 * export --wait --json with a download, status, list, and a job that fails (exit 1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ExportReport, SyncReport } from '../../src/contracts';
import { startStack } from '../harness';
import type { TestStack } from '../harness';
import type { CliWorker } from './cli-support';
import { cliEnv, createApp, emulatorAdmin, endpointsCsv, runCli, startCliWorker, waitFor } from './cli-support';

const N = 40;

describe('audienceflow CLI: import, export, status, list against a real stack', () => {
  let stack: TestStack;
  let env: NodeJS.ProcessEnv;
  let worker: CliWorker;
  let dir: string;
  let app: string;
  let importId: string;
  let exportId: string;

  beforeAll(async () => {
    stack = await startStack();
    env = cliEnv(stack, `cli-e2e-${randomUUID()}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-pipelines-'));
    fs.writeFileSync(path.join(dir, 'endpoints.csv'), endpointsCsv(N));
    [worker, app] = await Promise.all([startCliWorker(env), createApp(stack)]);
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('import --wait from a local CSV prints plain progress lines and the report (exit 0)', async () => {
    // A relative path, resolved against the user's directory: the worker gets the absolute path.
    const r = await runCli(['import', '--app', app, 'endpoints.csv', '--wait'], env, 90_000, dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    importId = /Started import (\S+)/.exec(r.stdout)?.[1] ?? '';
    expect(importId).toMatch(new RegExp(`^import-${app}-\\d{8}T\\d{6}Z$`));
    expect(r.stdout).toContain(`Temporal UI: http://127.0.0.1:8233/namespaces/default/workflows/${importId}`);
    // Not a terminal: plain lines with the elapsed time, no ANSI escapes.
    expect(r.stdout).toMatch(/^\[\d[^\]]*\] (starting|validating|uploading|creating-job|waiting|reporting|done)/m);
    expect(r.stdout.includes(String.fromCharCode(27))).toBe(false);
    expect(r.stdout).toMatch(/status\s+COMPLETED/);
    expect(r.stdout).toMatch(new RegExp(`processed\\s+${N}\\b`));
    expect(r.stdout).toMatch(/import\s+\S+\s+\S+\s+SUCCEEDED/);
    const counts = await emulatorAdmin<{ byApp: Record<string, { endpoints: number }> }>(stack, 'GET', 'counts');
    expect(counts.byApp[app]?.endpoints).toBe(N);
  });

  it('export --wait --json prints only the report on stdout (progress on stderr) and downloads the pieces', async () => {
    const out = path.join(dir, 'download');
    const r = await runCli(
      ['export', '--app', app, '--download-dir', out, '--wait', '--json', '--poll-initial', '200ms'],
      env,
      90_000,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ExportReport;
    exportId = report.workflowId;
    expect(report.status).toBe('COMPLETED');
    expect(report.job?.state).toBe('SUCCEEDED');
    expect(report.job?.counters.totalProcessed).toBe(N);
    expect(report.objects.length).toBeGreaterThan(0);
    expect(report.outputUrl).toBe(`s3://${stack.bucket}/cli/${report.workflowId}/${report.runId}/`);
    expect(report.localFiles?.length).toBe(report.objects.length);
    for (const f of report.localFiles ?? []) expect(f.startsWith(out)).toBe(true);
    for (const f of report.localFiles ?? []) expect(fs.statSync(f).size).toBeGreaterThan(0);
    expect(r.stderr).toContain(`Started export ${exportId}`);
    expect(r.stderr).toMatch(/^\[\d[^\]]*\] /m);
  });

  it('status shows a finished run with its report; list filters on the search attributes', async () => {
    const s = await runCli(['status', exportId, '--json'], env);
    expect(s.code).toBe(0);
    const st = JSON.parse(s.stdout) as {
      temporalStatus: string;
      pipelineStatus: string;
      pipeline: string;
      applicationId: string;
      report: ExportReport;
    };
    expect(st).toMatchObject({
      temporalStatus: 'COMPLETED',
      pipelineStatus: 'COMPLETED',
      pipeline: 'export',
      applicationId: app,
    });
    expect(st.report.workflowId).toBe(exportId);

    const human = await runCli(['status', importId], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/temporal status\s+COMPLETED/);
    expect(human.stdout).toMatch(new RegExp(`processed\\s+${N}\\b`));

    const all = await runCli(['list', '--app', app, '--json'], env);
    expect(all.code).toBe(0);
    const rows = JSON.parse(all.stdout) as { workflowId: string; pipeline: string; status: string }[];
    expect(rows.map((x) => x.workflowId).sort()).toEqual([exportId, importId].sort());
    expect(rows.every((x) => x.status === 'COMPLETED')).toBe(true);

    const imports = await runCli(['list', '--pipeline', 'import', '--status', 'completed'], env);
    expect(imports.code).toBe(0);
    expect(imports.stdout).toMatch(/workflow id\s+pipeline\s+status\s+temporal\s+started \(UTC\)\s+app/);
    expect(imports.stdout).toContain(importId);
    expect(imports.stdout).not.toContain(exportId);

    const missing = await runCli(['status', 'no-such-workflow'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no workflow "no-such-workflow"');
  });

  it('sync --wait --json copies every endpoint into another application with a transform', async () => {
    const target = await createApp(stack);
    const r = await runCli(
      [
        'sync',
        '--from-app',
        app,
        '--to-app',
        target,
        '--set',
        'Attributes.source=cli',
        '--wait',
        '--json',
        '--poll-initial',
        '200ms',
      ],
      env,
      90_000,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as SyncReport;
    expect(report.status).toBe('COMPLETED');
    expect(report.workflowId).toMatch(new RegExp(`^sync-${app}-to-${target}-\\d{8}T\\d{6}Z$`));
    expect(report.counts).toMatchObject({
      exported: N,
      transformed: N,
      filtered: 0,
      rejected: 0,
      processed: N,
      failed: 0,
    });
    expect(r.stderr).toContain(`Started sync ${report.workflowId}`);
    const counts = await emulatorAdmin<{ byApp: Record<string, { endpoints: number }> }>(stack, 'GET', 'counts');
    expect(counts.byApp[target]?.endpoints).toBe(N);
    // Found by its target application too (AudienceflowApplicationId holds source and target).
    await waitFor(
      'the sync in list --app <target>',
      async () => {
        const l = await runCli(['list', '--app', target, '--json'], env);
        const rows = JSON.parse(l.stdout || '[]') as { workflowId: string; applicationId: string }[];
        return rows.find((x) => x.workflowId === report.workflowId);
      },
      30_000,
    );
  });

  it('a job that ends FAILED gives exit 1 and a FAILED report; status shows Temporal status FAILED and the report', async () => {
    await emulatorAdmin(stack, 'POST', 'faults', { failNextJobs: 1, jobKind: 'EXPORT' });
    const r = await runCli(['export', '--app', app, '--wait', '--poll-initial', '200ms'], env, 90_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/status\s+FAILED/);
    expect(r.stdout).toMatch(/export job \S+ ended FAILED/);
    const id = /Started export (\S+)/.exec(r.stderr + r.stdout)?.[1] ?? '';
    const s = await runCli(['status', id, '--json'], env);
    expect(s.code).toBe(1);
    const shown = JSON.parse(s.stdout) as { temporalStatus: string; report: { status: string; message: string } };
    expect(shown.temporalStatus).toBe('FAILED');
    expect(shown.report.status).toBe('FAILED');
    expect(shown.report.message).toMatch(/export job \S+ ended FAILED/);
  });

  it('files rejected as a whole: exit 1 and the reason (file, line, reason) printed, as in the failure message', async () => {
    fs.writeFileSync(path.join(dir, 'typo.csv'), 'Adress,ChannelType\nsomeone@example.test,EMAIL\n');
    fs.writeFileSync(path.join(dir, 'empty.csv'), '');
    const r = await runCli(['import', '--app', app, 'typo.csv', 'empty.csv', '--wait'], env, 90_000, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/status\s+FAILED/);
    expect(r.stdout).toContain(
      'typo.csv line 1: the file cannot be read: CSV header (line 1): header column 1 "Adress" is not an endpoint field',
    );
    expect(r.stdout).toContain('empty.csv: the file holds no endpoint rows');
    expect(r.stdout).not.toContain('someone@example.test');
  });

  it('a staging bucket that does not exist is named as such (exit 1), not as a permission problem', async () => {
    const r = await runCli(
      ['import', '--app', app, 'endpoints.csv', '--staging', 's3://no-such-bucket-af/x/', '--wait'],
      env,
      90_000,
      dir,
    );
    expect(r.code).toBe(1);
    const said = r.stdout + r.stderr;
    expect(said).toContain('bucket "no-such-bucket-af" does not exist; create it or fix the S3 URL');
    expect(said).not.toMatch(/access .* denied/i);
  });
});
