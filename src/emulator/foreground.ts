/**
 * Runs the emulator in the foreground (CLI command and standalone entry share this): prints
 * `listening on <url>` once ready and stops cleanly on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { awsSettings, stateDir } from '../config';
import { ADMIN_TOKEN_ENV, newAdminToken } from './admin-guard';
import { startEmulator } from './index';
import type { EmulatorOptions, Pace } from './options';
import { DEFAULTS } from './options';

export interface EmulatorCliOptions {
  port: number;
  host: string;
  s3Endpoint?: string;
  dataDir?: string;
  pace: Pace;
  maxConcurrentImports: number;
  maxImportJobBytes: number;
  exportPieceSize: number;
  adminToken?: string;
}

function positiveInt(what: string, allowZero = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || (!allowZero && n < 1)) {
      throw new InvalidArgumentError(`${what} must be a whole number${allowZero ? '' : ' from 1'}, got "${value}"`);
    }
    return n;
  };
}

function nonEmpty(what: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${what} must not be empty`);
    return value;
  };
}

/** Adds the emulator's flags to a command. */
export function withEmulatorOptions(cmd: Command): Command {
  return cmd
    .option('--port <p>', 'port to listen on (0: a free one)', positiveInt('--port', true), 4599)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--s3-endpoint <url>', 'S3 endpoint the jobs read and write (default: AWS_ENDPOINT_URL_S3 or AWS)')
    .option('--data-dir <dir>', 'keep state here so it survives a restart (default: in memory)')
    .addOption(
      new Option('--pace <pace>', 'how fast job statuses move')
        .choices(['instant', 'fast', 'realistic'])
        .default('fast'),
    )
    .option(
      '--max-concurrent-imports <n>',
      'account limit of running import jobs; more wait in PENDING_JOB',
      positiveInt('--max-concurrent-imports'),
      DEFAULTS.maxConcurrentImports,
    )
    .option(
      '--max-import-job-bytes <n>',
      'size limit of one import job in bytes',
      positiveInt('--max-import-job-bytes'),
      DEFAULTS.maxImportJobBytes,
    )
    .option(
      '--export-piece-size <n>',
      'endpoints per exported object',
      positiveInt('--export-piece-size'),
      DEFAULTS.exportPieceSize,
    )
    .option(
      '--admin-token <token>',
      `token the admin API (/_emulator/...) requires (default: ${ADMIN_TOKEN_ENV}; absent: a new one, written to a file)`,
      nonEmpty('--admin-token'),
    );
}

function emulatorOptionsFrom(o: EmulatorCliOptions, env: NodeJS.ProcessEnv = process.env): EmulatorOptions {
  const aws = awsSettings(env);
  const endpoint = o.s3Endpoint ?? aws.s3Endpoint;
  return {
    host: o.host,
    port: o.port,
    s3: { endpoint, region: aws.region, forcePathStyle: endpoint !== undefined ? true : aws.s3ForcePathStyle },
    dataDir: o.dataDir,
    pace: o.pace,
    maxConcurrentImports: o.maxConcurrentImports,
    maxImportJobBytes: o.maxImportJobBytes,
    exportPieceSize: o.exportPieceSize,
    adminToken: o.adminToken ?? (env[ADMIN_TOKEN_ENV] || undefined),
  };
}

/** Writes a generated admin token where only this user reads it (the data folder, else the state folder). */
function saveAdminToken(token: string, o: EmulatorCliOptions, port: number): string {
  const dir = o.dataDir ?? stateDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, o.dataDir ? 'admin-token' : `emulator-${port}.admin-token`);
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}

/** Says which port is taken and how to pick another, instead of a bare EADDRINUSE. */
export class PortInUseError extends Error {
  constructor(host: string, port: number) {
    super(`--port: ${host}:${port} is already in use. Fix: pass another --port (0 picks a free one)`);
    this.name = 'PortInUseError';
  }
}

export async function runEmulatorForeground(o: EmulatorCliOptions): Promise<void> {
  const options = emulatorOptionsFrom(o);
  const generated = options.adminToken === undefined;
  const emulator = await startEmulator({ ...options, adminToken: options.adminToken ?? newAdminToken() }).catch(
    (err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(o.host, o.port);
      throw err;
    },
  );
  if (generated) {
    const file = saveAdminToken(emulator.adminToken, o, emulator.port);
    process.stdout.write(`admin API token (${ADMIN_TOKEN_ENV}) written to ${file}\n`);
  }
  process.stdout.write(`listening on ${emulator.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await emulator.close();
  process.stdout.write('emulator stopped\n');
}
