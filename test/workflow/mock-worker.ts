import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';
import { startTimeSkipping } from '../harness/time-skipping';

/** Mocked activities by name (plain functions; the worker sees each as async): only those a test's path reaches need to exist. */
export type MockActivities = Record<string, (...args: never[]) => unknown>;

function asActivities(mocks: MockActivities): Record<string, (...args: never[]) => Promise<unknown>> {
  return Object.fromEntries(
    Object.entries(mocks).map(([name, fn]) => [name, (...args: never[]) => Promise.resolve().then(() => fn(...args))]),
  );
}

type WorkflowBundle = Awaited<ReturnType<typeof bundleWorkflowCode>>;

/** The project's workflows, bundled once per test file. */
function bundleWorkflows(): Promise<WorkflowBundle> {
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

/** A test file's time-skipping server and bundled workflows: started before its tests, stopped after them. */
export function timeSkippingSuite(): { env: TestWorkflowEnvironment; bundle: WorkflowBundle } {
  const suite = {} as { env: TestWorkflowEnvironment; bundle: WorkflowBundle };
  beforeAll(async () => {
    suite.env = await startTimeSkipping();
    suite.bundle = await bundleWorkflows();
  });
  afterAll(async () => {
    await suite.env?.teardown();
  });
  return suite;
}

/** The ApplicationFailure a workflow run ended with (the test fails if it completed or failed otherwise). */
export async function runFailure(run: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
