import type { EndpointFileFormat, JobKind, JobSnapshot, ProviderName } from '../contracts';

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
  /** The S3 location the job reads (import) or writes (export). */
  location: string;
  failures: string[];
}

export interface CallOptions {
  abortSignal?: AbortSignal;
}

/**
 * One marketing platform's job API, mapped onto the shared lifecycle (contracts JobState).
 * Pinpoint implements it today; AEP (DELETE /export/jobs/{id} can cancel) is the next adapter.
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
  /** The job (if any) whose S3 location equals `location`: how a retried create adopts its own job. */
  findJobByLocation(
    kind: JobKind,
    applicationId: string,
    location: string,
    opts?: CallOptions,
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
