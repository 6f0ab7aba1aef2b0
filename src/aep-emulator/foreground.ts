/**
 * `audienceflow emulator --provider aep`: runs the AEP emulator in the foreground, prints
 * `listening on <url>` once ready and stops cleanly on SIGINT/SIGTERM.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { aepEmulatorAdminToken } from '../config';
import { PortInUseError } from '../emulator/foreground';
import { startAepEmulator } from './index';
import type { AepEmulatorOptions, AepPace, DeleteAnswer } from './options';
import { AEP_DEFAULTS } from './options';
import { parseSeed } from './seed';
import type { Seed } from './seed';

export interface AepEmulatorCliOptions {
  port: number;
  host: string;
  dataDir?: string;
  pace: AepPace;
  clientId?: string;
  clientSecret?: string;
  tokenLifetime: number;
  deleteStatus: '204' | '200';
  seedFile?: Seed;
  rowsPerFile: number;
}

function wholeNumber(what: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new InvalidArgumentError(`${what} must be a whole number from 1, got "${value}"`);
    }
    return Number(value);
  };
}

/** The AEP-only flags (port, host, data dir and pace are shared with the Pinpoint emulator). */
export function withAepEmulatorOptions(cmd: Command): Command {
  return cmd
    .option('--client-id <id>', 'AEP: IMS accepts only this client id (default: any)')
    .option('--client-secret <secret>', 'AEP: IMS accepts only this client secret (default: any)')
    .option(
      '--token-lifetime <seconds>',
      'AEP: access token lifetime',
      wholeNumber('--token-lifetime'),
      AEP_DEFAULTS.tokenLifetimeSeconds,
    )
    .addOption(
      new Option(
        '--delete-status <status>',
        'AEP: DELETE /export/jobs/{id} answers 204 (empty) or 200 ({status, message})',
      )
        .choices(['204', '200'])
        .default('204'),
    )
    .option('--seed-file <file>', 'AEP: JSON seed of profiles, segments, merge policies and datasets', readSeed)
    .option(
      '--rows-per-file <n>',
      'AEP: profiles per exported Parquet file',
      wholeNumber('--rows-per-file'),
      AEP_DEFAULTS.rowsPerFile,
    );
}

/** Reads and checks a seed file while the options are parsed, so a bad one is a usage error. */
function readSeed(file: string): Seed {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(
      `--seed-file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`--seed-file ${file}: not valid JSON`);
  }
  try {
    return parseSeed(value);
  } catch (err) {
    throw new InvalidArgumentError(`--seed-file ${file}: ${(err as Error).message}`);
  }
}

export function aepEmulatorOptionsFrom(
  o: AepEmulatorCliOptions,
  env: NodeJS.ProcessEnv = process.env,
): AepEmulatorOptions {
  return {
    host: o.host,
    port: o.port,
    dataDir: o.dataDir,
    pace: o.pace,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    tokenLifetimeSeconds: o.tokenLifetime,
    deleteAnswer: Number(o.deleteStatus) as DeleteAnswer,
    rowsPerFile: o.rowsPerFile,
    adminToken: aepEmulatorAdminToken(env),
    seed: o.seedFile,
  };
}

export async function runAepEmulatorForeground(o: AepEmulatorCliOptions): Promise<void> {
  const emulator = await startAepEmulator(aepEmulatorOptionsFrom(o)).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(o.host, o.port);
    throw err;
  });
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
