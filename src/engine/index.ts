/**
 * The streaming line engine: stored bytes (an S3 object, a local file; gzip or not) in, import-ready NDJSON parts
 * and rejected lines out. The sync transfer (activities/transfer-piece.ts), the import upload
 * (activities/support/upload-endpoints.ts) and the AEP activation (activities/aep/activation-writer.ts) use it
 * through this file only.
 *
 * The data path — source → lines → records → parts → sink — one stage per file, in reading order:
 *
 *   source   source.ts           pumpLines: the stored bytes are copied into 1 MiB chunks and pushed through a
 *                                LineRunner, at most two chunks ahead of the caller's `consume`
 *            gunzip.ts           stored bytes → text bytes, when the input is gzip data
 *   lines    src/formats/lines   the LineSplitter: split on the newline byte, each line decoded on its own
 *            line-aligner.ts     (several threads only) the text cut into runs of whole lines, one run per thread
 *   records  line-codecs.ts      what one line becomes: an exported piece's JSON → transform → validated record; an
 *                                endpoint file's CSV/NDJSON row → parsed and validated record (src/formats)
 *   parts    line-processor.ts   the records' JSON encoded straight into output blocks, cut into parts of at most
 *                                maxPartBytes (the per-job limit); rejected lines and counts beside them
 *            part-cutter.ts      (several threads only) the same cut, made after the answers are back in order
 *   sink     part-writer.ts      PartWriter: one S3 object per part (multipart upload), written by the caller's
 *                                `consume`; S3ObjectWriter also writes the rejected rows
 *
 * What one chunk's answer holds, whichever way it ran: chunk-output.ts (ChunkOutput, mergeOutputs).
 *
 * Threads. line-runner.ts picks one of three ways per input: inline on the activity's thread (a LineFeeder,
 * line-feeder.ts: gunzip → LineProcessor), for an input below `threadMinBytes` (default 4 MiB) or when no thread is
 * free; in one worker thread that runs that same LineFeeder (line-threads.ts starts it, line-worker.ts is its side);
 * or in several threads at once (parallel-runner.ts): this thread gunzips and cuts runs of whole lines, each thread
 * runs a LineProcessor over its runs, and a CSV file's header is found here first (csv-header-finder.ts) so that
 * every thread can parse rows on its own. Threads are borrowed from the process's budget (process-budget.ts, sized
 * by src/worker-limits.ts) and given back when the runner closes; idle threads are kept for the next input
 * (line-threads.ts). The threads fingerprint each row's Id (id-hash.ts) so that only fingerprints, never Ids, come
 * back for counting repeated Ids (repeated-ids.ts).
 *
 * Ordering. Answers come back in input order: pumpLines awaits them in the order it pushed the chunks; a thread
 * answers its requests in order; the parallel runner awaits its runs' answers in the order it handed them out,
 * renumbers their lines and only then cuts parts — the same bytes, part for part, as one LineProcessor over the whole
 * input.
 *
 * Memory stays flat in the input size: two 1 MiB input chunks in flight (reused once their answer is back), output
 * blocks of 1 MiB (transferred from a thread, not copied), runs of whole lines in recycled buffers of 1 MiB, a line
 * longer than 1 MiB skipped rather than buffered, zlib's output chunks (64 KiB; 1 MiB for the sync transfer), and
 * per open S3 object its multipart part size × queue size plus two 1 MiB buffers. Nothing holds a whole file.
 */
export type { ChunkOutput } from './chunk-output';
export { DEFAULT_THREAD_MIN_BYTES, DEFAULT_TRANSFER_THREADS, openLineRunner } from './line-runner';
export type { LineRunner } from './line-runner';
export { PartCutter } from './part-cutter';
export { PartWriter, S3ObjectWriter } from './part-writer';
export { processBudget } from './process-budget';
export type { ProcessBudget } from './process-budget';
export { RepeatedIds } from './repeated-ids';
export { pumpLines } from './source';
