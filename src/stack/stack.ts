/**
 * The local stack: the Temporal dev server, a SeaweedFS S3 server, the Pinpoint emulator and the AEP emulator,
 * as background processes whose pids, logs and data live in the state folder (.audienceflow/).
 * `stackUp` is idempotent (a running, healthy part is left alone), `stackDown` stops exactly
 * the recorded pids. The ports a part was started on are recorded (stack.json) and reused by every later `up` that
 * adopts or restarts it (resolveStackOptions); every port `up` writes to stack.env is one it checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ENV_ROLE_ARN, ENV_S3_URL, PROJECT_ROOT, stackEnvFile, stateDir } from '../config';
import { AEP_DEFAULTS } from '../aep-emulator/options';
import { ADMIN_TOKEN_ENV, newAdminToken } from '../emulator/admin-guard';
import { describeHolder } from './port-holder';
import { isListening, isPortFree } from './ports';
import { GaveUp, isAlive, spawnLogged, stopPid, waitUntil } from './processes';
import { assertSearchAttributeTypes } from './search-attribute-check';
import {
  ensureBucket,
  LOCAL_S3_CREDENTIALS,
  localS3Client,
  s3Endpoint,
  s3Healthy,
  startWeed,
  weedPortsFor,
} from './s3-server';
import { readState, writeState } from './stack-state';
import type { PartName, PartRecord, StackState } from './stack-state';
import { startTemporalDev, temporalHealthy } from './temporal-server';
import { requireTool } from './tools';
import { DEFAULT_STACK_OPTIONS } from './defaults';
import type { StackOptions } from './defaults';

export const DEMO_ROLE_ARN = 'arn:aws:iam::123456789012:role/audienceflow';

export interface PartStatus {
  part: PartName;
  pid?: number;
  running: boolean;
  healthy: boolean;
  address: string;
}

const LABEL: Record<PartName, string> = {
  temporal: 'Temporal dev server',
  s3: 'S3 (SeaweedFS)',
  emulator: 'Pinpoint emulator',
  aep: 'AEP emulator',
};

/** The credentials stack.env gives the worker for the AEP emulator (it accepts any client id and secret). */
export const LOCAL_AEP_CREDENTIALS = {
  clientId: 'audienceflow-local',
  clientSecret: 'audienceflow-local-secret',
  orgId: AEP_DEFAULTS.imsOrgId,
  sandbox: 'prod',
};

function partAddress(part: PartName, port: number): string {
  return part === 'temporal' ? `127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
}

async function emulatorHealthy(url: string): Promise<boolean> {
  // Any HTTP answer means the server is up (unsigned requests are refused with 403, as AWS does).
  const res = await fetch(`${url}/v1/apps`, { signal: AbortSignal.timeout(2_000) });
  return res.status > 0;
}

async function aepEmulatorHealthy(url: string): Promise<boolean> {
  // Any HTTP answer means the server is up (a call without a token it issued is refused with 401, as AEP does).
  const res = await fetch(`${url}/data/core/ups/export/jobs`, { signal: AbortSignal.timeout(2_000) });
  return res.status > 0;
}

async function healthy(part: PartName, port: number): Promise<boolean> {
  try {
    if (part === 'temporal') return await temporalHealthy(partAddress(part, port));
    if (part === 's3') return await s3Healthy(s3Endpoint(port));
    if (part === 'aep') return await aepEmulatorHealthy(partAddress(part, port));
    return await emulatorHealthy(partAddress(part, port));
  } catch {
    return false;
  }
}

/** Input the user must fix (a busy port, a flag that contradicts a running part): exit 2 in the CLI. */
export class StackInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackInputError';
  }
}

const PORT_FLAG = {
  temporalPort: '--temporal-port',
  uiPort: '--ui-port',
  s3Port: '--s3-port',
  emulatorPort: '--emulator-port',
  aepPort: '--aep-port',
} as const;
type PortOption = keyof typeof PORT_FLAG;

interface NeededPort {
  port: number;
  what: string;
  flag: string;
}

async function assertPortsFree(ports: NeededPort[]): Promise<void> {
  for (const { port, what, flag } of ports) {
    if (!(await isPortFree(port))) {
      throw new StackInputError(
        `port ${port} (${what}, ${flag}) is in use${describeHolder(port) || ' by another process'}. ` +
          `Fix: pass ${flag} with a free port, or stop that process`,
      );
    }
  }
}

function isRunning(rec: PartRecord | undefined): rec is PartRecord {
  return rec !== undefined && isAlive(rec.pid);
}

/**
 * The options `up` acts on. A running part keeps the ports it was started on (a flag that names another port is an
 * error, not a silent move); a stopped part that was recorded restarts on its recorded ports unless a flag says
 * otherwise; anything else takes the flag, else the default.
 */
export function resolveStackOptions(given: Partial<StackOptions>, state: StackState): StackOptions {
  const d = DEFAULT_STACK_OPTIONS;
  const pick = (option: PortOption, part: PartName, recorded: number | undefined): number => {
    const flag = given[option];
    const rec = state.parts[part];
    if (isRunning(rec) && recorded !== undefined) {
      if (flag !== undefined && flag !== recorded) {
        throw new StackInputError(
          `${PORT_FLAG[option]} ${flag}: the ${LABEL[part]} already runs with port ${recorded} (pid ${rec.pid}). ` +
            `Fix: leave out ${PORT_FLAG[option]} to keep it, or run \`audienceflow stack down\` first to move it`,
        );
      }
      return recorded;
    }
    return flag ?? recorded ?? d[option];
  };
  return {
    temporalPort: pick('temporalPort', 'temporal', state.parts.temporal?.port),
    uiPort: pick('uiPort', 'temporal', state.uiPort),
    s3Port: pick('s3Port', 's3', state.parts.s3?.port),
    emulatorPort: pick('emulatorPort', 'emulator', state.parts.emulator?.port),
    aepPort: pick('aepPort', 'aep', state.parts.aep?.port),
    bucket: given.bucket ?? state.bucket ?? d.bucket,
    pace: given.pace ?? d.pace,
    namespace: given.namespace ?? d.namespace,
  };
}

