/** `audienceflow status <workflow-id>`: status, live progress and the report once finished. */
import type { Command } from 'commander';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { SA_APPLICATION_ID, SA_JOB_ID, SA_PIPELINE, SA_PROVIDER, SA_STATUS } from '../contracts/search-attributes';
import { ExitCode } from '../contracts/failures';
import type { CliClient } from './client';
import { withClient, workflowUiUrl } from './client';
import { CliError } from './errors';
import type { RunOutcome } from './outcome';
import { outcomeFromError, outcomeFromReport, outcomeJson, withCancelledReport } from './outcome';
import { formatProgressLine } from './progress-view';
import type { ProgressSnapshot } from './progress-view';
import { renderFields, renderReport } from './report-view';
import { pipelineOfWorkflowType } from './start-metadata';
import { DETACHED_EXIT_CODE, detachedMessage, fetchProgress, printOutcome, watchRun } from './watch';

function notFound(workflowId: string, namespace: string): CliError {
  return new CliError(
    `no workflow "${workflowId}" in namespace "${namespace}". Fix: check the id with \`audienceflow list\``,
    ExitCode.BadInput,
  );
}

export async function describeOrExplain(
  c: CliClient,
  workflowId: string,
  runId?: string,
): Promise<WorkflowExecutionDescription> {
  try {
    return await c.client.workflow.getHandle(workflowId, runId).describe();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw notFound(workflowId, c.settings.namespace);
    throw e;
  }
}

/** The outcome of a closed run (its report, or why it failed). */
async function closedOutcome(c: CliClient, d: WorkflowExecutionDescription): Promise<RunOutcome> {
  const handle = c.client.workflow.getHandle(d.workflowId, d.runId, { followRuns: false });
  try {
    return outcomeFromReport(d.workflowId, await handle.result());
  } catch (e) {
    const o = outcomeFromError(d.workflowId, e);
    if (!o) throw e;
    return withCancelledReport({ ...o, runId: d.runId }, d.memo);
  }
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .summary("show a run's status, progress and report")
    .description(
      'Show a run: Temporal status, search attributes, live progress (while running) and the report (once finished).',
    )
    .argument('<workflow-id>', 'the workflow id printed by export/import/sync (or shown by `audienceflow list`)')
    .option('--run-id <id>', 'a specific run (default: the latest run of the id)')
    .option('--wait', 'if still running, follow it like `export --wait` until it ends', false)
    .option('--json', 'print machine-readable JSON on stdout', false)
    .addHelpText(
      'after',
      `
Examples:
  audienceflow status export-0123456789abcdef0123456789abcdef-20261123T132501Z
  audienceflow status sync-src-to-dst-20261123T132501Z --json

Exit codes: 0 running or completed, 1 failed, 2 no such workflow, 3 cancelled, 4 cannot reach Temporal.`,
    )
    .action(async (workflowId: string, opts: { runId?: string; wait: boolean; json: boolean }) => {
      process.exitCode = await withClient(async (c) => {
        const d = await describeOrExplain(c, workflowId, opts.runId);
        const pipeline = pipelineOfWorkflowType(d.type);
        const sa = d.typedSearchAttributes;
        const running = d.status.name === 'RUNNING';
        if (running && opts.wait) {
          const o = await watchRun(c, workflowId, { json: opts.json }, d.runId);
          if (o === 'detached') {
            process.stderr.write(detachedMessage(c.settings.namespace, workflowId));
            return DETACHED_EXIT_CODE;
          }
          return printOutcome(o, { json: opts.json, ...(pipeline && { pipeline }) });
        }
        let progress: ProgressSnapshot | undefined;
        let outcome: RunOutcome | undefined;
        if (running) progress = (await fetchProgress(c, c.client.workflow.getHandle(workflowId, d.runId))).snapshot;
        else outcome = await closedOutcome(c, d);
        const info = {
          workflowId: d.workflowId,
          runId: d.runId,
          type: d.type,
          pipeline: sa.get(SA_PIPELINE) ?? pipeline,
          temporalStatus: d.status.name,
          pipelineStatus: outcome?.status ?? sa.get(SA_STATUS),
          provider: sa.get(SA_PROVIDER),
          applicationId: sa.get(SA_APPLICATION_ID)?.join(', '),
          jobId: sa.get(SA_JOB_ID)?.join(', '),
          startTime: d.startTime.toISOString(),
          closeTime: d.closeTime?.toISOString(),
          taskQueue: d.taskQueue,
          ui: workflowUiUrl(c.settings.namespace, d.workflowId),
        };
        if (opts.json) {
          const out = {
            ...info,
            ...(progress && { progress }),
            ...(outcome &&
              (outcome.report !== undefined ? { report: outcome.report } : { result: outcomeJson(outcome) })),
          };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          process.stdout.write(
            `${renderFields([
              ['workflow', `${info.workflowId} (run ${info.runId})`],
              ['pipeline', info.pipeline],
              ['temporal status', info.temporalStatus],
              ['pipeline status', info.pipelineStatus],
              ['application', info.applicationId],
              ['job', info.jobId],
              ['started', info.startTime],
              ['closed', info.closeTime],
              ['progress', progress && formatProgressLine(progress)],
              ['Temporal UI', info.ui],
            ])}\n`,
          );
          if (outcome) {
            process.stdout.write(
              outcome.report !== undefined
                ? `\n${renderReport(outcome.report, pipeline)}\n`
                : `\n${outcome.status}${outcome.message ? `: ${outcome.message}` : ''}\n`,
            );
          } else if (running) {
            process.stdout.write(
              `\nFollow it: audienceflow status ${workflowId} --wait\nCancel it: audienceflow cancel ${workflowId}\n`,
            );
          }
        }
        return outcome ? outcome.exitCode : ExitCode.Ok;
      });
    });
}
