/**
 * Runs jobs through Pinpoint's statuses at the chosen pace:
 * CREATED → (PENDING_JOB while the account's import slots are taken) → INITIALIZING → PROCESSING →
 * COMPLETING → COMPLETED, or FAILING → FAILED when a piece could not be processed.
 * Fault injection (fail, stall) and resume after restart live here too.
 */
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorCore } from './core';
import { commitImport, planImport, runImportPieces } from './import-job';
import type { ImportPlan } from './import-job';
import { addFailure, initCounters } from './job-progress';
import { planExport, runExportPieces } from './export-job';
import type { ExportPlan } from './export-job';
import { stepDelayMs } from './options';
import type { AppState, JobState } from './state';
import type { JobStatus } from '@aws-sdk/client-pinpoint';

class Gone extends Error {}

export class JobEngine {
  private activeImports = 0;
  private waiting: Array<() => void> = [];
  private running = new Set<Promise<void>>();
  private abort = new AbortController();
  private releases = new Map<string, () => void>();

  constructor(private readonly core: EmulatorCore) {
    core.onJob = (app, job) => this.start(app, job);
  }

  start(app: AppState, job: JobState): void {
    const p: Promise<void> = this.run(app, job)
      .catch((err: unknown) => {
        if (err instanceof Gone || this.abort.signal.aborted) return;
        // A bug or an unexpected error: the job fails visibly instead of hanging.
        addFailure(job, `internal error of the emulator: ${(err as Error).message}`);
        this.setStatus(job, 'FAILED');
        job.response.CompletionDate = new Date().toISOString();
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Lets a stalled job continue. */
  release(jobId: string): boolean {
    const found = this.core.findJob(jobId);
    if (!found) return false;
    found.job.stalled = false;
    this.releases.get(jobId)?.();
    return true;
  }

  stall(jobId: string): boolean {
    const found = this.core.findJob(jobId);
    if (!found) return false;
    found.job.stalled = true;
    return true;
  }

  /** Wakes every waiting job so jobs of deleted apps (reset, DeleteApp) end instead of waiting forever. */
  wakeAll(): void {
    for (const r of [...this.releases.values()]) r();
    for (const w of this.waiting.splice(0)) w();
  }

  async close(): Promise<void> {
    this.abort.abort(new Gone('emulator closing'));
    for (const r of this.releases.values()) r();
    for (const w of this.waiting) w();
    await Promise.allSettled([...this.running]);
  }

  private setStatus(job: JobState, status: JobStatus): void {
    job.response.JobStatus = status;
    void this.core.touchMeta();
  }

  private alive(app: AppState, job: JobState): void {
    if (this.abort.signal.aborted) throw new Gone('closing');
    if (this.core.state.apps.get(app.app.Id) !== app || app.jobs.get(job.response.Id) !== job) {
      throw new Gone('the app or job was deleted');
    }
  }

  private async step(app: AppState, job: JobState, status: JobStatus): Promise<void> {
    const ms = stepDelayMs(this.core.options.pace);
    if (ms > 0) await sleep(ms, undefined, { signal: this.abort.signal });
    else await yieldToLoop();
    this.alive(app, job);
    this.setStatus(job, status);
  }

  private async acquireImportSlot(app: AppState, job: JobState): Promise<void> {
    while (this.activeImports >= this.core.options.maxConcurrentImports) {
      if (job.response.JobStatus !== 'PENDING_JOB') this.setStatus(job, 'PENDING_JOB');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.alive(app, job);
    }
    this.activeImports++;
  }

  private releaseImportSlot(): void {
    this.activeImports--;
    this.waiting.shift()?.();
  }

  private async waitWhileStalled(app: AppState, job: JobState): Promise<void> {
    while (job.stalled) {
      await new Promise<void>((resolve) => this.releases.set(job.response.Id, resolve));
      this.releases.delete(job.response.Id);
      this.alive(app, job);
    }
  }

  private async run(app: AppState, job: JobState): Promise<void> {
    const signal = this.abort.signal;
    const isImport = job.kind === 'IMPORT';
    if (isImport) await this.acquireImportSlot(app, job);
    try {
      await this.step(app, job, 'INITIALIZING');
      let plan: ImportPlan | ExportPlan | undefined;
      if (isImport) plan = await planImport(this.core, job, signal);
      else plan = planExport(this.core, app, job);
      this.alive(app, job);
      await this.step(app, job, 'PROCESSING');
      await this.waitWhileStalled(app, job);
      if (plan && job.injectFailure) {
        initCounters(job, job.response.TotalPieces ?? 1);
        job.response.FailedPieces = job.response.TotalPieces;
        addFailure(job, 'the job failed: injected by the emulator (failNextJobs fault)');
        plan = undefined;
      }
      if (plan && isImport) await runImportPieces(this.core, app, job, plan as ImportPlan, signal);
      else if (plan) await runExportPieces(this.core, job, plan as ExportPlan, signal);
      this.alive(app, job);
      const failed = !plan || (job.response.FailedPieces ?? 0) > 0;
      await this.step(app, job, failed ? 'FAILING' : 'COMPLETING');
      if (isImport) await commitImport(this.core, app, job);
      await this.step(app, job, failed ? 'FAILED' : 'COMPLETED');
      job.response.CompletionDate = new Date().toISOString();
      await this.core.touchMeta();
    } finally {
      if (isImport) this.releaseImportSlot();
    }
  }
}
