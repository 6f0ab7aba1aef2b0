/** Options of the Pinpoint emulator (see docs/emulator.md). */
import { PINPOINT_CONCURRENT_IMPORT_JOBS, PINPOINT_MAX_IMPORT_JOB_BYTES } from '../contracts/limits';
export type Pace = 'instant' | 'fast' | 'realistic';

export interface EmulatorS3Options {
  endpoint?: string;
  region: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  s3: EmulatorS3Options;
  /** Keep state here (atomic writes) so it survives a restart; in memory only when absent. */
  dataDir?: string;
  /** How fast job statuses move. Default 'fast'. */
  pace?: Pace;
  /** The account's concurrent import limit; further jobs wait in PENDING_JOB. Default: Pinpoint's quota (contracts/limits). */
  maxConcurrentImports?: number;
  /** Per-import-job size limit in bytes. Default Pinpoint's documented 1 GB (10^9 bytes). */
  maxImportJobBytes?: number;
  /** Endpoints per exported object (piece). Default 100,000. */
  exportPieceSize?: number;
  /** Region and account in ARNs. Defaults us-east-1 / 123456789012. */
  region?: string;
  accountId?: string;
  /** The token the admin API (/_emulator/...) requires as `Authorization: Bearer <token>`; a random one when absent. */
  adminToken?: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  /** The admin API's token (the one given, or the one generated). */
  adminToken: string;
  close(): Promise<void>;
}

export const DEFAULTS = {
  maxConcurrentImports: PINPOINT_CONCURRENT_IMPORT_JOBS,
  maxImportJobBytes: PINPOINT_MAX_IMPORT_JOB_BYTES,
  exportPieceSize: 100_000,
  pace: 'fast' as Pace,
  accountId: '123456789012',
};

/** Delay between two status steps of a job. */
export function stepDelayMs(pace: Pace): number {
  return pace === 'instant' ? 0 : pace === 'fast' ? 50 : 2_000;
}
