/**
 * The demo's ports. A part of the demo's own stack (recorded in stack.json and running) is adopted on its ports. For a
 * part it has to start, a port the user named is used as given (`stack up` checks it); otherwise the recorded or
 * default port when free, else a free one — said out loud — so a machine that already runs a Temporal dev server on
 * 7233 (or anything else on a default port) still runs the demo.
 */
import type { PartName, StackState } from '../stack/stack-state';
import type { StackOptions } from '../stack/defaults';

type PortOption = 'temporalPort' | 'uiPort' | 's3Port' | 'emulatorPort' | 'aepPort';

export interface PortProbe {
  /** True when the part on this port can start: for S3 every port SeaweedFS derives from it must be free. */
  isFree(option: PortOption, port: number): Promise<boolean>;
  /** A free port for this option (for S3: one whose derived ports are free too). */
  freePort(option: PortOption): Promise<number>;
  /** " by pid 123 (command)" or "". */
  holder(port: number): string;
  /** Whether a recorded process still runs. */
  isAlive(pid: number): boolean;
}

export interface DemoPorts {
  options: Partial<StackOptions>;
  /** What the demo decided, for the user: adopted parts, ports moved off busy defaults. */
  notes: string[];
}

const OPTIONS: Array<{ option: PortOption; part: PartName; label: string; flag: string }> = [
  { option: 'temporalPort', part: 'temporal', label: 'Temporal dev server', flag: '--temporal-port' },
  { option: 'uiPort', part: 'temporal', label: 'Temporal Web UI', flag: '--ui-port' },
  { option: 's3Port', part: 's3', label: 'S3 (SeaweedFS)', flag: '--s3-port' },
  { option: 'emulatorPort', part: 'emulator', label: 'Pinpoint emulator', flag: '--emulator-port' },
  { option: 'aepPort', part: 'aep', label: 'AEP emulator', flag: '--aep-port' },
];

function recordedPort(state: StackState, option: PortOption, part: PartName): number | undefined {
  return option === 'uiPort' ? state.uiPort : state.parts[part]?.port;
}

export async function chooseDemoPorts(
  given: Partial<StackOptions>,
  state: StackState,
  defaults: Pick<StackOptions, PortOption>,
  probe: PortProbe,
): Promise<DemoPorts> {
  const options: Partial<StackOptions> = {};
  const notes: string[] = [];
  const adopted = new Set<PartName>();
  const chosen = new Set<number>();
  const freeAndUnchosen = async (option: PortOption, port: number): Promise<boolean> =>
    !chosen.has(port) && (await probe.isFree(option, port));
  for (const { option, part, label, flag } of OPTIONS) {
    const rec = state.parts[part];
    if (rec && probe.isAlive(rec.pid)) {
      // The demo's own stack: `stack up` adopts the part on its recorded ports (a different flag is refused there).
      if (given[option] !== undefined) options[option] = given[option];
      if (!adopted.has(part)) notes.push(`${label}: the demo's stack already runs it (pid ${rec.pid}); reused`);
      adopted.add(part);
      continue;
    }
    const wanted = given[option];
    if (wanted !== undefined) {
      options[option] = wanted;
      continue;
    }
    const candidate = recordedPort(state, option, part) ?? defaults[option];
    if (await freeAndUnchosen(option, candidate)) {
      options[option] = candidate;
      chosen.add(candidate);
      continue;
    }
    let instead = await probe.freePort(option);
    for (let attempt = 0; chosen.has(instead) && attempt < 20; attempt++) instead = await probe.freePort(option);
    options[option] = instead;
    chosen.add(instead);
    notes.push(
      `${label}: port ${candidate} is in use${probe.holder(candidate) || ' by another process'}; ` +
        `the demo uses port ${instead} instead (${flag} picks one)`,
    );
  }
  return { options, notes };
}
