/**
 * Worker-thread side of the transfer (started by piece-runner.ts): one PieceProcessor fed the
 * gunzipped chunks in order; every answer goes back in the same order, its output buffers
 * transferred (not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PieceProcessor } from './piece-processor';
import type { ChunkOutput, PieceProcessorConfig } from './piece-processor';

export type WorkerRequest = { chunk: Uint8Array } | { end: true };
export type WorkerAnswer = { out: ChunkOutput } | { error: string };

/** The distinct ArrayBuffers behind the output blocks (several blocks may share one). */
export function transferListOf(out: ChunkOutput): ArrayBuffer[] {
  return [...new Set(out.blocks.map((b) => b.bytes.buffer as ArrayBuffer))];
}

const port = parentPort;
if (port) {
  const { config } = workerData as { config: PieceProcessorConfig };
  let processor: PieceProcessor | undefined;
  port.on('message', (msg: WorkerRequest) => {
    try {
      processor ??= new PieceProcessor(config);
      const out = 'end' in msg ? processor.end() : processor.push(msg.chunk);
      port.postMessage({ out } satisfies WorkerAnswer, transferListOf(out));
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies WorkerAnswer);
    }
  });
}
