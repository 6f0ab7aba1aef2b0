import { workflowInfo } from '@temporalio/workflow';
import type { JobSnapshot, PollPolicy, ProviderName } from '../../src/contracts';
import type { ShortCalls } from '../helpers/activity-proxies';
import { resolvePollPolicy } from '../helpers/poll-policy';
import type { PipelineTracker } from '../helpers/tracker';

/**
 * The jobs a run started, in the order it started them, each as its latest snapshot: what the report, the failure
 * report, a timeout and a cancel work with. Every start is published in the job-id search attribute (its first
 * `idsInSearch` ids: a keyword list must stay small).
 */
class JobLedger {
  private readonly snapshots: JobSnapshot[] = [];

  constructor(
    private readonly tracker: PipelineTracker,
    private readonly idsInSearch = Infinity,
  ) {}

  get all(): JobSnapshot[] {
    return [...this.snapshots];
  }

  ofKind(kind: JobSnapshot['kind']): JobSnapshot[] {
    return this.snapshots.filter((j) => j.kind === kind);
  }

  /** Rows the jobs of `kind` processed and failed, by their latest snapshots. */
  counters(kind: JobSnapshot['kind']): { processed: number; failed: number } {
    const jobs = this.ofKind(kind);
    return {
      processed: jobs.reduce((n, j) => n + (j.counters.totalProcessed ?? 0), 0),
      failed: jobs.reduce((n, j) => n + (j.counters.totalFailures ?? 0), 0),
    };
  }

  started(job: JobSnapshot): void {
    this.snapshots.push(job);
    this.tracker.jobIds(this.snapshots.slice(0, this.idsInSearch).map((j) => j.jobId));
  }

  /** Replaces the snapshot a job started with by the one it ended with. */
  ended(started: JobSnapshot, done: JobSnapshot): void {
    this.snapshots[this.snapshots.indexOf(started)] = done;
  }

  /** Lists `these` (jobs of this run, e.g. in the order of their parts) last, in that order. */
  reorder(these: JobSnapshot[]): void {
    const others = this.snapshots.filter((j) => !these.includes(j));
    this.snapshots.splice(0, this.snapshots.length, ...others, ...these);
  }

  /** Takes the latest snapshots read after a cancel (by job id; jobs not among them keep theirs). */
  refresh(latest: JobSnapshot[]): void {
    for (const [i, j] of this.snapshots.entries()) this.snapshots[i] = latest.find((l) => l.jobId === j.jobId) ?? j;
  }
}

/**
 * What every step of a pipeline run works with: the run's ids, its provider and poll policy, the proxy its short calls
 * go through, its tracker and the jobs it started. Each pipeline's state extends it with its own fields.
 */
export interface PipelineRun {
  workflowId: string;
  runId: string;
  provider: ProviderName;
  poll: PollPolicy;
  shortCalls: ShortCalls;
  tracker: PipelineTracker;
  jobs: JobLedger;
}

export function pipelineRun(
  tracker: PipelineTracker,
  input: { provider: ProviderName; poll?: Partial<PollPolicy> },
  shortCalls: ShortCalls,
  idsInSearch?: number,
): PipelineRun {
  const { workflowId, runId } = workflowInfo();
  return {
    workflowId,
    runId,
    provider: input.provider,
    poll: resolvePollPolicy(input.poll),
    shortCalls,
    tracker,
    jobs: new JobLedger(tracker, idsInSearch),
  };
}
