import type { PipelineRun } from './run-state';

interface FailureReportSpec {
  /** The activity's summary. */
  summary: string;
  applicationId: string;
  /** s3://bucket/key.json or an absolute path on the worker's host. */
  location: string;
  /** Our own rejected rows (NDJSON of {file, line, reason}), when the run staged local files. */
  rejectedRows?: { bucket: string; key: string };
}

/**
 * writeFailureReport: one JSON document of the run's import jobs' failures (the provider's) and the rows the run
 * rejected itself — written by an activity, never into history. Returns where it was written.
 */
export async function writeFailureReport(run: PipelineRun, spec: FailureReportSpec): Promise<string> {
  const written = await run.shortCalls.writeFailureReport.executeWithOptions({ summary: spec.summary }, [
    {
      provider: run.provider,
      applicationId: spec.applicationId,
      workflowId: run.workflowId,
      runId: run.runId,
      jobs: run.jobs.ofKind('IMPORT').map((j) => ({ kind: j.kind, applicationId: j.applicationId, jobId: j.jobId })),
      rejectedRows: spec.rejectedRows,
      location: spec.location,
    },
  ]);
  return written.location;
}
