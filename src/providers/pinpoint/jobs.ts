import {
  CreateExportJobCommand,
  CreateImportJobCommand,
  GetAppCommand,
  GetExportJobCommand,
  GetExportJobsCommand,
  GetImportJobCommand,
  GetImportJobsCommand,
} from '@aws-sdk/client-pinpoint';
import type { ExportJobResponse, ImportJobResponse, PinpointClient } from '@aws-sdk/client-pinpoint';
import type { JobKind } from '../../contracts';
import { isAtOrBelow } from '../../contracts';
import { sameLocation } from '../types';
import type { CallOptions, ExportJobSpec, ImportJobSpec, JobRef, ProviderAdapter, ProviderJob } from '../types';
import { classifyPinpointError } from './errors';
import type { CallContext } from './errors';
import { mapPinpointStatus } from './status';

/** Page size of GetExportJobs/GetImportJobs (the service's maximum is not documented; 100 is accepted). */
const LIST_PAGE_SIZE = 100;

type PinpointJobResponse = ExportJobResponse | ImportJobResponse;

export function toProviderJob(kind: JobKind, r: PinpointJobResponse): ProviderJob {
  const location =
    kind === 'EXPORT' ? (r as ExportJobResponse).Definition?.S3UrlPrefix : (r as ImportJobResponse).Definition?.S3Url;
  const failures = r.Failures ?? [];
  return {
    snapshot: {
      provider: 'pinpoint',
      kind,
      applicationId: r.ApplicationId ?? '',
      jobId: r.Id ?? '',
      state: mapPinpointStatus(r.JobStatus),
      rawStatus: r.JobStatus ?? 'UNKNOWN',
      counters: {
        totalPieces: r.TotalPieces,
        completedPieces: r.CompletedPieces,
        failedPieces: r.FailedPieces,
        totalProcessed: r.TotalProcessed,
        totalFailures: r.TotalFailures,
      },
      failureSampleCount: failures.length,
      createdAt: r.CreationDate,
      completedAt: r.CompletionDate,
      ...(kind === 'IMPORT' &&
        (r as ImportJobResponse).Definition?.SegmentId !== undefined && {
          segmentId: (r as ImportJobResponse).Definition?.SegmentId,
        }),
      ...(location !== undefined && location !== '' && { location }),
    },
    location: location ?? '',
    failures,
  };
}

/** Amazon Pinpoint import/export jobs behind the provider interface. Pinpoint has no cancel call. */
export class PinpointJobs implements ProviderAdapter {
  readonly name = 'pinpoint' as const;
  readonly canCancel = false;

  constructor(
    private readonly client: PinpointClient,
    private readonly region: string,
  ) {}

  private async call<T>(ctx: Omit<CallContext, 'region'>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyPinpointError(err, { ...ctx, region: this.region });
    }
  }

  async checkApplication(applicationId: string, opts: CallOptions = {}): Promise<void> {
    await this.call({ operation: 'get application', applicationId }, () =>
      this.client.send(new GetAppCommand({ ApplicationId: applicationId }), opts),
    );
  }

  async createExportJob(spec: ExportJobSpec, opts: CallOptions = {}): Promise<ProviderJob> {
    const out = await this.call(
      { operation: 'create export job', applicationId: spec.applicationId, kind: 'EXPORT', roleArn: spec.roleArn },
      () =>
        this.client.send(
          new CreateExportJobCommand({
            ApplicationId: spec.applicationId,
            ExportJobRequest: {
              S3UrlPrefix: spec.s3UrlPrefix,
              RoleArn: spec.roleArn,
              SegmentId: spec.segmentId,
              SegmentVersion: spec.segmentVersion,
            },
          }),
          opts,
        ),
    );
    return toProviderJob('EXPORT', required(out.ExportJobResponse, 'CreateExportJob'));
  }

  async createImportJob(spec: ImportJobSpec, opts: CallOptions = {}): Promise<ProviderJob> {
    const out = await this.call(
      { operation: 'create import job', applicationId: spec.applicationId, kind: 'IMPORT', roleArn: spec.roleArn },
      () =>
        this.client.send(
          new CreateImportJobCommand({
            ApplicationId: spec.applicationId,
            ImportJobRequest: {
              S3Url: spec.s3Url,
              RoleArn: spec.roleArn,
              Format: spec.format,
              RegisterEndpoints: spec.registerEndpoints,
              DefineSegment: spec.segmentName !== undefined,
              SegmentName: spec.segmentName,
              SegmentId: spec.segmentId,
            },
          }),
          opts,
        ),
    );
    return toProviderJob('IMPORT', required(out.ImportJobResponse, 'CreateImportJob'));
  }

  async getJob(ref: JobRef, opts: CallOptions = {}): Promise<ProviderJob> {
    const ctx = {
      operation: `get ${ref.kind.toLowerCase()} job`,
      applicationId: ref.applicationId,
      kind: ref.kind,
      jobId: ref.jobId,
    };
    if (ref.kind === 'EXPORT') {
      const out = await this.call(ctx, () =>
        this.client.send(new GetExportJobCommand({ ApplicationId: ref.applicationId, JobId: ref.jobId }), opts),
      );
      return toProviderJob('EXPORT', required(out.ExportJobResponse, 'GetExportJob'));
    }
    const out = await this.call(ctx, () =>
      this.client.send(new GetImportJobCommand({ ApplicationId: ref.applicationId, JobId: ref.jobId }), opts),
    );
    return toProviderJob('IMPORT', required(out.ImportJobResponse, 'GetImportJob'));
  }

  async *listJobs(kind: JobKind, applicationId: string, opts: CallOptions = {}): AsyncIterable<ProviderJob> {
    const ctx = { operation: `list ${kind.toLowerCase()} jobs`, applicationId, kind };
    let token: string | undefined;
    do {
      const page = { ApplicationId: applicationId, PageSize: String(LIST_PAGE_SIZE), Token: token };
      let items: PinpointJobResponse[];
      if (kind === 'EXPORT') {
        const out = await this.call(ctx, () => this.client.send(new GetExportJobsCommand(page), opts));
        items = out.ExportJobsResponse?.Item ?? [];
        token = out.ExportJobsResponse?.NextToken;
      } else {
        const out = await this.call(ctx, () => this.client.send(new GetImportJobsCommand(page), opts));
        items = out.ImportJobsResponse?.Item ?? [];
        token = out.ImportJobsResponse?.NextToken;
      }
      for (const item of items) yield toProviderJob(kind, item);
    } while (token);
  }

  async findJobByLocation(
    kind: JobKind,
    applicationId: string,
    location: string,
    opts: CallOptions & { atOrBelow?: boolean } = {},
  ): Promise<ProviderJob | undefined> {
    const matches = opts.atOrBelow ? isAtOrBelow : sameLocation;
    for await (const job of this.listJobs(kind, applicationId, { abortSignal: opts.abortSignal })) {
      if (matches(job.location, location)) return job;
    }
    return undefined;
  }
}

function required<T>(value: T | undefined, operation: string): T {
  if (value === undefined) throw new Error(`${operation} returned an empty body`);
  return value;
}
