/**
 * The thread side (started by line-threads.ts): a LineFeeder for one stream, or a LineProcessor for runs of whole
 * lines (parallel-runner.ts). The requests arrive in order and every answer goes back in the same order — its output
 * buffers and the spent input chunk transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkOutput } from './chunk-output';
import { LineFeeder } from './line-feeder';
import type { LineFeederConfig } from './line-feeder';
import { LineProcessor } from './line-processor';

/**
 * `chunk`/`end`: a LineFeeder's input, in order (one stream). `lines`: a run of whole lines processed on its own
 * (parallel-runner.ts), numbered from 1, with no part cutting here. `configure`: start over with another input and
 * config (a pooled thread lent to the next one, line-threads.ts); it has no answer.
 */
export type WorkerRequest =
  { chunk: Uint8Array } | { end: true } | { lines: Uint8Array } | { configure: LineFeederConfig };
export type WorkerAnswer = { out: ChunkOutput } | { error: string; code?: string };

/** The distinct ArrayBuffers behind the output blocks (several blocks may share one) and the Id fingerprints. */
export function transferListOf(out: ChunkOutput): ArrayBuffer[] {
  const buffers = new Set(out.blocks.map((b) => b.bytes.buffer as ArrayBuffer));
  if (out.ids) [out.ids.hashes.buffer, out.ids.lines.buffer].forEach((b) => buffers.add(b as ArrayBuffer));
  return [...buffers];
}

const port = parentPort;
if (port) {
  let { config } = workerData as { config: LineFeederConfig };
  let feeder: LineFeeder | undefined;
  let processor: LineProcessor | undefined;
  const handle = async (msg: WorkerRequest) => {
    if ('configure' in msg) {
      void feeder?.close();
      feeder = undefined;
      processor = undefined;
      config = msg.configure;
      return;
    }
    try {
      let out: ChunkOutput;
      const transfer: ArrayBuffer[] = [];
      if ('lines' in msg) {
        processor ??= new LineProcessor(config);
        out = { ...processor.pushWholeLines(msg.lines), spent: msg.lines };
        transfer.push(msg.lines.buffer as ArrayBuffer);
      } else if ('end' in msg) {
        feeder ??= new LineFeeder(config);
        out = await feeder.end();
      } else {
        feeder ??= new LineFeeder(config);
        // The chunk goes back as `spent` (nothing here keeps it once zlib consumed it): the caller reuses its memory.
        out = await feeder.push(msg.chunk);
        transfer.push(msg.chunk.buffer as ArrayBuffer);
      }
      transfer.push(...transferListOf(out));
      port.postMessage({ out } satisfies WorkerAnswer, transfer);
      if (out.blocks.length > 0) (processor ?? feeder)?.releaseOutput();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      port.postMessage({
        error: err instanceof Error ? err.message : String(err),
        code: typeof code === 'string' ? code : undefined,
      } satisfies WorkerAnswer);
    }
  };
  let chain = Promise.resolve();
  port.on('message', (msg: WorkerRequest) => {
    chain = chain.then(() => handle(msg));
  });
}
