import { LOCAL_S3_CREDENTIALS } from '../../src/stack/s3-server';
import type { S3Harness } from './s3';
import { say } from './cleanup';

/** The emulator's options beyond its S3 connection (see src/emulator). */
export interface HarnessEmulatorOptions {
  pace?: 'instant' | 'fast' | 'realistic';
  dataDir?: string;
  maxConcurrentImports?: number;
  maxImportJobBytes?: number;
}

export interface HarnessEmulator {
  url: string;
  port: number;
  /** The admin API's token (the emulator generates one): send it with adminHeaders(). */
  adminToken: string;
  close(): Promise<void>;
}

type StartEmulator = (options: Record<string, unknown>) => Promise<HarnessEmulator>;

function loadStartEmulator(): StartEmulator {
  // Resolved at run time so the harness type-checks while the emulator module evolves.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('../../src/emulator') as { startEmulator?: StartEmulator };
  if (!mod.startEmulator) throw new Error('src/emulator does not export startEmulator');
  return mod.startEmulator;
}

/** The Pinpoint emulator in this process, on a free port, reading and writing the harness S3. */
export async function startEmulator(s3: S3Harness, opts: HarnessEmulatorOptions = {}): Promise<HarnessEmulator> {
  const emulator = await loadStartEmulator()({
    host: '127.0.0.1',
    port: 0,
    s3: {
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { ...LOCAL_S3_CREDENTIALS },
    },
    pace: opts.pace ?? 'instant',
    ...opts,
  });
  say(`Pinpoint emulator at ${emulator.url}`);
  return emulator;
}
