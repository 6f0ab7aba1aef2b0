/**
 * `audienceflow stack up | status | down` as a user runs them: real processes in the
 * background, a workflow started against the stack, no twins on a second `up`, and nothing of
 * ours left running after `down`. Uses its own state folder and free ports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnvFile } from '../../src/config';
import { ADMIN_TOKEN_ENV, adminHeaders } from '../../src/emulator/admin-guard';
import { freePort } from '../../src/stack/ports';
import { freeWeedPorts } from '../harness';
import { isAlive } from '../../src/stack/processes';
import type { StackState } from '../../src/stack/stack-state';
import { runCli, waitFor } from './cli-support';

/** IMS token with the stack.env credentials, then GET /export/jobs with the platform headers: the answer's status. */
async function aepJobsStatus(env: Record<string, string>): Promise<number> {
  const ims = await fetch(`${env.AEP_IMS_URL}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.AEP_CLIENT_ID ?? '',
      client_secret: env.AEP_CLIENT_SECRET ?? '',
      scope: 'openid,AdobeID',
    }).toString(),
  });
  const token = ((await ims.json()) as { access_token: string }).access_token;
  const res = await fetch(`${env.AEP_ENDPOINT_URL}/data/core/ups/export/jobs`, {
    headers: {
      authorization: `Bearer ${token}`,
      'x-api-key': env.AEP_CLIENT_ID ?? '',
      'x-gw-ims-org-id': env.AEP_ORG_ID ?? '',
      'x-sandbox-name': env.AEP_SANDBOX ?? '',
    },
  });
  return res.status;
}

async function adminStatus(port: number, token: string | undefined): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/_emulator/counts`, {
    headers: token ? adminHeaders(token) : {},
  });
  return res.status;
}

