/**
 * The one place that reads the environment. Everything else receives what it needs.
 *
 * - `.audienceflow/stack.env`, written by `audienceflow stack up`, is loaded first when present;
 *   variables already set in the environment win over it.
 * - Temporal: `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 *   TEMPORAL_TLS_*, TEMPORAL_PROFILE and temporal.toml profiles).
 * - AWS: the SDK's default credential chain and region; endpoints from AWS_ENDPOINT_URL_S3 /
 *   AWS_ENDPOINT_URL_PINPOINT (read by the SDK itself).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { ClientConnectConfig } from '@temporalio/envconfig';
import { DEFAULT_TASK_QUEUE } from './contracts/queries';

/** The project root (the folder holding package.json). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Where the local stack keeps its state, pids and env file. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.AUDIENCEFLOW_HOME ? path.resolve(env.AUDIENCEFLOW_HOME) : path.join(PROJECT_ROOT, '.audienceflow');
}

export function stackEnvFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), 'stack.env');
}

/** Parses KEY=VALUE lines (no shell expansion; '#' starts a comment line). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    out[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return out;
}

let stackEnvLoaded = false;

/**
 * Env defaults of the pipelines' S3 prefix (--s3, --staging) and role ARN (--role-arn): the local stack writes them
 * (so `audienceflow export --app X` works after `stack up`) and the CLI reads them.
 */
export const ENV_S3_URL = 'AUDIENCEFLOW_S3_URL';
export const ENV_ROLE_ARN = 'AUDIENCEFLOW_ROLE_ARN';

/** Loads the local stack's env file into process.env (existing variables win). Idempotent. */
export function loadStackEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (stackEnvLoaded || env.AUDIENCEFLOW_NO_STACK_ENV === '1') return undefined;
  stackEnvLoaded = true;
  const file = stackEnvFile(env);
  if (!fs.existsSync(file)) return undefined;
  for (const [k, v] of Object.entries(parseEnvFile(fs.readFileSync(file, 'utf8')))) {
    if (env[k] === undefined) env[k] = v;
  }
  return file;
}

export interface TemporalSettings {
  /** Works for both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
  connection: ClientConnectConfig['connectionOptions'];
  namespace: string;
  taskQueue: string;
}

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  loadStackEnv(env);
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  return {
    connection: connectionOptions,
    namespace: namespace ?? 'default',
    taskQueue: env.AUDIENCEFLOW_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
  };
}

export interface AwsSettings {
  region: string;
  /** Path-style S3 addressing: on by default when a custom S3 endpoint is set (SeaweedFS, MinIO). */
  s3ForcePathStyle: boolean;
  s3Endpoint?: string;
  pinpointEndpoint?: string;
}

export function awsSettings(env: NodeJS.ProcessEnv = process.env): AwsSettings {
  loadStackEnv(env);
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const pinpointEndpoint = env.AWS_ENDPOINT_URL_PINPOINT ?? env.AWS_ENDPOINT_URL;
  const forced = env.AUDIENCEFLOW_S3_FORCE_PATH_STYLE;
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    s3ForcePathStyle: forced !== undefined ? forced === '1' || forced === 'true' : s3Endpoint !== undefined,
    s3Endpoint,
    pinpointEndpoint,
  };
}

/**
 * AUDIENCEFLOW_TRANSFER_THREADS: worker threads that process one large input at once — an exported piece of the sync
 * or a local endpoint file of an import (1: one thread, which also gunzips). Unset: the activities' default.
 */
export function transferThreads(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.AUDIENCEFLOW_TRANSFER_THREADS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || n > 64) {
    throw new Error(
      `AUDIENCEFLOW_TRANSFER_THREADS="${raw}" is not a number of threads from 1 to 64; unset it for the default (two, or one on a one-CPU machine)`,
    );
  }
  return n;
}

