/**
 * What the engine answers for each chunk pushed into it — whichever way it runs (inline, one thread, several):
 * the output bytes cut at part boundaries, the rejected lines, the counts and, on request, the Id fingerprints.
 * Answers come back in input order; several of them merge into one (mergeOutputs).
 */
import type { IdHashes } from './id-hash';

/** Consecutive output bytes of one part; `endsPart` closes the part after these bytes. */
export interface OutputBlock {
  bytes: Uint8Array;
  records: number;
  endsPart: boolean;
}

export interface ProcessorCounts {
  /** Records read: non-blank lines other than a CSV header. */
  read: number;
  written: number;
  filtered: number;
  rejected: number;
}

/** A rejected line: its number and why (never the record itself). */
export interface RejectedLine {
  line: number;
  reason: string;
  /** The record's Id, when it had one. */
  id?: string;
}

export interface ChunkOutput {
  blocks: OutputBlock[];
  rejected: RejectedLine[];
  counts: ProcessorCounts;
  /** Lines this answer covers (blank ones included), for pushWholeLines: the caller numbers them. */
  lines?: number;
  /** Set once the input cannot be read any further (e.g. a bad CSV header); later input is ignored. */
  stopped?: boolean;
  /** With `hashIds`: the fingerprints of the written rows' Ids (rows without an Id have none), in order. */
  ids?: IdHashes;
  /** The input chunk this answers, handed back for reuse (set by the runner). */
  spent?: Uint8Array;
}

/** The Id fingerprints of several answers as one, in order (undefined when none has any). */
function mergeIds(outs: ChunkOutput[]): IdHashes | undefined {
  const parts = outs.flatMap((o) => (o.ids ? [o.ids] : []));
  if (parts.length <= 1) return parts[0];
  const hashes = new Uint32Array(parts.reduce((s, p) => s + p.hashes.length, 0));
  const lines = new Float64Array(parts.reduce((s, p) => s + p.lines.length, 0));
  let h = 0;
  let l = 0;
  for (const p of parts) {
    hashes.set(p.hashes, h);
    lines.set(p.lines, l);
    h += p.hashes.length;
    l += p.lines.length;
  }
  return { hashes, lines };
}

export function mergeOutputs(outs: ChunkOutput[]): ChunkOutput {
  const merged: ChunkOutput = { blocks: [], rejected: [], counts: { read: 0, written: 0, filtered: 0, rejected: 0 } };
  const ids = mergeIds(outs);
  if (ids) merged.ids = ids;
  for (const o of outs) {
    merged.blocks.push(...o.blocks);
    merged.rejected.push(...o.rejected);
    merged.counts.read += o.counts.read;
    merged.counts.written += o.counts.written;
    merged.counts.filtered += o.counts.filtered;
    merged.counts.rejected += o.counts.rejected;
    if (o.stopped) merged.stopped = true;
  }
  return merged;
}
