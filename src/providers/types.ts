import type { EndpointFileFormat, JobKind, JobOutput, JobSnapshot, ProviderName } from '../contracts';

/** What an export job is asked to do. `s3UrlPrefix` is unique to the workflow run (idempotency key). */
export interface ExportJobSpec {
  applicationId: string;
  s3UrlPrefix: string;
  roleArn: string;
  segmentId?: string;
  segmentVersion?: number;
}

/** What an import job is asked to do. `s3Url` is unique to the workflow run, or the user's own URL. */
export interface ImportJobSpec {
  applicationId: string;
  s3Url: string;
  roleArn: string;
  format: EndpointFileFormat;
  registerEndpoints?: boolean;
  /** Create a segment of the imported endpoints with this name. */
  segmentName?: string;
  /** Import into this existing segment (the one the first job of a split import defined). */
  segmentId?: string;
}

/**
 * How to find a job again: the provider's opaque job id and the container it lives in (`applicationId`: the
 * Pinpoint application; AEP: the sandbox, informational — the adapter's settings select it).
 */
export interface JobRef {
  kind: JobKind;
  applicationId: string;
  jobId: string;
}

/**
 * A job as the activities see it. `failures` are the provider's failure strings: endpoint data (PII),
 * so they go into reports on S3/disk and never into workflow history — only `snapshot` does.
 */
export interface ProviderJob {
  snapshot: JobSnapshot;
  /** The S3 location the job reads (import) or writes (export); '' when the provider has none (AEP). */
  location: string;
  /** Where a finished export's output is, when the provider says (S3 objects or batches behind its API). */
  output?: JobOutput;
  failures: string[];
}

export interface CallOptions {
  abortSignal?: AbortSignal;
}

/**
 * One marketing platform's job API, mapped onto the shared lifecycle (contracts JobState). Pinpoint (import and
 * export jobs, adopted by S3 location) and AEP (profile export jobs, cancelled with DELETE, found by request
 * fingerprint in the exportProfiles workflow) implement it; an operation a provider does not have throws a
 * non-retryable BadInput failure naming the command to use instead.
 * Every method throws errors already classified (ApplicationFailure: retryable or not).
 */
export interface ProviderAdapter {
  readonly name: ProviderName;
  /** Whether `cancelJob` can stop a remote job (Pinpoint: no). */
  readonly canCancel: boolean;
  createExportJob(spec: ExportJobSpec, opts?: CallOptions): Promise<ProviderJob>;
  createImportJob(spec: ImportJobSpec, opts?: CallOptions): Promise<ProviderJob>;
  getJob(ref: JobRef, opts?: CallOptions): Promise<ProviderJob>;
  /** Every job of the application, newest first, paging through the provider's list call. */
  listJobs(kind: JobKind, applicationId: string, opts?: CallOptions): AsyncIterable<ProviderJob>;
  /**
   * The newest job (if any) whose S3 location equals `location` — or, with `atOrBelow`, is `location` or a folder
   * below it (an export run's attempt folders): how a retried create adopts its own job.
   */
  findJobByLocation(
    kind: JobKind,
    applicationId: string,
    location: string,
    opts?: CallOptions & { atOrBelow?: boolean },
  ): Promise<ProviderJob | undefined>;
  /**
   * Stops a remote job (AEP: DELETE /export/jobs/{id}); present only when `canCancel`. Resolves once the provider has
   * accepted the cancel; throws a classified error when it refused (the run reports that, and cleans up regardless).
   */
  cancelJob?(ref: JobRef, opts?: CallOptions): Promise<void>;
  /**
   * A cheap call that fails (NotFound, non-retryable) when the application does not exist: an import checks it before
   * uploading anything. Optional: an adapter without it skips the check.
   */
  checkApplication?(applicationId: string, opts?: CallOptions): Promise<void>;
}

/** S3 locations compare equal regardless of a trailing slash. */
export function sameLocation(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