function logFileFor(part: PartName): string {
  const dir = path.join(stateDir(), 'logs');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${part}.log`);
}

function record(pid: number | undefined, port: number, ports: number[], logFile: string): PartRecord {
  if (!pid) throw new Error('process did not start');
  return { pid, port, ports, logFile, startedAt: new Date().toISOString() };
}

/** A recorded part that is alive: wait for it to be healthy rather than start a twin. */
async function adoptRunning(part: PartName, rec: PartRecord | undefined, log: (l: string) => void): Promise<boolean> {
  if (!rec || !isAlive(rec.pid)) return false;
  await waitUntil(() => healthy(part, rec.port), LABEL[part], { timeoutMs: 60_000, logFile: rec.logFile });
  log(`${LABEL[part].padEnd(20)} already running (pid ${rec.pid})`);
  return true;
}

/** Every port of every part that is not running yet is checked before anything starts. */
async function preflightPorts(o: StackOptions, state: StackState): Promise<void> {
  const ports: NeededPort[] = [];
  if (!isRunning(state.parts.temporal)) {
    ports.push(
      { port: o.temporalPort, what: 'Temporal gRPC', flag: PORT_FLAG.temporalPort },
      { port: o.uiPort, what: 'Temporal Web UI', flag: PORT_FLAG.uiPort },
    );
  }
  if (!isRunning(state.parts.s3)) {
    const w = weedPortsFor(o.s3Port);
    for (const p of [w.s3, w.master, w.volume, w.filer]) {
      const derived = p === o.s3Port ? 'SeaweedFS S3' : `SeaweedFS, derived from S3 port ${o.s3Port}`;
      ports.push(
        { port: p, what: derived, flag: PORT_FLAG.s3Port },
        { port: p + 10_000, what: `SeaweedFS gRPC, derived from S3 port ${o.s3Port}`, flag: PORT_FLAG.s3Port },
      );
    }
  }
  if (!isRunning(state.parts.emulator)) {
    ports.push({ port: o.emulatorPort, what: 'Pinpoint emulator', flag: PORT_FLAG.emulatorPort });
  }
  if (!isRunning(state.parts.aep)) {
    ports.push({ port: o.aepPort, what: 'AEP emulator', flag: PORT_FLAG.aepPort });
  }
  await assertPortsFree(ports);
}

async function upTemporal(o: StackOptions, state: StackState, log: (l: string) => void): Promise<void> {
  if (await adoptRunning('temporal', state.parts.temporal, log)) {
    await assertSearchAttributeTypes(`127.0.0.1:${state.parts.temporal?.port ?? o.temporalPort}`, o.namespace);
    return;
  }
  const logFile = logFileFor('temporal');
  const binary = requireTool('temporal');
  const dataDir = path.join(stateDir(), 'temporal');
  fs.mkdirSync(dataDir, { recursive: true });
  await startTemporalDev({
    binary,
    port: o.temporalPort,
    uiPort: o.uiPort,
    dbFile: path.join(dataDir, 'temporal.db'),
    namespace: o.namespace,
    logFile,
    detached: true,
    onSpawn: (pid) => {
      state.parts.temporal = record(pid, o.temporalPort, [o.temporalPort, o.uiPort], logFile);
      state.uiPort = o.uiPort;
      writeState(state);
    },
  });
  log(`${LABEL.temporal.padEnd(20)} started on 127.0.0.1:${o.temporalPort} (pid ${state.parts.temporal?.pid ?? '?'})`);
  await assertSearchAttributeTypes(`127.0.0.1:${o.temporalPort}`, o.namespace);
}

async function upS3(o: StackOptions, state: StackState, log: (l: string) => void): Promise<void> {
  if (!(await adoptRunning('s3', state.parts.s3, log))) {
    const ports = weedPortsFor(o.s3Port);
    const all = [ports.s3, ports.master, ports.volume, ports.filer];
    const logFile = logFileFor('s3');
    await startWeed({
      binary: requireTool('weed'),
      dataDir: path.join(stateDir(), 's3'),
      ports,
      logFile,
      detached: true,
      onSpawn: (pid) => {
        state.parts.s3 = record(
          pid,
          o.s3Port,
          all.flatMap((p) => [p, p + 10_000]),
          logFile,
        );
        writeState(state);
      },
    });
    log(`${LABEL.s3.padEnd(20)} started on ${s3Endpoint(o.s3Port)} (pid ${state.parts.s3?.pid ?? '?'})`);
  }
  const client = localS3Client(s3Endpoint(o.s3Port));
  try {
    await ensureBucket(client, o.bucket);
  } finally {
    client.destroy();
  }
  state.bucket = o.bucket;
  writeState(state);
}

async function upEmulator(o: StackOptions, state: StackState, log: (l: string) => void): Promise<void> {
  if (await adoptRunning('emulator', state.parts.emulator, log)) return;
  const adminToken = newAdminToken();
  const logFile = logFileFor('emulator');
  const child = spawnLogged(
    process.execPath,
    [
      path.join(PROJECT_ROOT, 'bin', 'audienceflow.js'),
      'emulator',
      '--host',
      '127.0.0.1',
      '--port',
      String(o.emulatorPort),
      '--s3-endpoint',
      s3Endpoint(o.s3Port),
      '--data-dir',
      path.join(stateDir(), 'emulator'),
      '--pace',
      o.pace,
    ],
    {
      logFile,
      detached: true,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        [ADMIN_TOKEN_ENV]: adminToken,
      },
    },
  );
  state.parts.emulator = record(child.pid, o.emulatorPort, [o.emulatorPort], logFile);
  state.emulatorAdminToken = adminToken;
  writeState(state);
  await waitUntil(
    async () => {
      if (!isAlive(child.pid ?? 0)) throw new GaveUp('the emulator exited');
      return (await isListening(o.emulatorPort)) && healthy('emulator', o.emulatorPort);
    },
    LABEL.emulator,
    { timeoutMs: 60_000, logFile },
  );
  log(`${LABEL.emulator.padEnd(20)} started on ${partAddress('emulator', o.emulatorPort)} (pid ${child.pid ?? '?'})`);
}

/** The AEP emulator: its own process and port, jobs on the stack's pace, Parquet files kept in the state folder. */
async function upAepEmulator(o: StackOptions, state: StackState, log: (l: string) => void): Promise<void> {
  if (await adoptRunning('aep', state.parts.aep, log)) return;
  const adminToken = state.emulatorAdminToken ?? newAdminToken();
  const logFile = logFileFor('aep');
  const child = spawnLogged(
    process.execPath,
    [
      path.join(PROJECT_ROOT, 'bin', 'audienceflow.js'),
      'emulator',
      '--provider',
      'aep',
      '--host',
      '127.0.0.1',
      '--port',
      String(o.aepPort),
      '--data-dir',
      path.join(stateDir(), 'aep-emulator'),
      '--pace',
      o.pace,
    ],
    { logFile, detached: true, env: { ...process.env, [ADMIN_TOKEN_ENV]: adminToken } },
  );
  state.parts.aep = record(child.pid, o.aepPort, [o.aepPort], logFile);
  state.emulatorAdminToken = adminToken;
  writeState(state);
  await waitUntil(
    async () => {
      if (!isAlive(child.pid ?? 0)) throw new GaveUp('the AEP emulator exited');
      return (await isListening(o.aepPort)) && healthy('aep', o.aepPort);
    },
    LABEL.aep,
    { timeoutMs: 60_000, logFile },
  );
  log(`${LABEL.aep.padEnd(20)} started on ${partAddress('aep', o.aepPort)} (pid ${child.pid ?? '?'})`);
}

export function stackEnv(o: StackOptions, emulatorAdminToken: string): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: `127.0.0.1:${o.temporalPort}`,
    TEMPORAL_NAMESPACE: o.namespace,
    AWS_ENDPOINT_URL_S3: s3Endpoint(o.s3Port),
    AWS_ENDPOINT_URL_PINPOINT: partAddress('emulator', o.emulatorPort),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AUDIENCEFLOW_UI_URL: `http://127.0.0.1:${o.uiPort}`,
    AUDIENCEFLOW_BUCKET: o.bucket,
    /** Default --s3 of export, import staging and sync: every run writes under <this><workflowId>/<runId>/. */
    [ENV_S3_URL]: `s3://${o.bucket}/audienceflow/`,
    [ENV_ROLE_ARN]: DEMO_ROLE_ARN,
    [ADMIN_TOKEN_ENV]: emulatorAdminToken,
    AEP_CLIENT_ID: LOCAL_AEP_CREDENTIALS.clientId,
    AEP_CLIENT_SECRET: LOCAL_AEP_CREDENTIALS.clientSecret,
    AEP_ORG_ID: LOCAL_AEP_CREDENTIALS.orgId,
    AEP_SANDBOX: LOCAL_AEP_CREDENTIALS.sandbox,
    AEP_ENDPOINT_URL: partAddress('aep', o.aepPort),
    AEP_IMS_URL: partAddress('aep', o.aepPort),
  };
}

