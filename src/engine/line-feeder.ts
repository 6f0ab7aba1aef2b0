/**
 * One input stream through one LineProcessor, behind the optional gunzip: stored bytes in (compressed or not), the
 * processor's output for them out, one answer per pushed chunk. It is the inline runner (line-runner.ts) as it is,
 * and what a processing thread runs for a stream (line-worker.ts) — where it keeps the gunzipped bytes (most of the
 * memory traffic) away from the activity's thread and its large heap.
 */
import type { Gunzip } from 'node:zlib';
import type { ChunkOutput } from './chunk-output';
import { mergeOutputs } from './chunk-output';
import { gunzipEnd, gunzipWrite, openGunzip } from './gunzip';
import { LineProcessor } from './line-processor';
import type { LineProcessorConfig } from './line-processor';

export interface LineFeederConfig extends LineProcessorConfig {
  /** The input is gzip data (an exported piece, a .gz file). */
  gzipped: boolean;
  /** zlib's output chunk; default GUNZIP_CHUNK_BYTES (gunzip.ts). */
  gunzipChunkBytes?: number;
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
      this.gunzip = openGunzip(
        config.gunzipChunkBytes,
        (data) => this.collected.push(this.processor.push(data)),
        (err) => (this.failure ??= err),
      );
    }
  }

  /** The output for `chunk`, which comes back as `spent` (its memory may be reused). */
  async push(chunk: Uint8Array): Promise<ChunkOutput> {
    const gunzip = this.gunzip;
    if (!gunzip) return { ...this.processor.push(chunk), spent: chunk };
    if (!this.failure) await gunzipWrite(gunzip, chunk);
    return { ...this.takeCollected(), spent: chunk };
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

  /** Stops the gunzip; the feeder is not used after this. */
  close(): Promise<void> {
    this.gunzip?.destroy();
    return Promise.resolve();
  }
}