describe('audienceflow stack', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'af-stack-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AUDIENCEFLOW_HOME: home,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  let pids: number[] = [];

  afterAll(async () => {
    // Whatever happened above: stop what this test's stack recorded.
    await runCli(['stack', 'down'], env, 60_000).catch(() => undefined);
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('up → status → a workflow starts against it → up again (no twins) → down leaves nothing running', async () => {
    const ports = {
      temporal: await freePort(),
      ui: await freePort(),
      s3: (await freeWeedPorts()).s3,
      emulator: await freePort(),
      aep: await freePort(),
    };
    const upArgs = [
      'stack',
      'up',
      '--temporal-port',
      String(ports.temporal),
      '--ui-port',
      String(ports.ui),
      '--s3-port',
      String(ports.s3),
      '--emulator-port',
      String(ports.emulator),
      '--aep-port',
      String(ports.aep),
    ];
    const up = await runCli([...upArgs, '--pace', 'instant'], env, 150_000);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`Temporal UI: http://127.0.0.1:${ports.ui}`);

    const state = JSON.parse(fs.readFileSync(path.join(home, 'stack.json'), 'utf8')) as StackState;
    pids = Object.values(state.parts).map((p) => p.pid);
    expect(pids).toHaveLength(4);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    const stackEnv = parseEnvFile(fs.readFileSync(path.join(home, 'stack.env'), 'utf8'));
    expect(stackEnv).toMatchObject({
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${ports.s3}`,
      AWS_ENDPOINT_URL_PINPOINT: `http://127.0.0.1:${ports.emulator}`,
    });
    // The emulator's admin API takes the token `up` wrote to stack.env, and nothing else.
    expect(await adminStatus(ports.emulator, stackEnv[ADMIN_TOKEN_ENV])).toBe(200);
    expect(await adminStatus(ports.emulator, undefined)).toBe(401);
    // The AEP emulator on its own port: the AEP_* variables of stack.env get a token and list export jobs.
    expect(stackEnv).toMatchObject({
      AEP_ENDPOINT_URL: `http://127.0.0.1:${ports.aep}`,
      AEP_IMS_URL: `http://127.0.0.1:${ports.aep}`,
    });
    expect(await aepJobsStatus(stackEnv)).toBe(200);
    expect(await adminStatus(ports.aep, stackEnv[ADMIN_TOKEN_ENV])).toBe(200);
    expect(await adminStatus(ports.aep, undefined)).toBe(401);

    const status = await runCli(['stack', 'status', '--json'], env);
    expect(status.code).toBe(0);
    const parts = JSON.parse(status.stdout) as Array<{ part: string; healthy: boolean }>;
    expect(parts.map((p) => [p.part, p.healthy])).toEqual([
      ['temporal', true],
      ['s3', true],
      ['emulator', true],
      ['aep', true],
    ]);

    // Nothing but the env file configures this CLI call: it starts a run on the stack's Temporal.
    const started = await runCli(
      ['export', '--app', '0123456789abcdef0123456789abcdef', '--workflow-id', 'stack-smoke', '--json'],
      { ...env, AUDIENCEFLOW_TASK_QUEUE: 'stack-smoke-no-worker' },
    );
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('stack-smoke');
    const listed = await runCli(['status', 'stack-smoke', '--json'], env);
    expect(listed.stdout).toContain('RUNNING');

    const again = await runCli(upArgs, env, 120_000);
    expect(again.code).toBe(0);
    expect(again.stdout.match(/already running/g)).toHaveLength(4);
    const state2 = JSON.parse(fs.readFileSync(path.join(home, 'stack.json'), 'utf8')) as StackState;
    expect(Object.values(state2.parts).map((p) => p.pid)).toEqual(pids);

    // The emulator dies; `up` without the port flags restarts it on its recorded port and keeps the others' ports.
    const emulatorPid = state2.parts.emulator!.pid;
    process.kill(emulatorPid, 'SIGKILL');
    await waitFor('the emulator to exit', () => (isAlive(emulatorPid) ? undefined : true));
    const revived = await runCli(['stack', 'up', '--pace', 'instant'], env, 120_000);
    expect(revived.stderr).toBe('');
    expect(revived.code).toBe(0);
    expect(revived.stdout.match(/already running/g)).toHaveLength(3);
    expect(revived.stdout).toContain(`Pinpoint emulator    started on http://127.0.0.1:${ports.emulator}`);
    expect(revived.stdout).toContain(`Temporal UI: http://127.0.0.1:${ports.ui}`);
    const state3 = JSON.parse(fs.readFileSync(path.join(home, 'stack.json'), 'utf8')) as StackState;
    expect(state3.parts.emulator?.port).toBe(ports.emulator);
    pids = Object.values(state3.parts).map((p) => p.pid);
    const revivedEnv = parseEnvFile(fs.readFileSync(path.join(home, 'stack.env'), 'utf8'));
    expect(revivedEnv).toMatchObject({
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${ports.s3}`,
      AWS_ENDPOINT_URL_PINPOINT: `http://127.0.0.1:${ports.emulator}`,
      AUDIENCEFLOW_UI_URL: `http://127.0.0.1:${ports.ui}`,
    });
    expect((await runCli(['status', 'stack-smoke', '--json'], env)).stdout).toContain('RUNNING');
    expect(await adminStatus(ports.emulator, revivedEnv[ADMIN_TOKEN_ENV])).toBe(200);

    // A flag that contradicts a running part is bad input, and stack.env keeps the ports that were checked.
    const other = await freePort();
    const moved = await runCli(['stack', 'up', '--temporal-port', String(other)], env, 60_000);
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain(
      `--temporal-port ${other}: the Temporal dev server already runs with port ${ports.temporal}`,
    );
    expect(moved.stderr).toContain('stack down');
    expect(parseEnvFile(fs.readFileSync(path.join(home, 'stack.env'), 'utf8'))).toEqual(revivedEnv);

    const down = await runCli(['stack', 'down'], env, 60_000);
    expect(down.code).toBe(0);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(fs.existsSync(path.join(home, 'stack.env'))).toBe(false);
    const after = await runCli(['stack', 'status'], env);
    expect(after.code).toBe(1);
  });

  it('refuses a port in use with a message naming the port and the flag', async () => {
    const busy = await freePort();
    const net = await import('node:net');
    const server = net.createServer().listen(busy, '127.0.0.1');
    const busyHome = fs.mkdtempSync(path.join(os.tmpdir(), 'af-stack-busy-'));
    try {
      const res = await runCli(
        ['stack', 'up', '--temporal-port', String(busy), '--ui-port', String(await freePort())],
        { ...env, AUDIENCEFLOW_HOME: busyHome },
      );
      expect(res.code).toBe(2);
      // What holds it (this test process) and the flag that avoids it.
      expect(res.stderr).toContain(`port ${busy} (Temporal gRPC, --temporal-port) is in use by pid ${process.pid} (`);
      expect(res.stderr).toContain('Fix: pass --temporal-port with a free port');
      expect(res.stderr).not.toContain('internal error');
      // Checked before anything starts: nothing was launched, nothing to clean up.
      expect(fs.existsSync(path.join(busyHome, 'stack.json'))).toBe(false);
    } finally {
      server.close();
      fs.rmSync(busyHome, { recursive: true, force: true });
    }
  });
});
