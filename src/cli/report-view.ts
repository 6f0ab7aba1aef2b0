/** Human tables for pipeline reports (plain text, no ANSI; `--json` prints the report itself). */
import type { ExportReport, ImportReport, JobSnapshot, SyncReport } from '../contracts';
import type { ActivateSegmentReport } from '../contracts/aep-activate';
import type { ExportProfilesReport } from '../contracts/aep-export';
import { formatBytes, formatDuration } from './parse';

/** The pipelines runs belong to (the AudienceflowPipeline search attribute). */
export const PIPELINES = ['export', 'import', 'sync', 'activate'] as const;
export type Pipeline = (typeof PIPELINES)[number];

/** Columns padded to the widest cell; the header is underlined with dashes. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `key  value` lines with the keys aligned. */
export function renderFields(fields: [string, string | undefined][]): string {
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '');
  const w = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

const n = (v: number | undefined) => (v === undefined ? '-' : v.toLocaleString('en-US'));

function jobRows(jobs: JobSnapshot[]): string[][] {
  return jobs.map((j) => [
    j.kind.toLowerCase(),
    j.applicationId,
    j.jobId,
    `${j.state}${j.rawStatus && j.rawStatus !== j.state ? ` (${j.rawStatus})` : ''}`,
    j.counters.totalPieces === undefined ? '-' : `${n(j.counters.completedPieces ?? 0)}/${n(j.counters.totalPieces)}`,
    n(j.counters.totalProcessed),
    n(j.counters.totalFailures),
  ]);
}

const JOB_HEADER = ['job', 'application', 'id', 'status', 'pieces', 'processed', 'failures'];

function durations(d: Record<string, number>): string | undefined {
  const entries = Object.entries(d);
  return entries.length === 0 ? undefined : entries.map(([k, v]) => `${k} ${formatDuration(v)}`).join(', ');
}

export function detectPipeline(report: unknown): Pipeline | undefined {
  if (typeof report !== 'object' || report === null) return undefined;
  if ('aepJobId' in report && 'importJobs' in report) return 'activate';
  if ('objects' in report && 'outputUrl' in report) return 'export';
  if (isAepExportReport(report)) return 'export';
  if ('counts' in report && 'importJobs' in report) return 'sync';
  if ('jobs' in report && 'totals' in report) return 'import';
  return undefined;
}

function renderExportReport(r: ExportReport): string {
  const head = renderFields([
    ['status', r.status],
    ['message', r.message],
    ['workflow', `${r.workflowId} (run ${r.runId})`],
    ['output', r.outputUrl],
    ['objects', `${n(r.objects.length)} (${formatBytes(r.totalBytes)})`],
    ['local files', r.localFiles ? `${n(r.localFiles.length)}` : undefined],
    ['durations', durations(r.durationsMs)],
  ]);
  const parts = [head];
  if (r.job) parts.push(renderTable(JOB_HEADER, jobRows([r.job])));
  if (r.objects.length > 0) {
    const shown = r.objects.slice(0, 20);
    parts.push(
      renderTable(
        ['object', 'size'],
        shown.map((o) => [o.key, formatBytes(o.size)]),
      ),
    );
    if (r.objects.length > shown.length) parts.push(`… and ${n(r.objects.length - shown.length)} more objects`);
  }
  if (r.localFiles?.length) {
    const shown = r.localFiles.slice(0, 20);
    parts.push(
      renderTable(
        ['local file'],
        shown.map((f) => [f]),
      ),
    );
    if (r.localFiles.length > shown.length) parts.push(`… and ${n(r.localFiles.length - shown.length)} more files`);
  }
  return parts.join('\n\n');
}

