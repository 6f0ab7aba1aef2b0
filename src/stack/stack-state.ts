/** What `stack up` started, recorded so `status` and `down` act on exactly those processes. */
import fs from 'node:fs';
import path from 'node:path';
import { stateDir } from '../config';

export type PartName = 'temporal' | 's3' | 'emulator' | 'aep';

export interface PartRecord {
  pid: number;
  /** Main port (Temporal gRPC, S3 API, emulator HTTP, AEP emulator HTTP). */
  port: number;
  /** Every port the part listens on (for "in use" checks and the README's port list). */
  ports: number[];
  logFile: string;
  startedAt: string;
}

export interface StackState {
  parts: Partial<Record<PartName, PartRecord>>;
  uiPort?: number;
  bucket?: string;
  /** The emulators' admin API token (kept so an adopted emulator's token is written to stack.env again). */
  emulatorAdminToken?: string;
}

function stateFile(): string {
  return path.join(stateDir(), 'stack.json');
}

export function readState(): StackState {
  try {
    return JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as StackState;
  } catch {
    return { parts: {} };
  }
}

/** Atomic write: a crash never leaves half a state file. Readable by this user only (it holds a token). */
export function writeState(state: StackState): void {
  fs.mkdirSync(stateDir(), { recursive: true });
  const tmp = `${stateFile()}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, stateFile());
}
