/**
 * The source stage: stored bytes (an S3 object's body, a local file's stream; gzip or not — the runner gunzips) are
 * copied into chunks of 1 MiB and pushed through a LineRunner, at most IN_FLIGHT chunks ahead of the caller's
 * `consume`, which gets every answer in input order (and is where the caller writes the parts and waits for S3).
 * Memory stays flat in the input size: IN_FLIGHT input chunks and their answers, whatever the input's length.
 */
import type { ChunkOutput } from './chunk-output';
import type { LineRunner } from './line-runner';

/** Bytes handed to the runner at a time. */
const INPUT_CHUNK_BYTES = 1024 * 1024;
/** Chunks handed to the runner and not yet consumed (bounds memory: about 2 MiB each). */
const IN_FLIGHT = 2;

/**
 * Feeds `source` through `runner` in chunks of 1 MiB, up to IN_FLIGHT chunks ahead of `consume`, which gets every
 * answer in order. Stops reading when an answer says the input cannot be read further. `onChunk` runs after each
 * chunk read (heartbeats).
 */
export async function pumpLines(
  source: AsyncIterable<Buffer>,
  runner: LineRunner,
  consume: (out: ChunkOutput) => Promise<void>,
  onChunk: () => void = () => undefined,
): Promise<void> {
  const pending: Promise<ChunkOutput>[] = [];
  let stopped = false;
  const submit = (answer: Promise<ChunkOutput>) => {
    answer.catch(() => undefined); // awaited in order below; a failure is seen there
    pending.push(answer);
  };
  // Input buffers come back with their answers and are reused: a worker that allocated a new one per chunk would
  // make V8 collect its (large) heap again and again for the external memory alone.
  const free: Buffer[] = [];
  const nextInput = () => free.pop() ?? Buffer.allocUnsafeSlow(INPUT_CHUNK_BYTES);
  const consumeNext = async () => {
    const out = await pending.shift()!;
    if (out.stopped) stopped = true;
    const spent = out.spent;
    if (spent && spent.byteOffset === 0 && spent.buffer.byteLength === INPUT_CHUNK_BYTES) {
      free.push(Buffer.from(spent.buffer, 0, INPUT_CHUNK_BYTES));
    }
    await consume(out);
  };
  let input = nextInput();
  let filled = 0;
  for await (const chunk of source) {
    let at = 0;
    while (at < chunk.length) {
      const n = chunk.copy(input, filled, at);
      filled += n;
      at += n;
      if (filled === input.length) {
        submit(runner.push(input));
        input = nextInput();
        filled = 0;
        while (pending.length >= IN_FLIGHT) await consumeNext();
      }
    }
    onChunk();
    if (stopped) break;
  }
  if (!stopped && filled > 0) submit(runner.push(input.subarray(0, filled)));
  submit(runner.end());
  while (pending.length > 0) {
    await consumeNext();
    onChunk();
  }
}
