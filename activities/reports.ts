import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import type { Readable } from 'node:stream';
import readline from 'node:readline';
import type { JobRef } from '../src/providers';
import type { ProviderName } from '../src/contracts';
import { providerFor } from '../src/providers';
import type { ActivityDeps } from './deps';
import { rethrowCancellation } from './support/cancellation';
import { openTextSink } from './support/report-sink';

export interface FailureReportInput {
  provider: ProviderName;
  applicationId: string;
  workflowId: string;
  runId: string;
  jobs: JobRef[];
  /** Our own rejected rows (NDJSON of {file, line, reason}) written by uploadLocalFiles. */
  rejectedRows?: { bucket: string; key: string };
  /** s3://bucket/key.json or an absolute local path on the worker's host. */
  location: string;
}

export interface FailureReportResult {
  location: string;
  providerFailures: number;
  rejectedRows: number;
}

/**
 * Writes the JSON failure report of an import: per job the provider's counters and its first-100 Failures, then every
 * row we rejected before upload. The report is the only place those strings (endpoint data) are kept; the workflow
 * history gets its location and counts.
 */
export function createReportActivities(deps: ActivityDeps) {
  return {
    async writeFailureReport(input: FailureReportInput): Promise<FailureReportResult> {
      const ctx = Context.current();
      const provider = providerFor(input.provider, { pinpoint: deps.pinpoint, region: deps.region });
      const sink = openTextSink(input.location, deps.s3);
      let providerFailures = 0;
      let rejectedRows = 0;
      try {
        const jobs = [];
        for (const ref of input.jobs) {
          const { snapshot, failures } = await provider.getJob(ref, { abortSignal: ctx.cancellationSignal });
          providerFailures += failures.length;
          jobs.push({
            jobId: snapshot.jobId,
            status: snapshot.rawStatus,
            state: snapshot.state,
            totalProcessed: snapshot.counters.totalProcessed ?? 0,
            totalFailures: snapshot.counters.totalFailures ?? 0,
            failures,
          });
        }
        const head = {
          notice: reportNotice(input.rejectedRows !== undefined, providerFailures > 0),
          workflowId: input.workflowId,
          runId: input.runId,
          provider: input.provider,
          applicationId: input.applicationId,
          generatedAt: new Date().toISOString(),
          jobs,
        };
        // Streamed: the rejected rows may be many; they are copied line by line from S3.
        // The notice is on the first line, so whoever opens the file (or `head -1` it) is told what it holds.
        const body = JSON.stringify(head, null, 2)
          .replace(/^\{\n\s*/, '{ ')
          .replace(/\n}$/, '');
        await sink.write(`${body},\n  "rejectedRows": [`);
        if (input.rejectedRows) {
          const out = await deps.s3.send(
            new GetObjectCommand({ Bucket: input.rejectedRows.bucket, Key: input.rejectedRows.key }),
            { abortSignal: ctx.cancellationSignal },
          );
          const lines = readline.createInterface({ input: out.Body as Readable, crlfDelay: Infinity });
          for await (const line of lines) {
            if (line.trim() === '') continue;
            await sink.write(`${rejectedRows === 0 ? '\n' : ',\n'}    ${line}`);
            rejectedRows++;
            if ((rejectedRows & 1023) === 0) ctx.heartbeat({ rejectedRows });
          }
        }
        await sink.write(
          `${rejectedRows > 0 ? '\n  ' : ''}],\n  "totals": ${JSON.stringify({ providerFailures, rejectedRows })}\n}\n`,
        );
        await sink.close();
        return { location: input.location, providerFailures, rejectedRows };
      } catch (err) {
        await sink.abort();
        rethrowCancellation(err);
      }
    },
  };
}

/** The failure report's first line: whether it holds endpoint data (rejected rows, the provider's failure strings). */
export function reportNotice(rejectedRows: boolean, providerFailures: boolean): string {
  if (!rejectedRows && !providerFailures) return 'This failure report holds no rejected row and no provider failure.';
  const what = [rejectedRows && 'rejected rows', providerFailures && "the provider's failure strings (if any)"].filter(
    Boolean,
  );
  return `This failure report holds ${what.join(' and ')}: endpoint data. Keep it private and delete it when no longer needed.`;
}
