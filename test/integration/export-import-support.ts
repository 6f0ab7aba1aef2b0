/**
 * Shared setup of the export/import integration tests: a real Temporal dev server, real S3 (SeaweedFS) and the
 * Pinpoint emulator (test/harness), the workflow code bundled once per file, and an in-process worker running the real
 * activities with clients pointed at that stack. Plus small helpers: seeding endpoints, the emulator's admin API,
 * reading a run's history.
 */
import { CreateAppCommand, CreateImportJobCommand, GetImportJobCommand } from '@aws-sdk/client-pinpoint';
import type { EndpointBatchItem, PinpointClient } from '@aws-sdk/client-pinpoint';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ImportInput } from '../../src/contracts';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { adminHeaders } from '../../src/emulator/admin-guard';
import { activityDepsFromEnv, createWorker, WORKFLOWS_PATH } from '../../src/worker';
import type { ActivityDeps } from '../../activities';
import { startStack, TEST_ROLE_ARN } from '../harness';
import type { HarnessEmulatorOptions, TestStack } from '../harness';

export { TEST_ROLE_ARN };

export interface PipelineEnv {
  stack: TestStack;
  client: Client;
  taskQueue: string;
  bundle: WorkflowBundleWithSourceMap;
  pinpoint: PinpointClient;
  s3: S3Client;
  bucket: string;
  /** Starts (another) in-process worker on the task queue; stopped by stopWorker or env.stop(). */
  startWorker(deps?: ActivityDeps): Promise<RunningWorker>;
  stop(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export async function startPipelineEnv(
  opts: { emulator?: HarnessEmulatorOptions & { exportPieceSize?: number }; worker?: boolean } = {},
): Promise<PipelineEnv> {
  const stack = await startStack({ emulator: opts.emulator });
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const taskQueue = `af-${randomUUID()}`;
  // The same clients the worker builds from the environment (startStack set AWS_ENDPOINT_URL_*).
  const deps = activityDepsFromEnv();
  const workers: RunningWorker[] = [];
  const startWorker = async (d: ActivityDeps = deps): Promise<RunningWorker> => {
    const worker = await createWorker({
      connection: stack.temporal.nativeConnection,
      namespace: stack.temporal.namespace ?? 'default',
      taskQueue,
      workflowBundle: bundle,
      deps: d,
      worker: { shutdownGraceTime: '2s' },
    });
    const running = worker.run();
    const handle: RunningWorker = {
      worker,
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        workers.splice(workers.indexOf(handle), 1);
      },
    };
    workers.push(handle);
    return handle;
  };
  if (opts.worker !== false) await startWorker();
  return {
    stack,
    client: stack.temporal.client,
    taskQueue,
    bundle,
    pinpoint: deps.pinpoint,
    s3: deps.s3,
    bucket: stack.bucket,
    startWorker,
    async stop() {
      for (const w of [...workers]) await w.stop();
      await stack.stop();
    },
  };
}

export async function createApp(pinpoint: PinpointClient, name = `app-${randomUUID().slice(0, 8)}`): Promise<string> {
  const out = await pinpoint.send(new CreateAppCommand({ CreateApplicationRequest: { Name: name } }));
  return out.ApplicationResponse!.Id!;
}

/**
 * Seeds endpoints into an app the fast way: one NDJSON object in S3 and one import job, awaited. Returns nothing; the
 * caller knows what it seeded.
 */
export async function seedEndpoints(
  env: PipelineEnv,
  applicationId: string,
  endpoints: EndpointBatchItem[],
): Promise<void> {
  const key = `seed/${randomUUID()}.ndjson`;
  await env.s3.send(
    new PutObjectCommand({
      Bucket: env.bucket,
      Key: key,
      Body: endpoints.map((e) => JSON.stringify(e)).join('\n') + '\n',
    }),
  );
  const created = await env.pinpoint.send(
    new CreateImportJobCommand({
      ApplicationId: applicationId,
      ImportJobRequest: {
        S3Url: `s3://${env.bucket}/${key}`,
        RoleArn: TEST_ROLE_ARN,
        Format: 'JSON',
        RegisterEndpoints: true,
      },
    }),
  );
  const jobId = created.ImportJobResponse!.Id!;
  for (let i = 0; i < 600; i++) {
    const got = await env.pinpoint.send(new GetImportJobCommand({ ApplicationId: applicationId, JobId: jobId }));
    const status = got.ImportJobResponse!.JobStatus;
    if (status === 'COMPLETED') return;
    if (status === 'FAILED') throw new Error(`seeding import job ${jobId} failed`);
    await sleep(100);
  }
  throw new Error(`seeding import job ${jobId} did not finish`);
}

export interface EmulatorCounts {
  apps: number;
  endpoints: number;
  importJobs: number;
  exportJobs: number;
  byApp: Record<
    string,
    { endpoints: number; jobs: { import: number; export: number; total: number; byStatus: Record<string, number> } }
  >;
}

/** The emulator's admin API (outside /v1): faults, counts, stall/release of jobs. */
export function emulatorAdmin(env: PipelineEnv) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${env.stack.emulator.url}/_emulator/${path}`, {
      method,
      headers: {
        ...adminHeaders(env.stack.emulator.adminToken),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator admin ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    counts: () => call<EmulatorCounts>('GET', 'counts'),
    async app(applicationId: string) {
      const c = await call<EmulatorCounts>('GET', 'counts');
      const app = c.byApp[applicationId];
      if (!app) throw new Error(`app ${applicationId} not in emulator counts`);
      return app;
    },
    faults: (f: Record<string, unknown>) => call('POST', 'faults', f),
    clearFaults: () => call('DELETE', 'faults'),
    release: (jobId: string) => call('POST', `jobs/${jobId}/release`),
  };
}

/** The whole event history of a run as text, payloads decoded (what anyone with access to Temporal can read). */
export async function historyText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  return JSON.stringify(history, (key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    // Payload data arrive base64-encoded: decode, so a search for an address in clear text works.
    if (key === 'data' && typeof v === 'string') return Buffer.from(v, 'base64').toString('utf8');
    return v;
  });
}

/** Which of `needles` occur in `text` (reported by value only as a count, to keep PII out of test output). */
export function occurrences(text: string, needles: string[]): number {
  return needles.filter((n) => text.includes(n)).length;
}

/** Polls `check` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Heartbeat details of the run's pending activity with this type, when it has sent some. */
export async function pendingActivityDetails<T>(handle: WorkflowHandle, activityType: string): Promise<T | undefined> {
  const d = await handle.describe();
  const pending = d.raw.pendingActivities?.find((a) => a.activityType?.name === activityType);
  const payload = pending?.heartbeatDetails?.payloads?.[0];
  if (!payload?.data) return undefined;
  return JSON.parse(Buffer.from(payload.data).toString('utf8')) as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls fast enough for tests, with room for a slow machine. */
const TEST_POLL = { initialIntervalMs: 100, maxIntervalMs: 400, maxWaitMs: 120_000 };

/** An import into `applicationId` staged in the env's bucket (CSV of local files unless `extra` says otherwise). */
export function localImportInput(
  env: PipelineEnv,
  applicationId: string,
  extra: Partial<ImportInput> = {},
): ImportInput {
  return {
    provider: 'pinpoint',
    applicationId,
    source: { kind: 'local', paths: [] },
    format: 'CSV',
    stagingUrl: `s3://${env.bucket}/staging/`,
    roleArn: TEST_ROLE_ARN,
    poll: TEST_POLL,
    ...extra,
  };
}
