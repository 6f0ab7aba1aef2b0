/**
 * What `--wait` shows while a pipeline runs: a live cli-progress bar on a terminal, plain
 * lines (no ANSI) otherwise. The snapshot merges the workflow's `progress` query with the
 * heartbeat details of its pending activities (fresher: the workflow only learns them when
 * the activity completes).
 */
import cliProgress from 'cli-progress';
import type { PipelineProgress, PollHeartbeat, TransferHeartbeat } from '../contracts';
import { formatBytes, formatDuration } from './parse';

export interface ProgressSnapshot {
  pipeline?: string;
  phase: string;
  jobId?: string;
  jobStatus?: string;
  pieces?: { completed: number; total: number };
  processed?: number;
  failed?: number;
  bytes?: { done: number; total: number };
  files?: { done: number; total: number };
  records?: number;
  note?: string;
  /** Pending activities the server is retrying (attempt > 1), with the last failure message. */
  retrying?: string;
}

function isPollHeartbeat(v: unknown): v is PollHeartbeat {
  return typeof v === 'object' && v !== null && 'jobId' in v && 'rawStatus' in v;
}

function isTransferHeartbeat(v: unknown): v is TransferHeartbeat {
  return typeof v === 'object' && v !== null && 'bytesDone' in v && 'bytesTotal' in v;
}

/** Merges the query answer with decoded heartbeat details (first value of each pending activity's details). */
export function mergeProgress(query: PipelineProgress | undefined, heartbeats: unknown[]): ProgressSnapshot {
  const s: ProgressSnapshot = { phase: query?.phase ?? 'starting' };
  if (query) {
    s.pipeline = query.pipeline;
    if (query.jobId !== undefined) s.jobId = query.jobId;
    if (query.jobStatus !== undefined) s.jobStatus = query.jobStatus;
    if (query.pieces) s.pieces = { ...query.pieces };
    if (query.processed !== undefined) s.processed = query.processed;
    if (query.failed !== undefined) s.failed = query.failed;
    if (query.bytes) s.bytes = { ...query.bytes };
    if (query.note !== undefined) s.note = query.note;
  }
  let transfer:
    { bytesDone: number; bytesTotal: number; filesDone: number; filesTotal: number; records: number } | undefined;
  for (const hb of heartbeats) {
    if (isPollHeartbeat(hb)) {
      s.jobId = hb.jobId;
      s.jobStatus = hb.rawStatus;
      const c = hb.counters ?? {};
      if (c.totalPieces !== undefined) s.pieces = { completed: c.completedPieces ?? 0, total: c.totalPieces };
      if (c.totalProcessed !== undefined) s.processed = c.totalProcessed;
      if (c.totalFailures !== undefined) s.failed = c.totalFailures;
    } else if (isTransferHeartbeat(hb)) {
      // Several byte-moving activities may run at once (parallel transfers): add them up.
      transfer ??= { bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0, records: 0 };
      transfer.bytesDone += hb.bytesDone;
      transfer.bytesTotal += hb.bytesTotal;
      transfer.filesDone += hb.filesDone;
      transfer.filesTotal += hb.filesTotal;
      transfer.records += hb.records ?? 0;
    }
  }
  if (transfer) {
    // The workflow's own byte count covers finished pieces; prefer it when it is ahead.
    if (!s.bytes || s.bytes.total < transfer.bytesTotal)
      s.bytes = { done: transfer.bytesDone, total: transfer.bytesTotal };
    if (transfer.filesTotal > 0) s.files = { done: transfer.filesDone, total: transfer.filesTotal };
    if (transfer.records > 0) s.records = transfer.records;
  }
  return s;
}

/** 0..1 when the work ahead is known (bytes, then pieces), else undefined. */
export function progressFraction(s: ProgressSnapshot): number | undefined {
  if (s.phase === 'done') return 1;
  if (s.bytes && s.bytes.total > 0) return Math.min(1, s.bytes.done / s.bytes.total);
  if (s.pieces && s.pieces.total > 0) return Math.min(1, s.pieces.completed / s.pieces.total);
  return undefined;
}

const n = (v: number) => v.toLocaleString('en-US');

/** One line: `waiting · job abc IN_PROGRESS · pieces 2/4 · processed 1,200 · failed 3 · 1.2 MB / 4.0 MB`. */
export function formatProgressLine(s: ProgressSnapshot): string {
  const parts = [s.phase];
  if (s.jobId !== undefined || s.jobStatus !== undefined) {
    parts.push(`job ${s.jobId ?? '?'}${s.jobStatus ? ` ${s.jobStatus}` : ''}`);
  }
  if (s.pieces) parts.push(`pieces ${n(s.pieces.completed)}/${n(s.pieces.total)}`);
  if (s.files && s.files.total > 0) parts.push(`files ${n(s.files.done)}/${n(s.files.total)}`);
  if (s.records !== undefined) parts.push(`records ${n(s.records)}`);
  if (s.processed !== undefined) parts.push(`processed ${n(s.processed)}`);
  if (s.failed !== undefined) parts.push(`failed ${n(s.failed)}`);
  if (s.bytes) parts.push(`${formatBytes(s.bytes.done)} / ${formatBytes(s.bytes.total)}`);
  if (s.note) parts.push(s.note);
  if (s.retrying) parts.push(`retrying: ${s.retrying}`);
  return parts.join(' · ');
}

export interface ProgressView {
  update(s: ProgressSnapshot): void;
  /** A message between updates (e.g. "worker not polling yet"). */
  message(text: string): void;
  stop(): void;
}

/** Plain lines, printed only when something changed, prefixed with the elapsed time. */
export class PlainProgressView implements ProgressView {
  private last = '';
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WritableStream) {}

  update(s: ProgressSnapshot): void {
    const line = formatProgressLine(s);
    if (line === this.last) return;
    this.last = line;
    this.out.write(`[${formatDuration(Date.now() - this.started)}] ${line}\n`);
  }

  message(text: string): void {
    this.out.write(`${text}\n`);
  }

  stop(): void {
    /* nothing to clean up */
  }
}

/** A live bar on a terminal. The bar shows the known fraction; the line after it says the rest. */
export class BarProgressView implements ProgressView {
  private readonly bar: cliProgress.SingleBar;
  private started = false;

  constructor(private readonly out: NodeJS.WritableStream) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: out,
        format: '{bar} {pct} | {duration_formatted} | {line}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        linewrap: false,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(s: ProgressSnapshot): void {
    const f = progressFraction(s);
    const payload = {
      pct: f === undefined ? ' --%' : `${String(Math.floor(f * 100)).padStart(3)}%`,
      line: formatProgressLine(s),
    };
    const value = Math.round((f ?? 0) * 1000);
    if (!this.started) {
      this.bar.start(1000, value, payload);
      this.started = true;
    } else {
      this.bar.update(value, payload);
    }
  }

  message(text: string): void {
    // cli-progress redraws on the next tick; write above it on a fresh line.
    if (this.started) this.bar.stop();
    this.started = false;
    this.out.write(`${text}\n`);
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}

/** A bar when `out` is a terminal, plain lines otherwise. */
export function createProgressView(out: NodeJS.WritableStream & { isTTY?: boolean }): ProgressView {
  return out.isTTY ? new BarProgressView(out) : new PlainProgressView(out);
}
