/**
 * `--wait`: follows a run until it ends, refreshing a progress view about once a second from
 * the `progress` query and the pending activities' heartbeat details. Ctrl-C stops watching;
 * the run goes on.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { PipelineProgress } from '../contracts';
import { progressQuery } from '../contracts/queries';
import type { CliClient } from './client';
import { workflowUiUrl } from './client';
import type { RunOutcome } from './outcome';
import { outcomeFromError, outcomeFromReport, outcomeJson, withCancelledReport } from './outcome';
import type { ProgressSnapshot } from './progress-view';
import { createProgressView, mergeProgress } from './progress-view';
import type { Pipeline } from './report-view';
import { renderReport } from './report-view';

export interface WatchOptions {
  json: boolean;
  /** Refresh period (default 1 s). */
  intervalMs?: number;
}

/** Exit code for "stopped watching with Ctrl-C" (the run itself goes on). */
export const DETACHED_EXIT_CODE = 130;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Query answer + heartbeat details of the run's pending activities, decoded with the client's data converter. */
export async function fetchProgress(
  c: CliClient,
  handle: WorkflowHandle,
): Promise<{ running: boolean; snapshot: ProgressSnapshot; queryError?: string }> {
  const desc = await handle.describe();
  const running = desc.status.name === 'RUNNING';
  const heartbeats: unknown[] = [];
  const retries: string[] = [];
  for (const pa of desc.raw.pendingActivities ?? []) {
    const payloads = pa.heartbeatDetails?.payloads;
    if (payloads?.length) {
      const [first] = await decodeArrayFromPayloads(c.client.options.loadedDataConverter, payloads);
      heartbeats.push(first);
    }
    if ((pa.attempt ?? 1) > 1) {
      const why = pa.lastFailure?.message ? `: ${pa.lastFailure.message}` : '';
      retries.push(`${pa.activityType?.name ?? 'activity'} attempt ${pa.attempt ?? '?'}${why}`);
    }
  }
  let query: PipelineProgress | undefined;
  let queryError: string | undefined;
  if (running) {
    try {
      query = await c.client.withDeadline(Date.now() + 3_000, () => handle.query(progressQuery));
    } catch (e) {
      queryError = (e as Error).message;
    }
  }
  const snapshot = mergeProgress(query, heartbeats);
  if (retries.length > 0) snapshot.retrying = retries.join('; ');
  return { running, snapshot, ...(queryError !== undefined && { queryError }) };
}

/**
 * Follows the run until it ends (returns its outcome) or the user presses Ctrl-C (returns
 * 'detached'). Progress goes to stdout, or to stderr with --json so stdout stays parseable.
 */
export async function watchRun(
  c: CliClient,
  workflowId: string,
  opts: WatchOptions,
  runId?: string,
): Promise<RunOutcome | 'detached'> {
  const handle = c.client.workflow.getHandle(workflowId, runId);
  const out = opts.json ? process.stderr : process.stdout;
  const view = createProgressView(out);
  let settled: RunOutcome | Error | undefined;
  // Aborted when the user stops watching, so the pending long poll does not hold the process.
  const abort = new AbortController();
  const result = c.client
    .withAbortSignal(abort.signal, () => handle.result())
    .then(
      (report) => {
        settled = outcomeFromReport(workflowId, report);
      },
      (err: unknown) => {
        settled = outcomeFromError(workflowId, err) ?? (err instanceof Error ? err : new Error(String(err)));
      },
    );
  let detached = false;
  const onSigint = () => {
    detached = true;
  };
  process.once('SIGINT', onSigint);
  let warnedNoWorker = false;
  let unanswered = 0;
  try {
    while (!settled && !detached) {
      try {
        const p = await fetchProgress(c, handle);
        if (settled) break;
        view.update(p.snapshot);
        unanswered = p.queryError ? unanswered + 1 : 0;
        // A few unanswered queries in a row (not one slow answer) before suggesting a missing worker.
        if (unanswered >= 3 && !warnedNoWorker && p.snapshot.phase === 'starting') {
          warnedNoWorker = true;
          view.message(
            `no answer to the progress query yet (${(p.queryError ?? '').split('\n')[0]}); is a worker running on task queue ` +
              `"${c.settings.taskQueue}"? Start one with \`audienceflow worker\`.`,
          );
        }
      } catch (e) {
        if (settled) break;
        view.message(`could not read progress: ${(e as Error).message.split('\n')[0]}`);
      }
      const until = Date.now() + (opts.intervalMs ?? 1_000);
      while (!settled && !detached && Date.now() < until) await sleep(100);
    }
    if (settled) {
      // The bar ends full; the report that follows has the final numbers.
      view.update({ phase: 'done' });
    }
  } finally {
    view.stop();
    process.removeListener('SIGINT', onSigint);
  }
  if (detached && !settled) {
    abort.abort();
    await result.catch(() => undefined);
    return 'detached';
  }
  await result;
  if (settled instanceof Error) throw settled;
  const outcome = settled as RunOutcome;
  return outcome.status === 'CANCELLED' ? withCancelledReport(outcome, (await handle.describe()).memo) : outcome;
}

/** Prints the outcome (report table, or JSON on stdout) and returns the exit code. */
export function printOutcome(o: RunOutcome, opts: { json: boolean; pipeline?: Pipeline }): number {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(outcomeJson(o), null, 2)}\n`);
    return o.exitCode;
  }
  if (o.report !== undefined) {
    process.stdout.write(`\n${renderReport(o.report, opts.pipeline)}\n`);
  } else {
    process.stdout.write(`\n${o.workflowId}: ${o.status}${o.message ? ` — ${o.message}` : ''}\n`);
  }
  return o.exitCode;
}

/** What to run next when not waiting (or after Ctrl-C). */
export function followHints(namespace: string, workflowId: string): string {
  return [
    `Temporal UI: ${workflowUiUrl(namespace, workflowId)}`,
    `Follow it:   audienceflow status ${workflowId}   (or: audienceflow status ${workflowId} --wait)`,
    `Cancel it:   audienceflow cancel ${workflowId}`,
  ].join('\n');
}

export function detachedMessage(namespace: string, workflowId: string): string {
  return `\nStopped watching; the run goes on (Ctrl-C does not cancel it).\n${followHints(namespace, workflowId)}\n`;
}
