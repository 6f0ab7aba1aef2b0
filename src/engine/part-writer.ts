/**
 * The sink stage (index.ts): the parts go to S3 as they come — PartWriter starts a new object after each block that
 * ends a part; S3ObjectWriter is one streaming NDJSON object (also the rejected rows'). Lines are encoded straight
 * into 1 MiB buffers (no joined strings that would outlive a GC cycle) which are fed through a
 * PassThrough into a lib-storage multipart Upload, waiting for 'drain' so memory stays bounded
 * (partSize × queueSize + the PassThrough's buffer per open object).
 */
import { PassThrough } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { OutputBlock } from './chunk-output';

const CHUNK_BYTES = 1024 * 1024;

/** Multipart upload settings: partSize × queueSize bytes are in flight per object. Default 8 MiB × 4. */
export interface UploadBuffers {
  partSize?: number;
  queueSize?: number;
}

/** One S3 object written as a stream. */
export class S3ObjectWriter {
  private readonly body = new PassThrough({ highWaterMark: 1024 * 1024 });
  private readonly upload: Upload;
  private readonly done: Promise<unknown>;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private failure: Error | undefined;
  bytes = 0;
  records = 0;

  constructor(
    s3: S3Client,
    readonly bucket: string,
    readonly key: string,
    buffers: UploadBuffers = {},
  ) {
    this.upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: this.body, ContentType: 'application/x-ndjson' },
      partSize: buffers.partSize ?? 8 * 1024 * 1024,
      queueSize: buffers.queueSize ?? 4,
      leavePartsOnError: false,
    });
    this.done = this.upload.done();
    // A failed upload stops reading the body: destroy it so a writer waiting for 'drain' wakes up.
    // The failure itself surfaces from end() or writeLine().
    this.body.on('error', () => undefined);
    this.done.catch((err: unknown) => {
      this.failure = err instanceof Error ? err : new Error(String(err));
      this.body.destroy();
    });
  }

  /**
   * Adds one line (without its newline); `bytes` is its UTF-8 length. Returns a promise only when
   * the caller must wait (a chunk went out and the upload is behind), so the hot path stays synchronous.
   */
  writeLine(line: string, bytes: number): Promise<void> | undefined {
    this.bytes += bytes + 1;
    this.records++;
    let wait: Promise<void> | undefined;
    if (this.used + bytes + 1 > this.chunk.length) {
      wait = this.flush();
      if (bytes + 1 > this.chunk.length) this.chunk = Buffer.allocUnsafe(bytes + 1);
    }
    this.used += this.chunk.write(line, this.used, 'utf8');
    this.chunk[this.used++] = 0x0a;
    return wait;
  }

  /** Adds ready NDJSON bytes (whole lines, newlines included); a promise only when the caller must wait. */
  writeBytes(bytes: Uint8Array, records: number): Promise<void> | undefined {
    this.bytes += bytes.length;
    this.records += records;
    const pending = this.used > 0 ? this.flush() : undefined;
    const ok = this.body.write(bytes);
    if (pending) return pending.then(() => (ok ? undefined : this.drained()));
    return ok ? undefined : this.drained();
  }

  private flush(): Promise<void> {
    if (this.used === 0) return Promise.resolve();
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    return this.body.write(full) ? Promise.resolve() : this.drained();
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.body.destroyed) {
        reject(this.failure ?? new Error(`upload of ${this.key} stopped`));
        return;
      }
      const onDrain = () => {
        this.body.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        this.body.off('drain', onDrain);
        reject(this.failure ?? new Error(`upload of ${this.key} stopped`));
      };
      this.body.once('drain', onDrain);
      this.body.once('close', onClose);
    });
  }

  /** Flushes, ends the object and waits until S3 has it. */
  async end(): Promise<void> {
    await this.flush();
    this.body.end();
    await this.done;
  }

  /** Stops the upload (multipart parts are aborted); safe to call more than once. */
  async abort(): Promise<void> {
    this.body.destroy();
    await this.upload.abort().catch(() => undefined);
  }
}

/** Import-ready parts: the blocks of a line runner's answers, a new object after each block that ends a part. */
export class PartWriter {
  private current: S3ObjectWriter | undefined;
  readonly parts: { key: string; size: number; records: number }[] = [];

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly keyOf: (partIndex: number) => string,
    private readonly buffers: UploadBuffers = {},
  ) {}

  /** Size of the part being written, if one is open (a LineProcessor for the next file continues it). */
  get open(): { bytes: number; records: number } | undefined {
    return this.current ? { bytes: this.current.bytes, records: this.current.records } : undefined;
  }

  /** Writes a block of a line runner's answer, already cut at part boundaries (LineProcessor or PartCutter). */
  async writeBlock(block: OutputBlock): Promise<void> {
    if (block.bytes.length > 0) {
      this.current ??= new S3ObjectWriter(this.s3, this.bucket, this.keyOf(this.parts.length), this.buffers);
      const wait = this.current.writeBytes(block.bytes, block.records);
      if (wait) await wait;
    }
    if (block.endsPart) await this.closeCurrent();
  }

  private async closeCurrent(): Promise<void> {
    const part = this.current;
    if (!part) return;
    this.current = undefined;
    await part.end();
    this.parts.push({ key: part.key, size: part.bytes, records: part.records });
  }

  get bytes(): number {
    return this.parts.reduce((sum, p) => sum + p.size, 0) + (this.current?.bytes ?? 0);
  }

  async end(): Promise<void> {
    await this.closeCurrent();
  }

  async abort(): Promise<void> {
    await this.current?.abort();
    this.current = undefined;
  }
}
