/**
 * Worker bootstrap: connects to Temporal (config.temporalSettings()), builds the AWS clients, registers every
 * workflow (workflows/index.ts) and activity (activities/index.ts) on the task queue. `audienceflow worker` and
 * `npx tsx src/worker.ts` run it until SIGINT/SIGTERM; tests use createWorker with their own connection.
 */
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { NativeConnection as NativeConnectionType, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ActivityDeps } from '../activities';
import { HEARTBEAT_THROTTLE_MS } from '../activities/support/heartbeat';
import { processBudget } from './engine';
import { awsSettings, PROJECT_ROOT, temporalSettings, threadMinBytes, transferThreads } from './config';
import { createPinpointClient } from './providers/pinpoint/client';
import { createS3Client } from './providers/s3-client';
import { describeLimits } from './worker-limits';

export const WORKFLOWS_PATH = path.join(PROJECT_ROOT, 'workflows', 'index.ts');

export interface CreateWorkerOptions {
  connection: NativeConnectionType;
  namespace?: string;
  taskQueue: string;
  /** Clients for the activities; built from the environment (config.awsSettings()) when omitted. */
  deps?: ActivityDeps;
  /** A pre-built bundle (tests bundle once per file); otherwise workflows/index.ts is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Extra Worker options (e.g. shutdownGraceTime, maxConcurrentActivityTaskExecutions). */
  worker?: Partial<WorkerOptions>;
}

/** AWS clients from the environment: region, S3 endpoint/path style, Pinpoint endpoint (AWS_ENDPOINT_URL_PINPOINT). */
export function activityDepsFromEnv(): ActivityDeps {
  const aws = awsSettings();
  return {
    s3: createS3Client(aws),
    pinpoint: createPinpointClient(aws),
    region: aws.region,
    threadMinBytes: threadMinBytes(),
    transferThreads: transferThreads(),
  };
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const deps = opts.deps ?? activityDepsFromEnv();
  const { limits } = deps.budget ?? processBudget();
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    activities: createActivities(deps),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    // Cleanup after a cancellation and in-flight polls get a moment to finish on shutdown.
    shutdownGraceTime: '10s',
    // A cancel reaches a heartbeating activity within about a second (see HEARTBEAT_THROTTLE_MS).
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE_MS,
    defaultHeartbeatThrottleInterval: HEARTBEAT_THROTTLE_MS,
    // Transfers beyond the process's budget wait inside their activity (heartbeating); the other slots are for the
    // light activities (job polls, creates, listings), so a batch of transfers does not hold up every other sync.
    maxConcurrentActivityTaskExecutions: limits.activitySlots,
    ...opts.worker,
  });
}

/** Runs a worker until SIGINT/SIGTERM (the Worker shuts down gracefully on those signals). */
export async function runWorker(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  const settings = temporalSettings();
  log(describeLimits(processBudget().limits));
  const connection = await NativeConnection.connect(settings.connection);
  try {
    const worker = await createWorker({ connection, namespace: settings.namespace, taskQueue: settings.taskQueue });
    log(`audienceflow worker: namespace ${settings.namespace}, task queue ${settings.taskQueue} (Ctrl-C to stop)`);
    await worker.run();
    log('audienceflow worker stopped');
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  await runWorker();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
