/**
 * A worker in its own process for the chaos test (killed with SIGKILL at random points).
 * Reads: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, AUDIENCEFLOW_TASK_QUEUE, AF_BUNDLE_PATH (pre-bundled
 * workflow code, so a restart takes a second, not a bundling), and the AWS_* variables of the stack.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createWorker } from '../../src/worker';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.AUDIENCEFLOW_TASK_QUEUE ?? 'audienceflow',
    workflowBundle: { codePath: process.env.AF_BUNDLE_PATH ?? '' },
    worker: { stickyQueueScheduleToStartTimeout: '1s', shutdownGraceTime: '1s' },
  });
  process.stdout.write('worker ready\n');
  await worker.run();
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
