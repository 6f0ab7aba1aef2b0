/**
 * The AEP adapter behind the provider-neutral interface (src/providers/types.ts): get, list and cancel
 * (DELETE) of profile export jobs, mapped onto the shared lifecycle. What AEP does not have — Pinpoint's
 * export spec (application, S3 prefix, role), endpoint import jobs, adoption by S3 location — fails with a
 * BadInput failure naming what to use instead. Creating an AEP export is the exportProfiles workflow's job
 * (dataset, filter, fingerprint adoption of a lost create).
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../contracts';
import type { JobKind, JobState } from '../../contracts';
import type { CallOptions, ExportJobSpec, ImportJobSpec, JobRef, ProviderAdapter, ProviderJob } from '../types';
import type { AepClient } from './index';
import type { AepExportJob, AepJobStatus } from './types';

const AEP_STATES: Record<AepJobStatus, JobState> = {
  NEW: 'NEW',
  PROCESSING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
};

/** The command that runs an AEP export (the one operation this provider offers). */
const AEP_EXPORT_COMMAND =
  'audienceflow export --provider aep --segment <id> (--dataset <id> | --create-dataset) --download-dir <dir>';

function unsupported(what: string, fix: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Adobe Experience Platform has no ${what}. Fix: ${fix}`, FailureType.BadInput);
}

function ms(v: number | undefined): string | undefined {
  return v === undefined ? undefined : new Date(v).toISOString();
}

/** An AEP export job as the neutral ProviderJob: ids and states only; error messages stay out (codes suffice). */
function toAepProviderJob(job: AepExportJob, sandbox: string): ProviderJob {
  return {
    snapshot: {
      provider: 'aep',
      kind: 'EXPORT',
      applicationId: sandbox,
      jobId: job.id,
      state: AEP_STATES[job.status],
      rawStatus: job.status,
      // AEP reports durations, not piece or record counters.
      counters: {},
      failureSampleCount: job.errors.length,
      createdAt: ms(job.creationTime),
      completedAt:
        job.status === 'NEW' || job.status === 'PROCESSING' ? undefined : ms(job.metrics.totalTime?.endTimeInMs),
    },
    location: '',
    output: { kind: 'batches', batches: job.batches.map((b) => ({ batchId: b.batchId, segmentId: b.segmentId })) },
    failures: job.errors.map((e) => e.code),
  };
}

export class AepJobs implements ProviderAdapter {
  readonly name = 'aep' as const;
  readonly canCancel = true;

  /** `client` is built on first use, so a worker without AEP_* variables fails only when an AEP call is made. */
  constructor(private readonly client: () => AepClient) {}

  createExportJob(_spec: ExportJobSpec, _opts?: CallOptions): Promise<ProviderJob> {
    return Promise.reject(
      unsupported(
        'endpoint export to an S3 prefix (application, S3 prefix, role are Pinpoint settings)',
        `export profiles of AEP segments with \`${AEP_EXPORT_COMMAND}\``,
      ),
    );
  }

  createImportJob(_spec: ImportJobSpec, _opts?: CallOptions): Promise<ProviderJob> {
    return Promise.reject(
      unsupported(
        'endpoint import jobs (audienceflow imports into Amazon Pinpoint only)',
        'import into a Pinpoint application with `audienceflow import --provider pinpoint --app <id> …`',
      ),
    );
  }

  async getJob(ref: JobRef, opts?: CallOptions): Promise<ProviderJob> {
    this.exportOnly(ref.kind);
    return toAepProviderJob(await this.client().jobs.get(ref.jobId, opts?.abortSignal), this.sandbox);
  }

  async *listJobs(kind: JobKind, _applicationId: string, opts?: CallOptions): AsyncIterable<ProviderJob> {
    this.exportOnly(kind);
    for await (const job of this.client().jobs.list({ signal: opts?.abortSignal })) {
      yield toAepProviderJob(job, this.sandbox);
    }
  }

  findJobByLocation(): Promise<ProviderJob | undefined> {
    return Promise.reject(
      unsupported(
        'job output location to find a job by (its jobs write to a dataset)',
        'the exportProfiles workflow finds its own job by request fingerprint; give the job id to find one',
      ),
    );
  }

  /** DELETE /export/jobs/{id}: 204 or 200 both mean accepted; a job already gone (404) counts as cancelled. */
  async cancelJob(ref: JobRef, opts?: CallOptions): Promise<void> {
    this.exportOnly(ref.kind);
    await this.client().jobs.cancel(ref.jobId, opts?.abortSignal);
  }

  /** The sandbox the client's settings select (AEP_SANDBOX): the job reference's container. */
  private get sandbox(): string {
    return this.client().http.settings.sandbox;
  }

  private exportOnly(kind: JobKind): void {
    if (kind !== 'EXPORT') {
      throw unsupported('import jobs', `AEP jobs are profile exports; look them up as EXPORT jobs`);
    }
  }
}
