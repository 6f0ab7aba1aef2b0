import { CancellationScope } from '@temporalio/workflow';
import { formatS3Url } from '../src/contracts';
import type {
  ExportInput,
  ExportReport,
  ImportInput,
  ImportReport,
  JobSnapshot,
  S3ObjectRef,
  SyncReport,
} from '../src/contracts';
import { cleanup } from './helpers/activity-proxies';
import { endCancelled } from './helpers/outcome';

/*
 * The cancel paths of runs started before the cancel follow-up existed: the pipelines take them when
 * patched(CANCEL_FOLLOWUP_PATCH) is false, so a run already in flight (or a recorded history) replays the commands it
 * made. Remove once no such run is open.
 */

/** The export's cancel path of runs started before the cancel follow-up existed (replayed unchanged for those runs). */
export async function legacyExportCancel(
  err: unknown,
  input: ExportInput,
  job: JobSnapshot | undefined,
  out: { bucket: string; key: string },
  objects: S3ObjectRef[],
  baseKey: string,
  report: (status: ExportReport['status'], extra?: Partial<ExportReport>) => ExportReport,
): Promise<never> {
  const outputUrl = formatS3Url(out);
  const { removed, stopped } = await CancellationScope.nonCancellable(async () => ({
    stopped: job
      ? await cleanup.cancelJobs.executeWithOptions({ summary: `stop export job ${job.jobId} if the provider can` }, [
          {
            provider: input.provider,
            jobs: [{ kind: 'EXPORT', applicationId: input.applicationId, jobId: job.jobId }],
          },
        ])
      : [],
    removed: await cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run wrote' }, [
      {
        bucket: out.bucket,
        prefix: out.key,
        local: input.downloadDir
          ? { dir: input.downloadDir, prefix: baseKey, keys: objects.map((o) => o.key) }
          : undefined,
      },
    ]),
  }));
  const jobNote = !job
    ? 'No export job had been confirmed; one may still have been created and cannot be stopped (Pinpoint has no cancel operation).'
    : stopped.includes(job.jobId)
      ? `Export job ${job.jobId} was stopped.`
      : `Pinpoint export job ${job.jobId} cannot be stopped (Pinpoint has no cancel operation) and may still write under ${outputUrl}.`;
  endCancelled(
    err,
    report('CANCELLED', {
      objects: [],
      totalBytes: 0,
      message: `Cancelled. ${jobNote} Removed ${removed.deletedObjects} object(s) under ${outputUrl} and ${removed.deletedFiles} local file(s) of this run.`,
    }),
  );
}

/** The import's cancel path of runs started before the cancel follow-up existed (replayed unchanged for those runs). */
export async function legacyImportCancel(
  err: unknown,
  input: ImportInput,
  jobs: JobSnapshot[],
  staging: { bucket: string; key: string } | undefined,
  report: (status: ImportReport['status'], extra?: Partial<ImportReport>) => ImportReport,
): Promise<never> {
  const started = jobs.map((j) => j.jobId);
  const { removed, stopped } = await CancellationScope.nonCancellable(async () => ({
    stopped:
      started.length > 0
        ? await cleanup.cancelJobs.executeWithOptions({ summary: 'stop the started import jobs if the provider can' }, [
            {
              provider: input.provider,
              jobs: started.map((jobId) => ({
                kind: 'IMPORT' as const,
                applicationId: input.applicationId,
                jobId,
              })),
            },
          ])
        : [],
    removed: staging
      ? await cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run staged' }, [
          { bucket: staging.bucket, prefix: staging.key },
        ])
      : undefined,
  }));
  const running = started.filter((id) => !stopped.includes(id));
  const jobNote =
    started.length === 0
      ? 'No import job was started.'
      : running.length === 0
        ? `Import job(s) ${stopped.join(', ')} were stopped.`
        : `Pinpoint import job(s) ${running.join(', ')} cannot be stopped (Pinpoint has no cancel operation) and may still import rows.`;
  const cleaned = removed ? ` Removed ${removed.deletedObjects} staged object(s) under ${formatS3Url(staging!)}.` : '';
  endCancelled(
    err,
    report('CANCELLED', { message: `Cancelled; no new import job will be started. ${jobNote}${cleaned}` }),
  );
}

/** The sync's cancel path of runs started before the cancel follow-up existed (replayed unchanged for those runs). */
export async function legacySyncCancel(
  err: unknown,
  run: { bucket: string; key: string },
  exportJob: JobSnapshot | undefined,
  importJobs: JobSnapshot[],
  report: (status: SyncReport['status'], message?: string) => SyncReport,
): Promise<never> {
  const runUrl = formatS3Url(run);
  const removed = await CancellationScope.nonCancellable(() =>
    cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run wrote' }, [
      { bucket: run.bucket, prefix: run.key },
    ]),
  );
  const jobs = [exportJob, ...importJobs].filter((j) => j !== undefined);
  const jobNote =
    jobs.length > 0
      ? `Pinpoint job(s) ${jobs.map((j) => j.jobId).join(', ')} cannot be stopped (Pinpoint has no cancel operation) and may still finish` +
        (importJobs.length > 0
          ? ' — an import already started may still add endpoints to the target application'
          : '') +
        '.'
      : 'No Pinpoint job had been confirmed; one may still have been created and cannot be stopped (Pinpoint has no cancel operation).';
  endCancelled(
    err,
    report(
      'CANCELLED',
      `Cancelled. ${jobNote} Removed ${removed.deletedObjects} object(s) under ${runUrl} (exported pieces, parts, rejected rows).`,
    ),
  );
}