function renderImportReport(r: ImportReport): string {
  const head = renderFields([
    ['status', r.status],
    ['message', r.message],
    ['workflow', `${r.workflowId} (run ${r.runId})`],
    ['rejected locally', n(r.totals.rejectedLocally)],
    ['uploaded', r.totals.uploaded === undefined ? undefined : n(r.totals.uploaded)],
    ['duplicate ids', r.totals.duplicateIds === undefined ? undefined : n(r.totals.duplicateIds)],
    ['processed', n(r.totals.processed)],
    ['failed', n(r.totals.failed)],
    ['failure report', r.reportLocation],
    ['durations', durations(r.durationsMs)],
  ]);
  return r.jobs.length > 0 ? `${head}\n\n${renderTable(JOB_HEADER, jobRows(r.jobs))}` : head;
}

function renderSyncReport(r: SyncReport): string {
  const c = r.counts;
  const head = renderFields([
    ['status', `${r.status}${r.dryRun ? ' (dry run: no import job created)' : ''}`],
    ['message', r.message],
    ['workflow', `${r.workflowId} (run ${r.runId})`],
    ['failure report', r.reportLocation],
    ['durations', durations(r.durationsMs)],
  ]);
  const counts = renderTable(
    ['exported', 'transformed', 'filtered', 'rejected', 'processed', 'failed'],
    [[n(c.exported), n(c.transformed), n(c.filtered), n(c.rejected), n(c.processed), n(c.failed)]],
  );
  const jobs = [...(r.exportJob ? [r.exportJob] : []), ...r.importJobs];
  return [head, counts, ...(jobs.length > 0 ? [renderTable(JOB_HEADER, jobRows(jobs))] : [])].join('\n\n');
}

/** An exportProfiles (AEP) report: batches downloaded into a folder. */
function isAepExportReport(report: object): report is ExportProfilesReport {
  return 'batches' in report && 'outputDir' in report;
}

function renderAepExportReport(r: ExportProfilesReport): string {
  const head = renderFields([
    ['status', r.status],
    ['message', r.message],
    ['workflow', `${r.workflowId} (run ${r.runId})`],
    ['AEP job', r.jobId || undefined],
    ['dataset', r.datasetId || undefined],
    ['downloaded to', r.outputDir],
    ['copied to', r.outputUrl && `${r.outputUrl} (${n(r.objects)} objects)`],
    ['durations', durations(r.durationsMs)],
  ]);
  if (r.batches.length === 0) return head;
  const rows = r.batches.map((b) => [b.batchId, b.segmentId ?? '-', n(b.files), formatBytes(b.bytes), n(b.records)]);
  return `${head}\n\n${renderTable(['batch', 'segment', 'files', 'size', 'profiles'], rows)}`;
}

function renderActivateReport(r: ActivateSegmentReport): string {
  const t = r.totals;
  const head = renderFields([
    ['status', `${r.status}${r.dryRun ? ' (dry run: no part written, no import job created)' : ''}`],
    ['message', r.message],
    ['workflow', `${r.workflowId} (run ${r.runId})`],
    ['AEP job', r.aepJobId || undefined],
    ['application', r.applicationId],
    ['rejected rows', t.rejectedRowsKey],
    ['durations', durations(r.durationsMs)],
  ]);
  const counts = renderTable(
    ['profiles', 'email', 'sms', 'no endpoint', 'rejected', 'imported', 'failed'],
    [
      [
        n(t.profiles),
        n(t.endpoints.EMAIL),
        n(t.endpoints.SMS),
        n(t.withoutEndpoint),
        n(t.rejected),
        n(r.imported.processed),
        n(r.imported.failed),
      ],
    ],
  );
  return [head, counts, ...(r.importJobs.length > 0 ? [renderTable(JOB_HEADER, jobRows(r.importJobs))] : [])].join(
    '\n\n',
  );
}

export function renderReport(report: unknown, pipeline?: Pipeline): string {
  switch (pipeline ?? detectPipeline(report)) {
    case 'export':
      if (typeof report === 'object' && report !== null && isAepExportReport(report))
        return renderAepExportReport(report);
      return renderExportReport(report as ExportReport);
    case 'import':
      return renderImportReport(report as ImportReport);
    case 'sync':
      return renderSyncReport(report as SyncReport);
    case 'activate':
      return renderActivateReport(report as ActivateSegmentReport);
    default:
      return JSON.stringify(report, null, 2);
  }
}
