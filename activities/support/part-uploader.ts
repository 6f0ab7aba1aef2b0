import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';

export interface UploadedPart {
  /** Object key of the part. */
  key: string;
  bytes: number;
  records: number;
}

export interface PartUploaderOptions {
  s3: S3Client;
  bucket: string;
  /** Key of part number n (1-based). */
  keyOf(n: number): string;
  /** A part never grows beyond this many bytes (the provider's per-job limit). */
  maxPartBytes: number;
  contentType?: string;
  /** Size of the multipart chunks lib-storage buffers (× queueSize = memory in flight). Default 5 MiB × 2. */
  chunkBytes?: number;
  queueSize?: number;
}

interface OpenPart {
  n: number;
  stream: PassThrough;
  upload: Upload;
  done: Promise<unknown>;
  bytes: number;
  records: number;
}

const BATCH_BYTES = 256 * 1024;

/**
 * Streams records into S3 objects through lib-storage multipart uploads, starting a new object whenever the next
 * record would push the current one past `maxPartBytes`. Memory stays bounded: a small batch buffer plus the
 * multipart chunks in flight; writes wait for the upload to drain.
 */
export class PartUploader {
  private current: OpenPart | undefined;
  private readonly finished: UploadedPart[] = [];
  private batch: string[] = [];
  private batchBytes = 0;
  private aborted = false;

  constructor(private readonly opts: PartUploaderOptions) {}

  get parts(): readonly UploadedPart[] {
    return this.finished;
  }

  /**
   * Appends one record (its serialized text, newline included). Returns a promise only when the caller must wait
   * (a batch is flushed into a busy upload, or a part is completed): the common path allocates nothing.
   */
  write(text: string): Promise<void> | undefined {
    if (this.aborted) return Promise.reject(new Error('upload aborted'));
    const n = Buffer.byteLength(text);
    if (this.current && this.current.bytes + n > this.opts.maxPartBytes && this.current.bytes > 0) {
      return this.closePart().then(() => this.write(text));
    }
    const part = this.current ?? this.openPart();
    part.bytes += n;
    part.records += 1;
    this.batch.push(text);
    this.batchBytes += n;
    return this.batchBytes >= BATCH_BYTES ? this.flush() : undefined;
  }

  /** Completes the open part; returns every part written. */
  async finish(): Promise<UploadedPart[]> {
    if (this.current) await this.closePart();
    return [...this.finished];
  }

  /** Aborts the open multipart upload (its parts are discarded by S3). */
  async abort(): Promise<void> {
    this.aborted = true;
    const part = this.current;
    this.current = undefined;
    if (!part) return;
    // Destroyed with an error so a writer waiting for 'drain' is released (a plain destroy() would leave it waiting).
    part.stream.destroy(new Error('upload aborted'));
    await part.upload.abort().catch(() => undefined);
    await part.done.catch(() => undefined);
  }

  private openPart(): OpenPart {
    const n = this.finished.length + 1;
    const stream = new PassThrough({ highWaterMark: 256 * 1024 });
    const upload = new Upload({
      client: this.opts.s3,
      params: { Bucket: this.opts.bucket, Key: this.opts.keyOf(n), Body: stream, ContentType: this.opts.contentType },
      partSize: this.opts.chunkBytes ?? 5 * 1024 * 1024,
      queueSize: this.opts.queueSize ?? 2,
      leavePartsOnError: false,
    });
    const done = upload.done();
    // A failed upload stops the writer: waiting for 'drain' then rejects instead of hanging.
    done.catch((err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err))));
    this.current = { n, stream, upload, done, bytes: 0, records: 0 };
    return this.current;
  }

  private async flush(): Promise<void> {
    const part = this.current;
    if (!part || this.batch.length === 0) return;
    const chunk = this.batch.join('');
    this.batch = [];
    this.batchBytes = 0;
    if (!part.stream.write(chunk)) await once(part.stream, 'drain');
  }

  private async closePart(): Promise<void> {
    await this.flush();
    const part = this.current;
    if (!part) return;
    part.stream.end();
    await part.done;
    this.current = undefined;
    this.finished.push({ key: this.opts.keyOf(part.n), bytes: part.bytes, records: part.records });
  }
}
