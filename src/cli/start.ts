/**
 * Starting a pipeline run: a readable workflow id, typed search attributes, static summary and
 * details, optionally a classic cron schedule; then either print how to follow it or `--wait`.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ExitCode } from '../contracts/failures';
import type { CliClient } from './client';
import { workflowUiUrl } from './client';
import { CliError, badInput } from './errors';
import { checkCronExpression } from './cron';
import type { Pipeline } from './report-view';
import type { StartMetadata } from './start-metadata';
import { WORKFLOW_TYPES } from './start-metadata';
import { DETACHED_EXIT_CODE, detachedMessage, followHints, printOutcome, watchRun } from './watch';
import { withAttempt } from './workflow-ids';

export interface StartFlags {
  workflowId?: string;
  cron?: string;
  wait?: boolean;
  json?: boolean;
}

export interface CheckedStartFlags {
  workflowId?: string;
  cron?: string;
  wait: boolean;
  json: boolean;
}

/** Validates the flags every start command shares (before any remote call). */
export function checkStartFlags(f: StartFlags): CheckedStartFlags {
  if (f.workflowId !== undefined) {
    const id = f.workflowId.trim();
    if (id.length === 0 || id.length > 255 || /[\s\p{Cc}]/u.test(id)) {
      throw badInput(
        '--workflow-id',
        `"${f.workflowId}" is not a usable workflow id`,
        'use 1-255 characters without spaces, e.g. export-nightly-1',
      );
    }
  }
  if (f.cron !== undefined) {
    checkCronExpression('--cron', f.cron);
    if (f.wait) {
      throw badInput(
        '--wait',
        'cannot follow a cron workflow (it starts a new run on every tick until cancelled)',
        'drop --wait and follow the runs with `audienceflow list`',
      );
    }
  }
  return {
    ...(f.workflowId !== undefined && { workflowId: f.workflowId.trim() }),
    ...(f.cron !== undefined && { cron: f.cron.trim() }),
    wait: f.wait ?? false,
    json: f.json ?? false,
  };
}

export interface StartRequest {
  pipeline: Pipeline;
  input: unknown;
  metadata: StartMetadata;
  /** The readable id used when --workflow-id is not given. */
  defaultWorkflowId: string;
}

/** Starts the run and returns the CLI exit code. */
export async function startPipeline(c: CliClient, req: StartRequest, flags: CheckedStartFlags): Promise<number> {
  const base = flags.workflowId ?? req.defaultWorkflowId;
  let handle;
  for (let attempt = 1; ; attempt++) {
    const workflowId = flags.workflowId ?? withAttempt(base, attempt);
    try {
      handle = await c.client.workflow.start(req.metadata.workflowType ?? WORKFLOW_TYPES[req.pipeline], {
        taskQueue: c.settings.taskQueue,
        workflowId,
        args: [req.input],
        typedSearchAttributes: req.metadata.searchAttributes,
        staticSummary: flags.cron ? `${req.metadata.summary} (cron ${flags.cron})` : req.metadata.summary,
        staticDetails: req.metadata.details,
        ...(flags.cron && { cronSchedule: flags.cron }),
      });
      break;
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      if (flags.workflowId !== undefined || attempt >= 5) {
        throw new CliError(
          `--workflow-id: a run with id "${workflowId}" is already running. Fix: pass another --workflow-id, or follow it with \`audienceflow status ${workflowId}\``,
          ExitCode.BadInput,
        );
      }
    }
  }
  const ns = c.settings.namespace;
  const id = handle.workflowId;
  if (!flags.wait) {
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ workflowId: id, runId: handle.firstExecutionRunId, namespace: ns, taskQueue: c.settings.taskQueue, ui: workflowUiUrl(ns, id), ...(flags.cron && { cron: flags.cron }) }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `Started ${req.pipeline} ${id}${flags.cron ? ` (cron "${flags.cron}": a new run on every tick)` : ''}\n${followHints(ns, id)}\n`,
      );
    }
    return ExitCode.Ok;
  }
  const progressOut = flags.json ? process.stderr : process.stdout;
  progressOut.write(`Started ${req.pipeline} ${id}\nTemporal UI: ${workflowUiUrl(ns, id)}\n`);
  const outcome = await watchRun(c, id, { json: flags.json }, handle.firstExecutionRunId);
  if (outcome === 'detached') {
    process.stderr.write(detachedMessage(ns, id));
    return DETACHED_EXIT_CODE;
  }
  return printOutcome(outcome, { json: flags.json, pipeline: req.pipeline });
}