/**
 * AUDIENCEFLOW_THREAD_MIN_BYTES: inputs (an exported piece, a local endpoint file) of at least this many bytes are
 * parsed and validated in worker threads. Unset: the activities' default (from 4 MiB). 0: always.
 */
export function threadMinBytes(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.AUDIENCEFLOW_THREAD_MIN_BYTES;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(
      `AUDIENCEFLOW_THREAD_MIN_BYTES="${raw}" is not a whole number of bytes; unset it for the defaults, or give 0 to use a worker thread for every input`,
    );
  }
  return n;
}

/** Adobe Experience Platform: IMS OAuth server-to-server credentials, org, sandbox and endpoints. */
export interface AepSettings {
  clientId: string;
  clientSecret: string;
  orgId: string;
  sandbox: string;
  /** x-api-key: AEP_API_KEY, else the client id (as Adobe issues them). */
  apiKey: string;
  /** Platform gateway base URL (AEP_ENDPOINT_URL; default https://platform.adobe.io). */
  endpoint: string;
  /** IMS base URL (AEP_IMS_URL; default https://ims-na1.adobelogin.com). */
  imsUrl: string;
  /** OAuth scopes, comma-separated (AEP_SCOPES). */
  scopes: string;
}

export const AEP_DEFAULT_ENDPOINT = 'https://platform.adobe.io';
export const AEP_DEFAULT_IMS_URL = 'https://ims-na1.adobelogin.com';
export const AEP_DEFAULT_SCOPES = 'openid,AdobeID,read_organizations,additional_info.projectedProductContext,session';

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name}="${raw}" is not a URL; give one like https://platform.adobe.io`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name}="${raw}" must be an http(s) URL`);
  }
  return raw.replace(/\/+$/, '');
}

/** Reads AEP_* variables; a missing one is named with how to set it (values are never echoed). */
export function aepSettings(env: NodeJS.ProcessEnv = process.env): AepSettings {
  loadStackEnv(env);
  const need = ['AEP_CLIENT_ID', 'AEP_CLIENT_SECRET', 'AEP_ORG_ID', 'AEP_SANDBOX'] as const;
  const missing = need.filter((k) => !env[k]?.trim());
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: set the OAuth server-to-server credentials of your Adobe Developer Console project (AEP_CLIENT_ID, AEP_CLIENT_SECRET), the IMS org (AEP_ORG_ID, like ABC123@AdobeOrg) and the sandbox (AEP_SANDBOX, like prod)`,
    );
  }
  const orgId = (env.AEP_ORG_ID as string).trim();
  if (!/^[A-Za-z0-9]+@AdobeOrg$/.test(orgId)) {
    throw new Error('AEP_ORG_ID is not an IMS organization id; it looks like ABC123@AdobeOrg');
  }
  const sandbox = (env.AEP_SANDBOX as string).trim();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(sandbox)) {
    throw new Error(`AEP_SANDBOX="${sandbox}" must be the all-lowercase sandbox name (like prod)`);
  }
  const clientId = (env.AEP_CLIENT_ID as string).trim();
  return {
    clientId,
    clientSecret: env.AEP_CLIENT_SECRET as string,
    orgId,
    sandbox,
    apiKey: env.AEP_API_KEY?.trim() || clientId,
    endpoint: httpUrl('AEP_ENDPOINT_URL', env.AEP_ENDPOINT_URL?.trim() || AEP_DEFAULT_ENDPOINT),
    imsUrl: httpUrl('AEP_IMS_URL', env.AEP_IMS_URL?.trim() || AEP_DEFAULT_IMS_URL),
    scopes: env.AEP_SCOPES?.trim() || AEP_DEFAULT_SCOPES,
  };
}

/** AUDIENCEFLOW_EMULATOR_ADMIN_TOKEN: required on the AEP emulator's /_emulator/ admin routes when set. */
export function aepEmulatorAdminToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AUDIENCEFLOW_EMULATOR_ADMIN_TOKEN?.trim() || undefined;
}
