/** `audienceflow worker`: runs the Temporal worker that executes every pipeline's workflows and activities. */
import type { Command } from 'commander';
import { ExitCode } from '../contracts/failures';
import { threadMinBytes, transferThreads } from '../config';
import type * as WorkerModule from '../worker';
import { memoryOverrideMb } from '../worker-limits';
import { CliError } from './errors';

/** The worker's own variables, read before it connects: a wrong one is bad input (its message names the fix). */
function checkWorkerEnv(): void {
  for (const read of [memoryOverrideMb, transferThreads, threadMinBytes]) {
    try {
      read();
    } catch (err) {
      throw new CliError(err instanceof Error ? err.message : String(err), ExitCode.BadInput);
    }
  }
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .summary('run a worker for all pipelines (workflows + activities)')
    .description(
      'Run a worker: polls the task queue and runs the export, import and sync workflows and their activities. ' +
        'Start as many as you like, on any host; local files (import sources, --download-dir, local reports) ' +
        "are read and written on the worker's host, so run one where those files are. Stops on Ctrl-C / SIGTERM.",
    )
    .addHelpText(
      'after',
      `
Configuration comes from the environment (after \`audienceflow stack up\` nothing needs setting):
  TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*   the Temporal server
  AUDIENCEFLOW_TASK_QUEUE (or --task-queue)                                 task queue (default: audienceflow)
  AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_PINPOINT, AWS credentials (default chain)
  AUDIENCEFLOW_WORKER_MEMORY_MB                                             memory budget the limits are sized for
                                                                            (default: half the machine's or cgroup's)

At start the worker prints its limits: activity slots, transfers at once and processing threads for the
whole process, from its CPUs and memory budget.

Examples:
  audienceflow worker
  audienceflow --task-queue audienceflow-eu worker`,
    )
    .action(async () => {
      checkWorkerEnv();
      // Loaded on demand: the worker pulls in the native runtime and the AWS SDK, which the other
      // commands do not need. require() (not import()) so it loads through the same CJS hook as the rest.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runWorker } = require('../worker') as typeof WorkerModule;
      await runWorker();
    });
}
