/**
 * The emulator's admin API (/_emulator/...) is not a hole: a web page's simple POST (text/plain, an Origin header)
 * cannot reset it, a request without the admin token is 401, a Host that is not a loopback name is refused, and the
 * right token works; the Pinpoint API (/v1) stays open to any signed client. Also `audienceflow emulator`: the token
 * comes from the environment, or a new one is written to a file whose path it prints.
 */
import { CreateAppCommand, GetAppsCommand } from '@aws-sdk/client-pinpoint';
import type { PinpointClient } from '@aws-sdk/client-pinpoint';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN_ENV, adminHeaders } from '../../src/emulator';
import type { RunningEmulator } from '../../src/emulator';
import { PROJECT_ROOT } from '../../src/config';
import { killOnExit, startS3 } from '../harness';
import type { S3Harness } from '../harness';
import { counts, emulatorOn, pinpoint } from './emulator-support';

let s3: S3Harness;
let emu: RunningEmulator;
let pp: PinpointClient;

beforeAll(async () => {
  s3 = await startS3();
  emu = await emulatorOn(s3);
  pp = pinpoint(emu.url);
});
afterAll(async () => {
  pp?.destroy();
  await emu?.close();
  await s3?.stop();
});

/** A raw request (node:http lets a test set Host and Origin as a browser or curl would). */
function raw(
  port: number,
  method: string,
  p: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function appCount(): Promise<number> {
  return (await pp.send(new GetAppsCommand({}))).ApplicationsResponse?.Item?.length ?? 0;
}

describe('admin API guard', () => {
  beforeAll(async () => {
    await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'kept' } }));
  });

  it("refuses a web page's simple POST to /_emulator/reset (text/plain, Origin) and resets nothing", async () => {
    const before = await appCount();
    expect(before).toBeGreaterThan(0);
    const evil = await raw(
      emu.port,
      'POST',
      '/_emulator/reset',
      { 'content-type': 'text/plain', origin: 'http://evil.example' },
      'x',
    );
    expect(evil.status).toBe(403);
    expect(evil.text).toContain('Origin');
    // Even a page that somehow held the token is refused: the Origin header alone is enough.
    const withToken = await raw(emu.port, 'POST', '/_emulator/reset', {
      'content-type': 'text/plain',
      origin: 'http://evil.example',
      ...adminHeaders(emu.adminToken),
    });
    expect(withToken.status).toBe(403);
    expect(await appCount()).toBe(before);
  });

  it('answers 401 without the token or with a wrong one, naming the variable but never the token', async () => {
    const none = await raw(emu.port, 'POST', '/_emulator/reset', {});
    expect(none.status).toBe(401);
    expect(none.text).toContain(ADMIN_TOKEN_ENV);
    expect(none.text).not.toContain(emu.adminToken);
    const wrong = await raw(emu.port, 'GET', '/_emulator/counts', adminHeaders(`${emu.adminToken}x`));
    expect(wrong.status).toBe(401);
    expect(await appCount()).toBeGreaterThan(0);
  });

  it('refuses a Host that is not a loopback name (DNS rebinding), even with the token', async () => {
    const rebound = await raw(emu.port, 'POST', '/_emulator/reset', {
      host: `evil.example:${emu.port}`,
      ...adminHeaders(emu.adminToken),
    });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain('Host');
    expect(await appCount()).toBeGreaterThan(0);
  });

  it('serves the loopback names with the right token', async () => {
    for (const host of [`127.0.0.1:${emu.port}`, `localhost:${emu.port}`, `[::1]:${emu.port}`, 'localhost']) {
      const res = await raw(emu.port, 'GET', '/_emulator/health', { host, ...adminHeaders(emu.adminToken) });
      expect([host, res.status]).toEqual([host, 200]);
    }
  });

  it('resets with the right token; the Pinpoint API needs no admin token', async () => {
    const res = await raw(emu.port, 'POST', '/_emulator/reset', adminHeaders(emu.adminToken));
    expect(res.status).toBe(200);
    expect((await counts(emu)).apps).toBe(0);
    await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'after-reset' } }));
    expect(await appCount()).toBe(1);
  });
});

/** Runs `audienceflow emulator --port 0` until it prints "listening on", then hands back its output so far. */
async function runEmulatorCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ out: string; url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'audienceflow.js'), 'emulator', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forget = killOnExit(child.pid ?? 0);
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${out}`)), 30_000);
    const check = (d: Buffer): void => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then(() => reject(new Error(`emulator exited:\n${out}`)));
  });
  return {
    out,
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      forget();
    },
  };
}

describe('audienceflow emulator --admin-token', () => {
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };

  it('takes the token from the environment', async () => {
    const token = 'from-the-environment-0123456789';
    const em = await runEmulatorCli(['--port', '0'], { ...baseEnv, [ADMIN_TOKEN_ENV]: token });
    try {
      expect(em.out).not.toContain('written to');
      expect((await fetch(`${em.url}/_emulator/counts`)).status).toBe(401);
      expect((await fetch(`${em.url}/_emulator/counts`, { headers: adminHeaders(token) })).status).toBe(200);
    } finally {
      await em.stop();
    }
  });

  it('generates one when none is given, writes it to a file only its user reads and prints where', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-emu-token-'));
    try {
      const em = await runEmulatorCli(['--port', '0', '--data-dir', dataDir], baseEnv);
      try {
        const file = path.join(dataDir, 'admin-token');
        expect(em.out).toContain(`admin API token (${ADMIN_TOKEN_ENV}) written to ${file}`);
        const token = fs.readFileSync(file, 'utf8').trim();
        expect(em.out).not.toContain(token);
        expect(fs.statSync(file).mode & 0o077).toBe(0);
        expect((await fetch(`${em.url}/_emulator/counts`, { headers: adminHeaders(token) })).status).toBe(200);
        expect((await fetch(`${em.url}/_emulator/counts`)).status).toBe(401);
      } finally {
        await em.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
