/**
 * A LineRunner that processes one large input in several worker threads at once. This thread
 * gunzips (zlib works on libuv's pool), cuts the text into runs of whole lines (line-aligner.ts) and
 * hands each run to the least busy thread; the answers are put back in input order, their rejected
 * lines renumbered and their output cut into parts here (part-cutter.ts), so the result is the
 * same, byte for byte, as one LineProcessor's over the whole input.
 *
 * Any run of whole lines stands on its own for an exported piece and an NDJSON file; a CSV file's lines do once its
 * header is known: the header is found here (csv-header-finder.ts) and every thread is set up with it.
 */
import type { Gunzip } from 'node:zlib';
import { LINE_TOO_LONG } from '../formats/lines';
import type { ChunkOutput } from './chunk-output';
import { mergeOutputs } from './chunk-output';
import { CsvHeaderFinder } from './csv-header-finder';
import type { HeaderSearch } from './csv-header-finder';
import { gunzipEnd, gunzipWrite, openGunzip } from './gunzip';
import { LineAligner } from './line-aligner';
import type { AlignedChunk } from './line-aligner';
import type { LineFeederConfig } from './line-feeder';
import type { LineRunner } from './line-runner';
import { acquireLineThread, releaseLineThread } from './line-threads';
import type { LineThread } from './line-threads';
import { PartCutter } from './part-cutter';

/** The answer for a line too long to buffer: one record read and rejected (the export-piece codec's rule). */
function tooLongAnswer(): ChunkOutput {
  return {
    blocks: [],
    rejected: [{ line: 1, reason: LINE_TOO_LONG }],
    counts: { read: 1, written: 0, filtered: 0, rejected: 1 },
    lines: 1,
  };
}

/** The answer for lines that held no record (blank lines before a CSV header, the header) or a bad CSV header. */
function headerAnswer(found: HeaderSearch): ChunkOutput {
  const out: ChunkOutput = {
    blocks: [],
    rejected: [],
    counts: { read: 0, written: 0, filtered: 0, rejected: 0 },
    lines: found.lines,
  };
  if (found.kind === 'error') {
    out.rejected.push({ line: found.line, reason: found.reason });
    out.counts.rejected = 1;
    out.stopped = true;
  }
  return out;
}

export function parallelRunner(config: LineFeederConfig, threadCount: number): LineRunner {
  // The threads neither gunzip nor cut parts: this thread does both, in input order.
  const threadConfig: LineFeederConfig = {
    ...config,
    gzipped: false,
    maxPartBytes: Number.MAX_SAFE_INTEGER,
    partBefore: undefined,
  };
  const codec = config.codec;
  /** Until a CSV file's header is found, lines are looked at here; the threads start once it is known. */
  let headerFinder = codec.kind === 'endpoint-file' && codec.format === 'CSV' ? new CsvHeaderFinder() : undefined;
  /** The input cannot be read any further (a bad CSV header): later lines are dropped. */
  let stopped = false;
  let threads: LineThread[] = [];
  const startThreads = (csvHeader?: string) => {
    const cfg = csvHeader === undefined ? threadConfig : { ...threadConfig, codec: { ...codec, csvHeader } };
    threads = Array.from({ length: threadCount }, () => acquireLineThread(cfg));
  };
  if (!headerFinder) startThreads();
  let finished = false;
  let closed = false;
  const aligner = new LineAligner();
  const cutter = new PartCutter(config.maxPartBytes, config.partBefore);
  let lineOffset = 0;
  let failure: Error | undefined;
  /** Answers to the runs handed out since the last push or end collected them, in input order. */
  let started: Promise<ChunkOutput>[] = [];
  const findHeader = (chunk: AlignedChunk): Buffer | undefined => {
    const found = chunk.kind === 'too-long' ? headerFinder!.tooLong() : headerFinder!.look(chunk.bytes);
    started.push(Promise.resolve(headerAnswer(found)));
    if (found.kind === 'error') stopped = true;
    if (found.kind !== 'header') {
      if (chunk.kind === 'lines') aligner.recycle(chunk.bytes);
      return undefined;
    }
    headerFinder = undefined;
    startThreads(found.text);
    return found.rest;
  };
  const dispatch = (chunk: AlignedChunk) => {
    if (stopped) {
      if (chunk.kind === 'lines') aligner.recycle(chunk.bytes);
      return;
    }
    if (headerFinder) {
      const rest = findHeader(chunk);
      if (!rest) return;
      chunk = { kind: 'lines', bytes: rest };
    }
    if (chunk.kind === 'too-long') {
      started.push(Promise.resolve(tooLongAnswer()));
      return;
    }
    const thread = threads.reduce((a, b) => (b.pending < a.pending ? b : a));
    const answer = thread.send({ lines: chunk.bytes }, [chunk.bytes.buffer as ArrayBuffer]);
    answer.catch(() => undefined); // awaited in order by collect
    started.push(answer);
  };

  let gunzip: Gunzip | undefined;
  if (config.gzipped) {
    gunzip = openGunzip(
      config.gunzipChunkBytes,
      (data) => aligner.push(data, dispatch),
      (err) => (failure ??= err),
    );
  }

  /** Puts the answers back in order: renumbers their lines, recycles their input, cuts their output into parts. */
  let ordered: Promise<unknown> = Promise.resolve();
  const collect = (): Promise<ChunkOutput> => {
    const answers = started;
    started = [];
    const result = ordered.then(async () => {
      const outs = await Promise.all(answers);
      for (const out of outs) {
        if (out.spent) aligner.recycle(out.spent);
        for (const r of out.rejected) r.line += lineOffset;
        if (out.ids) for (let i = 0; i < out.ids.lines.length; i++) out.ids.lines[i]! += lineOffset;
        lineOffset += out.lines ?? 0;
        out.blocks = out.blocks.flatMap((b) => cutter.cut(b));
        delete out.spent;
        delete out.lines;
      }
      return mergeOutputs(outs);
    });
    ordered = result.catch(() => undefined);
    return result;
  };

  const push = async (chunk: Uint8Array): Promise<ChunkOutput> => {
    if (!gunzip) {
      aligner.push(chunk, dispatch);
    } else if (!failure) {
      await gunzipWrite(gunzip, chunk);
    }
    if (failure) throw failure;
    return { ...(await collect()), spent: chunk };
  };

  const end = async (): Promise<ChunkOutput> => {
    if (gunzip && !failure) await gunzipEnd(gunzip);
    if (failure) throw failure;
    aligner.end(dispatch);
    const out = await collect();
    finished = true;
    return out;
  };

  return {
    push,
    end,
    close: async () => {
      if (closed) return;
      closed = true;
      gunzip?.destroy();
      await Promise.all(threads.map((t) => releaseLineThread(t, finished)));
    },
  };
}
