import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';

/** Mocked activities by name (plain functions; the worker sees each as async): only those a test's path reaches need to exist. */
export type MockActivities = Record<string, (...args: never[]) => unknown>;

function asActivities(mocks: MockActivities): Record<string, (...args: never[]) => Promise<unknown>> {
  return Object.fromEntries(
    Object.entries(mocks).map(([name, fn]) => [name, (...args: never[]) => Promise.resolve().then(() => fn(...args))]),
  );
}

type WorkflowBundle = Awaited<ReturnType<typeof bundleWorkflowCode>>;

/** The project's workflows, bundled once per test file. */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
}

let queues = 0;

/**
 * Runs `body` while a worker with the real workflows and the given mocked activities polls a task queue of its
 * own; the worker stops when `body` ends, also when it throws.
 */
export async function runWithActivities<T>(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundle,
  activities: MockActivities,
  body: (client: Client, taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `mock-${process.pid}-${++queues}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    activities: asActivities(activities),
    // As the real worker: a cancel reaches a heartbeating activity within half a second.
    maxHeartbeatThrottleInterval: '500ms',
  });
  return worker.runUntil(body(env.client, taskQueue));
}
