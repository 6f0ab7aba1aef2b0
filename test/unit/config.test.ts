import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awsSettings, parseEnvFile, stackEnvFile, threadMinBytes, transferThreads } from '../../src/config';
import { activityDepsFromEnv } from '../../src/worker';
import type * as Config from '../../src/config';

describe('config', () => {
  it('parses KEY=VALUE env files, ignoring comments and blank lines', () => {
    expect(parseEnvFile('# comment\nA=1\n\nB = x=y \nnot a pair\n')).toEqual({ A: '1', B: 'x=y' });
  });

  it('puts the stack env file under AUDIENCEFLOW_HOME when set', () => {
    expect(stackEnvFile({ AUDIENCEFLOW_HOME: '/tmp/af' })).toBe(path.join('/tmp/af', 'stack.env'));
  });

  it('loads the stack env file without overriding variables already set', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'af-config-'));
    fs.writeFileSync(path.join(home, 'stack.env'), 'AWS_ENDPOINT_URL_S3=http://127.0.0.1:1\nAWS_REGION=eu-west-1\n');
    const env: NodeJS.ProcessEnv = { AUDIENCEFLOW_HOME: home, AWS_REGION: 'us-west-2' };
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../src/config') as typeof Config;
      const s = fresh.awsSettings(env);
      expect(s.s3Endpoint).toBe('http://127.0.0.1:1');
      expect(s.region).toBe('us-west-2');
      expect(s.s3ForcePathStyle).toBe(true);
    });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('uses virtual-hosted S3 addressing for real AWS unless told otherwise', () => {
    const base = { AUDIENCEFLOW_NO_STACK_ENV: '1' };
    expect(awsSettings({ ...base }).s3ForcePathStyle).toBe(false);
    expect(awsSettings({ ...base, AUDIENCEFLOW_S3_FORCE_PATH_STYLE: 'true' }).s3ForcePathStyle).toBe(true);
    expect(
      awsSettings({ ...base, AWS_ENDPOINT_URL_S3: 'http://x', AUDIENCEFLOW_S3_FORCE_PATH_STYLE: 'false' })
        .s3ForcePathStyle,
    ).toBe(false);
  });

  it('reads AUDIENCEFLOW_THREAD_MIN_BYTES as a whole number of bytes, and names the variable when it is not one', () => {
    expect(threadMinBytes({})).toBeUndefined();
    expect(threadMinBytes({ AUDIENCEFLOW_THREAD_MIN_BYTES: '0' })).toBe(0);
    expect(threadMinBytes({ AUDIENCEFLOW_THREAD_MIN_BYTES: '1048576' })).toBe(1048576);
    expect(() => threadMinBytes({ AUDIENCEFLOW_THREAD_MIN_BYTES: '4MB' })).toThrow(
      /AUDIENCEFLOW_THREAD_MIN_BYTES="4MB"/,
    );
    expect(() => threadMinBytes({ AUDIENCEFLOW_THREAD_MIN_BYTES: '-1' })).toThrow(/whole number/);
  });

  it("reads AUDIENCEFLOW_TRANSFER_THREADS (1-64) into the worker's activity deps, naming the variable when wrong", () => {
    expect(transferThreads({})).toBeUndefined();
    expect(transferThreads({ AUDIENCEFLOW_TRANSFER_THREADS: ' ' })).toBeUndefined();
    expect(transferThreads({ AUDIENCEFLOW_TRANSFER_THREADS: '1' })).toBe(1);
    expect(transferThreads({ AUDIENCEFLOW_TRANSFER_THREADS: '64' })).toBe(64);
    for (const bad of ['0', '65', '1.5', 'two'])
      expect(() => transferThreads({ AUDIENCEFLOW_TRANSFER_THREADS: bad })).toThrow(
        `AUDIENCEFLOW_TRANSFER_THREADS="${bad}" is not a number of threads from 1 to 64`,
      );
    const saved = process.env.AUDIENCEFLOW_TRANSFER_THREADS;
    process.env.AUDIENCEFLOW_TRANSFER_THREADS = '3';
    try {
      const deps = activityDepsFromEnv();
      expect(deps.transferThreads).toBe(3);
      deps.s3.destroy();
      deps.pinpoint.destroy();
    } finally {
      if (saved === undefined) delete process.env.AUDIENCEFLOW_TRANSFER_THREADS;
      else process.env.AUDIENCEFLOW_TRANSFER_THREADS = saved;
    }
  });
});
