/** Options of the Adobe Experience Platform emulator (README: "Adobe Experience Platform (preview)"). */
export type AepPace = 'instant' | 'fast' | 'realistic';

/** How DELETE /export/jobs/{id} answers: 204 No Content (the tutorial) or 200 {status, message} (the API reference). */
export type DeleteAnswer = 204 | 200;

export interface AepEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** How fast export jobs move NEW → PROCESSING → SUCCEEDED. Default 'fast'. */
  pace?: AepPace;
  /** Parquet files are kept under this folder; in memory when absent. */
  dataDir?: string;
  /** IMS accepts only this client id (and secret) when set; any pair otherwise. */
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of issued access tokens in seconds. Default 86399 (as IMS answers). */
  tokenLifetimeSeconds?: number;
  /** Default 204. */
  deleteAnswer?: DeleteAnswer;
  /** Profiles per Parquet file. Default 100,000. */
  rowsPerFile?: number;
  /** Parquet files per dataSetFile (one directory of chunks). Default 10. */
  filesPerDataSetFile?: number;
  /** Required as `Authorization: Bearer <token>` on /_emulator/ admin routes when set. */
  adminToken?: string;
  /** A seed document (profiles, segments, merge policies, datasets) loaded at start. */
  seed?: unknown;
}

export interface RunningAepEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const AEP_DEFAULTS = {
  pace: 'fast' as AepPace,
  tokenLifetimeSeconds: 86_399,
  deleteAnswer: 204 as DeleteAnswer,
  rowsPerFile: 100_000,
  filesPerDataSetFile: 10,
  imsOrgId: 'EMULATOR0000000000000000@AdobeOrg',
};

/** Delay between two status steps of a job. */
export function aepStepDelayMs(pace: AepPace): number {
  return pace === 'instant' ? 0 : pace === 'fast' ? 50 : 2_000;
}
