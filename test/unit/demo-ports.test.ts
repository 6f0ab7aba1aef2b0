import { chooseDemoPorts } from '../../src/demo/demo-ports';
import type { PortProbe } from '../../src/demo/demo-ports';
import { DEFAULT_STACK_OPTIONS } from '../../src/stack/defaults';
import type { StackState } from '../../src/stack/stack-state';

/** A machine where `busy` ports are held by pid 99, free ports are handed out from `spare`, and `alive` pids run. */
function machine(busy: number[], spare: number[], alive: number[] = []): PortProbe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    isFree: (option, port) => {
      asked.push(`${option}:${port}`);
      return Promise.resolve(!busy.includes(port));
    },
    freePort: () => Promise.resolve(spare.shift() ?? 1),
    holder: (port) => (busy.includes(port) ? ' by pid 99 (temporal server start-dev)' : ''),
    isAlive: (pid) => alive.includes(pid),
  };
}

const none: StackState = { parts: {} };
const rec = (pid: number, port: number) => ({ pid, port, ports: [port], logFile: '/x.log', startedAt: '' });

describe('the demo on a busy machine', () => {
  it('moves the Temporal port off a busy 7233 to a free one and says who holds it; keeps free defaults', async () => {
    const r = await chooseDemoPorts({}, none, DEFAULT_STACK_OPTIONS, machine([7233], [41001]));
    expect(r.options).toEqual({ temporalPort: 41001, uiPort: 8233, s3Port: 8333, emulatorPort: 8787, aepPort: 8788 });
    expect(r.notes).toEqual([
      'Temporal dev server: port 7233 is in use by pid 99 (temporal server start-dev); the demo uses port 41001 instead (--temporal-port picks one)',
    ]);
  });

  it('asks about S3 as S3 (its derived ports) and moves it as a whole', async () => {
    const probe = machine([8333], [15001]);
    const r = await chooseDemoPorts({}, none, DEFAULT_STACK_OPTIONS, probe);
    expect(probe.asked).toContain('s3Port:8333');
    expect(r.options.s3Port).toBe(15001);
  });

  it('reuses its own running stack: no port of a running part is forced', async () => {
    const state: StackState = {
      parts: { temporal: rec(10, 17233), s3: rec(11, 18333), emulator: rec(12, 18787), aep: rec(13, 18788) },
      uiPort: 18233,
    };
    const r = await chooseDemoPorts({}, state, DEFAULT_STACK_OPTIONS, machine([7233, 17233], [], [10, 11, 12, 13]));
    expect(r.options).toEqual({});
    expect(r.notes).toHaveLength(4);
    expect(r.notes[0]).toBe("Temporal dev server: the demo's stack already runs it (pid 10); reused");
  });

  it('restarts a stopped part of its stack on its recorded port, or a free one when that was taken meanwhile', async () => {
    const state: StackState = {
      parts: { temporal: rec(10, 17233), s3: rec(11, 18333), emulator: rec(12, 18787), aep: rec(13, 18788) },
      uiPort: 18233,
    };
    const r = await chooseDemoPorts(
      {},
      state,
      DEFAULT_STACK_OPTIONS,
      machine([18787, 18788], [42002, 42003], [10, 11]),
    );
    expect(r.options).toEqual({ emulatorPort: 42002, aepPort: 42003 });
    expect(r.notes[3]).toMatch(
      /^AEP emulator: port 18788 is in use by pid 99 .* uses port 42003 instead \(--aep-port picks one\)/,
    );
    expect(r.notes[2]).toMatch(/^Pinpoint emulator: port 18787 is in use by pid 99 .* uses port 42002 instead/);
  });

  it('uses a port the user named as given (stack up checks it)', async () => {
    const r = await chooseDemoPorts({ temporalPort: 7233 }, none, DEFAULT_STACK_OPTIONS, machine([7233], [41001]));
    expect(r.options.temporalPort).toBe(7233);
    expect(r.notes).toEqual([]);
  });

  it('never hands out the same port twice', async () => {
    const r = await chooseDemoPorts({}, none, DEFAULT_STACK_OPTIONS, machine([7233, 8233], [41001, 41001, 41002]));
    expect([r.options.temporalPort, r.options.uiPort]).toEqual([41001, 41002]);
  });
});