function writeEnvFile(env: Record<string, string>): string {
  const file = stackEnvFile();
  const lines = [
    '# Written by `audienceflow stack up`: the local stack. Read by the worker and every CLI command;',
    '# variables set in the environment win. Removed by `audienceflow stack down`.',
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
  ];
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${lines.join('\n')}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return file;
}

export interface StackUpResult {
  envFile: string;
  env: Record<string, string>;
  uiUrl: string;
}

export async function stackUp(
  options: Partial<StackOptions> = {},
  log: (line: string) => void = () => undefined,
): Promise<StackUpResult> {
  fs.mkdirSync(stateDir(), { recursive: true });
  const state = readState();
  const o = resolveStackOptions(options, state);
  await preflightPorts(o, state);
  // The S3 server first: the emulator needs it. Temporal starts alongside.
  await Promise.all([upTemporal(o, state, log), upS3(o, state, log)]);
  await upEmulator(o, state, log);
  await upAepEmulator(o, state, log);
  const env = stackEnv(o, state.emulatorAdminToken ?? '');
  const envFile = writeEnvFile(env);
  return { envFile, env, uiUrl: env.AUDIENCEFLOW_UI_URL ?? '' };
}

export async function stackStatus(): Promise<PartStatus[]> {
  const state = readState();
  const out: PartStatus[] = [];
  for (const part of ['temporal', 's3', 'emulator', 'aep'] as PartName[]) {
    const rec = state.parts[part];
    const running = rec ? isAlive(rec.pid) : false;
    out.push({
      part,
      pid: rec?.pid,
      running,
      healthy: running && rec ? await healthy(part, rec.port) : false,
      address: rec ? partAddress(part, rec.port) : '-',
    });
  }
  return out;
}

/** Stops exactly the processes `up` recorded; data stays unless `purge`. */
export async function stackDown(
  { purge = false }: { purge?: boolean } = {},
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const state = readState();
  await Promise.all(
    (['emulator', 'aep', 'temporal', 's3'] as PartName[]).map(async (part) => {
      const rec = state.parts[part];
      if (!rec) return;
      if (isAlive(rec.pid)) {
        await stopPid(rec.pid, 15_000);
        log(`${LABEL[part].padEnd(20)} stopped (pid ${rec.pid})`);
      } else {
        log(`${LABEL[part].padEnd(20)} was not running`);
      }
      delete state.parts[part];
    }),
  );
  writeState(state);
  fs.rmSync(stackEnvFile(), { force: true });
  if (purge) {
    for (const dir of ['temporal', 's3', 'emulator', 'aep-emulator'])
      fs.rmSync(path.join(stateDir(), dir), { recursive: true, force: true });
    log('data removed');
  }
}

export { LABEL as PART_LABELS };
