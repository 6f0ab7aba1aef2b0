/** `audienceflow cancel <workflow-id>`: Temporal cancellation; the workflow cleans up and ends Canceled with its report. */
import type { Command } from 'commander';
import { ExitCode } from '../contracts/failures';
import { withClient, workflowUiUrl } from './client';
import { CliError } from './errors';
import { pipelineOfWorkflowType } from './start-metadata';
import { describeOrExplain } from './status';
import { DETACHED_EXIT_CODE, detachedMessage, printOutcome, watchRun } from './watch';

export function registerCancelCommand(program: Command): void {
  program
    .command('cancel')
    .summary('cancel a running pipeline (it cleans up and ends Canceled with a CANCELLED report)')
    .description(
      'Request cancellation of a running pipeline. The run stops polling, starts no new job, removes the partial ' +
        'files it wrote and ends Canceled in Temporal, keeping a CANCELLED report (`audienceflow status` shows it; a ' +
        'Pinpoint job already running cannot be stopped: a follow-up workflow `<workflow-id>-cancel-followup` waits for it, ' +
        'up to --cancel-grace, then deletes what it wrote; an AEP export job is stopped with DELETE).',
    )
    .argument('<workflow-id>', 'the workflow id to cancel')
    .option('--wait', 'wait for the cancelled run to finish its cleanup and print its report', false)
    .option('--json', 'print machine-readable JSON on stdout', false)
    .addHelpText(
      'after',
      `
Examples:
  audienceflow cancel import-0123456789abcdef0123456789abcdef-20261123T132501Z
  audienceflow cancel sync-src-to-dst-20261123T132501Z --wait --json

Exit codes: 0 cancellation requested (or, with --wait, 3 cancelled / 0 finished anyway / 1 failed),
2 no such running workflow, 4 cannot reach Temporal.`,
    )
    .action(async (workflowId: string, opts: { wait: boolean; json: boolean }) => {
      process.exitCode = await withClient(async (c) => {
        const d = await describeOrExplain(c, workflowId);
        if (d.status.name !== 'RUNNING') {
          throw new CliError(
            `workflow "${workflowId}" is not running (${d.status.name}); nothing to cancel. Fix: see its report with \`audienceflow status ${workflowId}\``,
            ExitCode.BadInput,
          );
        }
        await c.client.workflow.getHandle(workflowId, d.runId).cancel();
        const ns = c.settings.namespace;
        if (!opts.wait) {
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ workflowId, runId: d.runId, cancelRequested: true }, null, 2)}\n`);
          } else {
            process.stdout.write(
              `Cancellation requested for ${workflowId}.\nTemporal UI: ${workflowUiUrl(ns, workflowId)}\n` +
                `Follow the cleanup: audienceflow status ${workflowId} --wait\n`,
            );
          }
          return ExitCode.Ok;
        }
        (opts.json ? process.stderr : process.stdout).write(
          `Cancellation requested for ${workflowId}; waiting for its report…\n`,
        );
        const o = await watchRun(c, workflowId, { json: opts.json }, d.runId);
        if (o === 'detached') {
          process.stderr.write(detachedMessage(ns, workflowId));
          return DETACHED_EXIT_CODE;
        }
        const pipeline = pipelineOfWorkflowType(d.type);
        return printOutcome(o, { json: opts.json, ...(pipeline && { pipeline }) });
      });
    });
}
