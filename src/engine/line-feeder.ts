/**
 * A LineProcessor behind an optional gunzip: stored bytes in (compressed or not), the processor's
 * output for them out, one answer per pushed chunk. Runs wherever the processor runs — in a worker
 * thread that keeps the gunzipped bytes (most of the memory traffic) away from the activity's thread
 * and its large heap.
 */
import { createGunzip } from 'node:zlib';
import type { Gunzip } from 'node:zlib';
import { LineProcessor } from './line-processor';
import type { ChunkOutput, LineProcessorConfig } from './line-processor';
import type { IdHashes } from './repeated-ids';

export interface LineFeederConfig extends LineProcessorConfig {
  /** The input is gzip data (an exported piece, a .gz file). */
  gzipped: boolean;
  /** zlib's output chunk; default GUNZIP_CHUNK_BYTES. */
  gunzipChunkBytes?: number;
}

/**
 * zlib's default output chunk here. Larger chunks cost fewer callbacks (the sync transfer uses 1 MiB) but raise the
 * peak RSS on the activity's thread: freed buffers of 256 KiB and more fragment the allocator (1.5 M endpoints
 * uploaded: 64 KiB → 223 MB, 256 KiB → 241–253 MB).
 */
export const GUNZIP_CHUNK_BYTES = 64 * 1024;

/**
 * Writes `chunk` into `gunzip` and waits until zlib has consumed it and every 'data' for it has been handled (the
 * write callback); a zlib error destroys the stream instead, and the callback may then never run: 'close' ends the wait.
 */
export function gunzipWrite(gunzip: Gunzip, chunk: Uint8Array): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      gunzip.off('close', done);
      resolve();
    };
    gunzip.once('close', done);
    gunzip.write(chunk, done);
  });
}

/** Ends `gunzip` and waits for its last 'data' ('end'), or for 'close' after an error. */
export function gunzipEnd(gunzip: Gunzip): Promise<void> {
  return new Promise<void>((resolve) => {
    gunzip.once('end', resolve);
    gunzip.once('close', resolve);
    gunzip.end();
  });
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

export class LineFeeder {
  private readonly processor: LineProcessor;
  private readonly gunzip: Gunzip | undefined;
  private collected: ChunkOutput[] = [];
  private failure: Error | undefined;

  /** Throws TransformSpecError for an invalid transform. */
  constructor(config: LineFeederConfig) {
    this.processor = new LineProcessor(config);
    if (config.gzipped) {
      this.gunzip = createGunzip({ chunkSize: config.gunzipChunkBytes ?? GUNZIP_CHUNK_BYTES });
      this.gunzip.on('data', (data: Buffer) => this.collected.push(this.processor.push(data)));
      this.gunzip.on('error', (err) => (this.failure ??= err));
    }
  }

  async push(chunk: Uint8Array): Promise<ChunkOutput> {
    const gunzip = this.gunzip;
    if (!gunzip) return this.processor.push(chunk);
    if (!this.failure) await gunzipWrite(gunzip, chunk);
    return this.takeCollected();
  }

  async end(): Promise<ChunkOutput> {
    const gunzip = this.gunzip;
    if (gunzip && !this.failure) await gunzipEnd(gunzip);
    const rest = this.takeCollected();
    return mergeOutputs([rest, this.processor.end()]);
  }

  private takeCollected(): ChunkOutput {
    if (this.failure) throw this.failure;
    const out = mergeOutputs(this.collected);
    this.collected = [];
    return out;
  }

  /** The output handed out so far was transferred to another thread: write on into a new buffer. */
  releaseOutput(): void {
    this.processor.releaseOutput();
  }

  destroy(): void {
    this.gunzip?.destroy();
  }
}
