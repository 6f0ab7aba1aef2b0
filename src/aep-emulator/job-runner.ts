/**
 * Runs export jobs on the configured pace: NEW → PROCESSING → (profiles selected and written as
 * Parquet into the store) → SUCCEEDED, or FAILED with `errors[]`. A stalled job waits in PROCESSING
 * until released; a DELETEd job becomes CANCELLED, stops, and whatever it wrote is removed.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Faults } from './faults';
import { takeJobFault } from './faults';
import type { FileStore } from './file-store';
import { deriveFields, writeProfilesParquet } from './parquet-out';
import { parseFields, project, selectProfiles } from './select-profiles';
import type { AepState, DataSetFile, ExportJob, JobBatch } from './state';

export interface RunnerSettings {
  stepDelayMs: number;
  rowsPerFile: number;
  filesPerDataSetFile: number;
}

interface Running {
  stalled: boolean;
  wake: () => void;
  done: Promise<void>;
}

const FAILED_CODE = '0090000009';

export class JobRunner {
  private running = new Map<number, Running>();
  private closed = false;

  constructor(
    private state: AepState,
    private readonly store: FileStore,
    private readonly faults: () => Faults,
    private readonly settings: () => RunnerSettings,
  ) {}

  start(job: ExportJob): void {
    const entry: Running = {
      stalled: takeJobFault(this.faults(), 'stallNextJobs'),
      wake: () => {},
      done: Promise.resolve(),
    };
    const fail = takeJobFault(this.faults(), 'failNextJobs');
    this.running.set(job.id, entry);
    entry.done = this.run(job, entry, fail)
      .catch((err: unknown) => {
        if (isActive(job)) this.finish(job, 'FAILED', `internal error (${(err as Error).name})`);
      })
      .finally(() => this.running.delete(job.id));
  }

  /** After a reset: jobs from now on read the new state. */
  rebind(state: AepState): void {
    this.state = state;
  }

  /** Holds a running job in PROCESSING; false when the job is not running. */
  stall(jobId: number): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.stalled = true;
    return true;
  }

  release(jobId: number): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.stalled = false;
    r.wake();
    return true;
  }

  /** DELETE of a NEW or PROCESSING job: CANCELLED now; the run stops at its next step and removes its files. */
  cancel(job: ExportJob): void {
    job.status = 'CANCELLED';
    job.updateTime = Date.now();
    job.metrics.totalTime.endTimeInMs = job.updateTime;
    job.metrics.totalTime.totalTimeInMs = job.updateTime - job.creationTime;
    this.running.get(job.id)?.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.running.values()];
    for (const r of all) r.wake();
    await Promise.all(all.map((r) => r.done));
  }

  /** Waits one pace step (or until woken); then, while stalled, until released. */
  private async step(job: ExportJob, r: Running, holdWhileStalled: boolean): Promise<boolean> {
    const ms = this.settings().stepDelayMs;
    const woken = new Promise<void>((resolve) => (r.wake = resolve));
    await Promise.race([ms > 0 ? sleep(ms) : Promise.resolve(), woken]);
    while (holdWhileStalled && r.stalled && isActive(job) && !this.closed) {
      await new Promise<void>((resolve) => (r.wake = resolve));
    }
    return isActive(job) && !this.closed;
  }

  private async run(job: ExportJob, r: Running, fail: boolean): Promise<void> {
    if (!(await this.step(job, r, false))) return;
    job.status = 'PROCESSING';
    job.updateTime = Date.now();
    job.metrics.profileExportTime.startTimeInMs = job.updateTime;
    job.computeGatewayJobId = { exportJob: randomUUID(), pushJob: randomUUID() };
    if (!(await this.step(job, r, true))) return;
    if (fail) return this.finish(job, 'FAILED', 'Error in Export Job');
    const unknown = (job.request.filter?.segments ?? []).find((s) => !this.state.segments.has(s.segmentId));
    if (unknown) return this.finish(job, 'FAILED', `Segment definition ${unknown.segmentId} not found`);
    const written = await this.writeBatches(job);
    if (!isActive(job) || this.closed) {
      await Promise.all(job.batches.map((b) => this.store.removePrefix(`${b.batchId}/`)));
      return;
    }
    if (!(await this.step(job, r, true))) {
      await Promise.all(job.batches.map((b) => this.store.removePrefix(`${b.batchId}/`)));
      return;
    }
    for (const f of written) this.state.dataSetFiles.set(f.dataSetFileId, f);
    for (const b of job.batches) {
      const batch = this.state.batches.get(b.batchId);
      if (batch) batch.dataSetFileIds = written.filter((f) => f.batchId === b.batchId).map((f) => f.dataSetFileId);
    }
    this.finish(job, 'SUCCEEDED');
  }

  private async writeBatches(job: ExportJob): Promise<DataSetFile[]> {
    const now = Date.now();
    job.metrics.profileExportTime.endTimeInMs = now;
    job.metrics.profileExportTime.totalTimeInMs = now - (job.metrics.profileExportTime.startTimeInMs ?? now);
    job.metrics.aCPDatasetWriteTime.startTimeInMs = now;
    const paths = parseFields(job.request.fields);
    const fields = deriveFields([...this.state.profiles.values()].map((p) => project(p, paths)));
    const out: DataSetFile[] = [];
    for (const batch of job.batches) out.push(...(await this.writeBatch(job, batch, paths, fields)));
    const end = Date.now();
    job.metrics.aCPDatasetWriteTime.endTimeInMs = end;
    job.metrics.aCPDatasetWriteTime.totalTimeInMs = end - now;
    return out;
  }

  private async writeBatch(
    job: ExportJob,
    batch: JobBatch,
    paths: string[][] | undefined,
    fields: ReturnType<typeof deriveFields>,
  ): Promise<DataSetFile[]> {
    const { rowsPerFile, filesPerDataSetFile } = this.settings();
    const segments = batch.segment ? [batch.segment] : job.request.filter?.segments;
    const rows = selectProfiles(this.state.profiles.values(), this.state.seededAt, job.request.filter, segments).map(
      (p) => project(p, paths),
    );
    const out: DataSetFile[] = [];
    for (let i = 0, part = 0; i < rows.length; i += rowsPerFile, part++) {
      if (part % filesPerDataSetFile === 0) {
        out.push({
          dataSetFileId: `${randomUUID()}-${out.length + 1}`,
          batchId: batch.batchId,
          datasetId: job.request.datasetId,
          created: Date.now(),
          files: [],
        });
      }
      const current = out[out.length - 1] as DataSetFile;
      const chunk = rows.slice(i, i + rowsPerFile);
      const bytes = writeProfilesParquet(chunk, fields);
      const name = `part-${String(part).padStart(5, '0')}-${randomUUID()}-c000.snappy.parquet`;
      await this.store.put(`${batch.batchId}/${current.dataSetFileId}/${name}`, bytes);
      current.files.push({ name, length: bytes.length, records: chunk.length });
      if (!isActive(job) || this.closed) break;
    }
    return out;
  }

  private finish(job: ExportJob, status: 'SUCCEEDED' | 'FAILED', failure?: string): void {
    job.status = status;
    job.updateTime = Date.now();
    job.metrics.totalTime.endTimeInMs = job.updateTime;
    job.metrics.totalTime.totalTimeInMs = job.updateTime - job.creationTime;
    if (status === 'FAILED') {
      job.errors = [{ code: FAILED_CODE, msg: failure ?? 'Error in Export Job', callStack: 'emulator export job' }];
      for (const b of job.batches) b.batchId = '';
    }
  }
}

export function isActive(job: ExportJob): boolean {
  return job.status === 'NEW' || job.status === 'PROCESSING';
}
