/**
 * `audienceflow emulator --provider aep`: starts on the given port, prints `listening on <url>`,
 * serves IMS and the platform routes with the seed file's profiles, requires the admin token from
 * AUDIENCEFLOW_EMULATOR_ADMIN_TOKEN, and stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from './cli-support';
import { imsToken, platformHeaders, testProfiles, testSeed } from '../integration/aep-support';

test('starts, serves the seeded profiles and the admin guard, and stops on SIGTERM', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aep-cli-'));
  const seedFile = path.join(dir, 'seed.json');
  fs.writeFileSync(seedFile, JSON.stringify(testSeed(testProfiles(5))));
  const child = spawn(
    process.execPath,
    [BIN, 'emulator', '--provider', 'aep', '--port', '0', '--seed-file', seedFile],
    {
      env: { PATH: process.env.PATH, AUDIENCEFLOW_EMULATOR_ADMIN_TOKEN: 'cli-admin', AUDIENCEFLOW_NO_STACK_ENV: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) resolve(m[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const token = await imsToken(url);
    expect((await fetch(`${url}/data/core/ups/export/jobs`, { headers: platformHeaders(token) })).status).toBe(200);
    expect((await fetch(`${url}/_emulator/counts`)).status).toBe(401);
    const counts = await fetch(`${url}/_emulator/counts`, { headers: { authorization: 'Bearer cli-admin' } });
    expect(((await counts.json()) as { profiles: number }).profiles).toBe(5);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/emulator stopped/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
