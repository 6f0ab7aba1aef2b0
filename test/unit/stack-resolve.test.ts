import { aepSettings } from '../../src/config';
import { DEFAULT_STACK_OPTIONS } from '../../src/stack/defaults';
import { resolveStackOptions, StackInputError, stackEnv } from '../../src/stack/stack';
import type { StackState } from '../../src/stack/stack-state';

const ALIVE = process.pid;
const GONE = 4_194_999; // above Linux's pid_max: never a running process
const rec = (pid: number, port: number) => ({ pid, port, ports: [port], logFile: '/x.log', startedAt: '' });

describe('the ports `stack up` acts on', () => {
  it('takes the defaults on a fresh machine, and the flags the user gave', () => {
    expect(resolveStackOptions({}, { parts: {} })).toEqual(DEFAULT_STACK_OPTIONS);
    expect(resolveStackOptions({ s3Port: 18333 }, { parts: {} })).toMatchObject({ s3Port: 18333, temporalPort: 7233 });
  });

  it('keeps the ports of running parts and restarts a stopped one on its recorded port', () => {
    const state: StackState = {
      parts: { temporal: rec(ALIVE, 17233), s3: rec(ALIVE, 18333), emulator: rec(GONE, 18787), aep: rec(ALIVE, 18788) },
      uiPort: 18233,
      bucket: 'mine',
    };
    expect(resolveStackOptions({ pace: 'instant' }, state)).toEqual({
      ...DEFAULT_STACK_OPTIONS,
      temporalPort: 17233,
      uiPort: 18233,
      s3Port: 18333,
      emulatorPort: 18787,
      aepPort: 18788,
      bucket: 'mine',
      pace: 'instant',
    });
  });

  it('moves a stopped part where a flag says', () => {
    const state: StackState = { parts: { emulator: rec(GONE, 18787) } };
    expect(resolveStackOptions({ emulatorPort: 19000 }, state).emulatorPort).toBe(19000);
  });

  it('refuses a flag that names another port for a running part, saying how to keep or move it', () => {
    const state: StackState = { parts: { temporal: rec(ALIVE, 17233) }, uiPort: 18233 };
    expect(resolveStackOptions({ temporalPort: 17233 }, state).temporalPort).toBe(17233);
    const attempt = () => resolveStackOptions({ uiPort: 8233 }, state);
    expect(attempt).toThrow(StackInputError);
    expect(attempt).toThrow(
      `--ui-port 8233: the Temporal dev server already runs with port 18233 (pid ${ALIVE}). Fix: leave out --ui-port to keep it, or run \`audienceflow stack down\` first to move it`,
    );
  });
});

describe('stack.env', () => {
  it('gives the worker an AEP configuration aimed at the AEP emulator on its own port', () => {
    const env = stackEnv({ ...DEFAULT_STACK_OPTIONS, aepPort: 18788 }, 'token');
    expect(env.AWS_ENDPOINT_URL_PINPOINT).toBe('http://127.0.0.1:8787');
    const aep = aepSettings({ ...env, AUDIENCEFLOW_NO_STACK_ENV: '1' });
    expect(aep).toMatchObject({
      endpoint: 'http://127.0.0.1:18788',
      imsUrl: 'http://127.0.0.1:18788',
      sandbox: 'prod',
    });
  });

  it('refuses an --aep-port that moves a running AEP emulator', () => {
    const state: StackState = { parts: { aep: rec(ALIVE, 18788) } };
    expect(() => resolveStackOptions({ aepPort: 8788 }, state)).toThrow(
      /^--aep-port 8788: the AEP emulator already runs with port 18788/,
    );
  });
});
