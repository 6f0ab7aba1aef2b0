/**
 * Worker-thread side of a LineProcessor (started by line-runner.ts): the chunks arrive in order and
 * every answer goes back in the same order, its output buffers transferred (not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineProcessor } from './line-processor';
import type { ChunkOutput, LineProcessorConfig } from './line-processor';

export type WorkerRequest = { chunk: Uint8Array } | { end: true };
export type WorkerAnswer = { out: ChunkOutput } | { error: string };

/** The distinct ArrayBuffers behind the output blocks (several blocks may share one). */
export function transferListOf(out: ChunkOutput): ArrayBuffer[] {
  return [...new Set(out.blocks.map((b) => b.bytes.buffer as ArrayBuffer))];
}

const port = parentPort;
if (port) {
  const { config } = workerData as { config: LineProcessorConfig };
  let processor: LineProcessor | undefined;
  port.on('message', (msg: WorkerRequest) => {
    try {
      processor ??= new LineProcessor(config);
      const out = 'end' in msg ? processor.end() : processor.push(msg.chunk);
      port.postMessage({ out } satisfies WorkerAnswer, transferListOf(out));
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies WorkerAnswer);
    }
  });
}
