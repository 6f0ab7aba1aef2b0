/**
 * The emulator's service logic, independent of HTTP: apps, endpoints, segments, jobs, counts,
 * persistence hooks. Routes translate requests into calls here.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { deleteEndpoint, indexEndpoint, upsertEndpoint } from './endpoint-store';
import type { UpsertContext } from './endpoint-store';
import { notFound } from './errors';
import type { Faults } from './faults';
import { noFaults } from './faults';
import { newId, nowIso } from './ids';
import type { EmulatorOptions, Pace } from './options';
import { DEFAULTS } from './options';
import type { MetaSnapshot } from './persistence';
import { Persistence } from './persistence';
import type { AppRecord, AppState, EmulatorState, JobKind, JobState, SegmentState } from './state';
import { newAppState } from './state';
import type { EndpointRecord } from '../formats';

export interface ResolvedOptions {
  pace: Pace;
  maxConcurrentImports: number;
  maxImportJobBytes: number;
  exportPieceSize: number;
  region: string;
  accountId: string;
}

export class EmulatorCore {
  readonly state: EmulatorState = { apps: new Map(), seq: 0 };
  faults: Faults = noFaults();
  readonly options: ResolvedOptions;
  readonly persistence?: Persistence;
  /** Set by the job engine: called when a job is created or must be resumed. */
  onJob: (app: AppState, job: JobState) => void = () => undefined;

  constructor(
    opts: EmulatorOptions,
    readonly s3: S3Client,
  ) {
    this.options = {
      pace: opts.pace ?? DEFAULTS.pace,
      maxConcurrentImports: opts.maxConcurrentImports ?? DEFAULTS.maxConcurrentImports,
      maxImportJobBytes: opts.maxImportJobBytes ?? DEFAULTS.maxImportJobBytes,
      exportPieceSize: opts.exportPieceSize ?? DEFAULTS.exportPieceSize,
      region: opts.region ?? opts.s3.region ?? 'us-east-1',
      accountId: opts.accountId ?? DEFAULTS.accountId,
    };
    if (opts.dataDir) this.persistence = new Persistence(opts.dataDir);
  }

  nextSeq(): number {
    return ++this.state.seq;
  }

  arn(resource: string): string {
    return `arn:aws:mobiletargeting:${this.options.region}:${this.options.accountId}:${resource}`;
  }

  // ---- persistence ------------------------------------------------------------------------

  snapshot(): MetaSnapshot {
    return {
      version: 1,
      seq: this.state.seq,
      apps: [...this.state.apps.values()].map((a) => ({
        app: a.app,
        segments: [...a.segments.values()].map((s) => ({
          response: s.response,
          hasMembers: s.members !== undefined,
          hasPrivate: s.privateEndpoints !== undefined,
        })),
        jobs: [...a.jobs.values()].map((j) => ({
          kind: j.kind,
          response: j.response,
          seq: j.seq,
          injectFailure: j.injectFailure,
          segmentVersion: j.segmentVersion,
        })),
      })),
    };
  }

  /** Records that apps, segments or jobs changed (coalesced atomic write of meta.json). */
  touchMeta(immediate = false): Promise<void> {
    return this.persistence?.saveMeta(() => this.snapshot(), immediate) ?? Promise.resolve();
  }

  async load(): Promise<JobState[]> {
    const p = this.persistence;
    if (!p) return [];
    p.lock();
    const meta = await p.readMeta();
    if (!meta) return [];
    this.state.seq = meta.seq;
    const resumable: JobState[] = [];
    for (const a of meta.apps) {
      const app = newAppState(a.app);
      this.state.apps.set(a.app.Id, app);
      await p.loadEndpoints(a.app.Id, app.endpoints);
      for (const [id, json] of app.endpoints) indexEndpoint(app, id, json);
      for (const s of a.segments) {
        const seg: SegmentState = { response: s.response };
        if (s.hasMembers) {
          seg.members = new Map();
          await p.loadSegmentMembers(s.response.Id, seg);
        }
        if (s.hasPrivate) seg.privateEndpoints ??= new Map();
        app.segments.set(s.response.Id, seg);
      }
      for (const j of a.jobs) {
        const job: JobState = { ...j };
        app.jobs.set(j.response.Id, job);
        if (!['COMPLETED', 'FAILED'].includes(job.response.JobStatus)) resumable.push(job);
      }
    }
    return resumable;
  }

  // ---- apps -------------------------------------------------------------------------------

  app(id: string): AppState {
    const app = this.state.apps.get(id);
    if (!app) throw notFound(`application ${id}`);
    return app;
  }

  createApp(name: string, tags?: Record<string, string>): AppRecord {
    const id = newId();
    const rec: AppRecord = { Id: id, Arn: this.arn(`apps/${id}`), Name: name, CreationDate: nowIso() };
    if (tags) rec.tags = tags;
    this.state.apps.set(id, newAppState(rec));
    void this.touchMeta();
    return rec;
  }

  async deleteApp(id: string): Promise<AppRecord> {
    const app = this.app(id);
    this.state.apps.delete(id);
    for (const job of app.jobs.values()) job.stalled = false;
    await this.persistence?.removeApp(id, [...app.segments.keys()]);
    await this.touchMeta(true);
    return app.app;
  }

  // ---- endpoints --------------------------------------------------------------------------

  upsert(app: AppState, id: string, req: EndpointRecord, ctx: UpsertContext): { json: string } | { reason: string } {
    const result = upsertEndpoint(app, id, req, ctx);
    if ('json' in result && (ctx.target === undefined || ctx.target === app.endpoints)) {
      this.persistence?.putEndpoint(app.app.Id, id, result.json);
    }
    return result;
  }

  removeEndpoint(app: AppState, id: string): string | undefined {
    const json = deleteEndpoint(app, id);
    if (json !== undefined) this.persistence?.deleteEndpoint(app.app.Id, id);
    return json;
  }

  async flushEndpoints(appId: string): Promise<void> {
    await this.persistence?.flushEndpoints(appId);
  }

  // ---- segments and jobs ------------------------------------------------------------------

  segment(app: AppState, id: string): SegmentState {
    const seg = app.segments.get(id);
    if (!seg) throw notFound(`segment ${id}`);
    return seg;
  }

  addJob(app: AppState, kind: JobKind, job: JobState): void {
    app.jobs.set(job.response.Id, job);
    void this.touchMeta();
    this.onJob(app, job);
  }

  job(app: AppState, kind: JobKind, id: string): JobState {
    const job = app.jobs.get(id);
    if (!job || job.kind !== kind) throw notFound(`${kind.toLowerCase()} job ${id}`);
    return job;
  }

  findJob(id: string): { app: AppState; job: JobState } | undefined {
    for (const app of this.state.apps.values()) {
      const job = app.jobs.get(id);
      if (job) return { app, job };
    }
    return undefined;
  }

  // ---- admin ------------------------------------------------------------------------------

  counts(): Record<string, unknown> {
    const apps: Record<string, unknown> = {};
    let endpoints = 0;
    let importJobs = 0;
    let exportJobs = 0;
    for (const [id, a] of this.state.apps) {
      const byStatus: Record<string, number> = {};
      let imports = 0;
      let exports = 0;
      for (const j of a.jobs.values()) {
        if (j.kind === 'IMPORT') imports++;
        else exports++;
        byStatus[j.response.JobStatus] = (byStatus[j.response.JobStatus] ?? 0) + 1;
      }
      endpoints += a.endpoints.size;
      importJobs += imports;
      exportJobs += exports;
      apps[id] = {
        name: a.app.Name,
        endpoints: a.endpoints.size,
        segments: a.segments.size,
        jobs: { import: imports, export: exports, total: imports + exports, byStatus },
      };
    }
    return { apps: this.state.apps.size, endpoints, importJobs, exportJobs, byApp: apps };
  }

  async reset(): Promise<void> {
    for (const app of this.state.apps.values()) for (const job of app.jobs.values()) job.stalled = false;
    this.state.apps.clear();
    this.faults = noFaults();
    if (this.persistence) {
      await this.persistence.wipe();
      await this.touchMeta(true);
    }
  }
}
