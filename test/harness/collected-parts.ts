/**
 * Assembles a line processor's answers the way PartWriter does (a new part after each block that ends one), for
 * tests that compare outputs: part texts and record counts, rejected rows, counts.
 */
import type { ChunkOutput } from '../../src/engine';

export interface Collected {
  parts: { text: string; records: number }[];
  rejected: unknown[];
  counts: ChunkOutput['counts'];
}

export function partCollector(): { take(out: ChunkOutput): void; finish(): Collected } {
  const out: Collected = { parts: [], rejected: [], counts: { read: 0, written: 0, filtered: 0, rejected: 0 } };
  let current: { chunks: Buffer[]; records: number } | undefined;
  const close = () => {
    if (current) out.parts.push({ text: Buffer.concat(current.chunks).toString('utf8'), records: current.records });
    current = undefined;
  };
  return {
    take(o) {
      for (const b of o.blocks) {
        if (b.bytes.length > 0) {
          current ??= { chunks: [], records: 0 };
          current.chunks.push(Buffer.from(b.bytes));
          current.records += b.records;
        }
        if (b.endsPart) close();
      }
      out.rejected.push(...o.rejected);
      for (const k of ['read', 'written', 'filtered', 'rejected'] as const) out.counts[k] += o.counts[k];
    },
    finish() {
      close();
      return out;
    },
  };
}
