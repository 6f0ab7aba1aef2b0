import { CancellationScope, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  jobStatusSignal,
  progressQuery,
  SA_APPLICATION_ID,
  SA_JOB_ID,
  SA_PIPELINE,
  SA_PROVIDER,
  SA_STATUS,
} from '../../src/contracts';
import type { Phase, PipelineProgress, PipelineStatus, ProviderName } from '../../src/contracts';

/**
 * What an operator sees of a running pipeline: the `progress` query, the live details in the Temporal UI
 * (setCurrentDetails), the search attributes, and the durations for the report — per phase, and per stage for the
 * pipelines that report stages (the sync). Counts and ids only.
 */
export class PipelineTracker {
  readonly progress: PipelineProgress;
  readonly durationsMs: Record<string, number> = {};
  /** Stage durations: each `stage(name)` closes the stage that began at the previous one (or at the first phase). */
  readonly stagesMs: Record<string, number> = {};
  private readonly startedAt = Date.now();
  private phaseStartedAt = Date.now();
  private stageStartedAt = Date.now();
  private cancelling = false;

  constructor(pipeline: PipelineProgress['pipeline'], meta: { provider: ProviderName; applicationIds: string[] }) {
    this.progress = { pipeline, phase: 'starting' };
    setHandler(progressQuery, () => this.progress, { description: 'Phase, job status and counts of this run' });
    setHandler(
      jobStatusSignal,
      (u) => {
        if (u.jobId !== this.progress.jobId || this.progress.outcome) return;
        this.progress.jobStatus = u.rawStatus;
        this.publish();
      },
      { description: "The wait activity's news of the job's status (for these details)" },
    );
    upsertSearchAttributes([
      { key: SA_PIPELINE, value: pipeline },
      { key: SA_PROVIDER, value: meta.provider },
      { key: SA_APPLICATION_ID, value: meta.applicationIds },
      { key: SA_STATUS, value: 'RUNNING' },
    ]);
    this.publish();
    // The details say so as soon as a cancel is requested, while the running activity is still being stopped.
    CancellationScope.current().cancelRequested.catch(() => {
      this.cancelling = true;
      this.publish();
    });
  }

  /** Enters a phase; the time spent in the previous one is added to durationsMs. */
  phase(phase: Phase, note?: string): void {
    if (this.progress.phase === 'starting') this.stageStartedAt = Date.now();
    this.closePhase();
    this.progress.phase = phase;
    this.progress.note = note;
    this.publish();
  }

  /** Ends the stage `name`: the time since the previous stage ended, or since the first phase began. */
  stage(name: string): void {
    const now = Date.now();
    this.stagesMs[name] = now - this.stageStartedAt;
    this.stageStartedAt = now;
  }

  update(patch: Partial<PipelineProgress>): void {
    Object.assign(this.progress, patch);
    this.publish();
  }

  jobIds(ids: string[]): void {
    upsertSearchAttributes([{ key: SA_JOB_ID, value: ids }]);
  }

  /** Final status: search attribute, details, and the total duration. */
  finish(status: PipelineStatus, note?: string): Record<string, number> {
    this.closePhase();
    this.progress.phase = 'done';
    this.progress.outcome = status;
    this.progress.note = note;
    this.durationsMs.total = Date.now() - this.startedAt;
    upsertSearchAttributes([{ key: SA_STATUS, value: status }]);
    this.publish();
    return this.durationsMs;
  }

  /** Keeps the final report for the `progress` query (answered for closed runs too while a worker runs). */
  settle<R>(report: R): R {
    this.progress.report = report;
    return report;
  }

  private closePhase(): void {
    const now = Date.now();
    const name = this.progress.phase;
    if (name !== 'starting' && name !== 'done')
      this.durationsMs[name] = (this.durationsMs[name] ?? 0) + now - this.phaseStartedAt;
    this.phaseStartedAt = now;
  }

  private publish(): void {
    const p = this.progress;
    const lines = [`**${p.pipeline}** — phase: **${p.phase}**`];
    // The job in focus, once, with its kind: "export job `1a2b…` PROCESSING" (notes never repeat its id). While a wait
    // activity polls it, the activity signals each new status (jobStatusSignal).
    if (p.jobId) lines.push(`${p.jobKind ? `${p.jobKind} ` : ''}job \`${p.jobId}\` ${p.jobStatus ?? '…'}`);
    if (p.pieces) lines.push(`pieces: ${p.pieces.completed}/${p.pieces.total}`);
    if (p.processed !== undefined) lines.push(`processed: ${p.processed}, failed: ${p.failed ?? 0}`);
    if (p.bytes) lines.push(`bytes: ${p.bytes.done}/${p.bytes.total}`);
    if (p.note && !p.outcome) lines.push(p.note);
    if (this.cancelling && !p.outcome) lines.push('**cancelling…** (stopping, then cleaning up)');
    if (p.outcome) lines.push(`**${p.outcome}**${p.note ? ` — ${p.note}` : ''}`);
    setCurrentDetails(lines.join('  \n'));
  }
}
