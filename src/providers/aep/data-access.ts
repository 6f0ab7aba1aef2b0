/**
 * Data Access (base /data/foundation/export): a batch's dataset files, a dataset file's chunks, and
 * streamed downloads that resume with `Range` — after a cut connection within the call, and across
 * calls from the `<dest>.part` file a previous attempt left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ApplicationFailure } from '@temporalio/common';
import { classifyAepError, classifyAepProblem, isAbortError, TransientFailureType } from './errors';
import type { AepHttp } from './http';
import type { AepDataSetFile, AepFileEntry } from './types';

const EXPORT_BASE = '/data/foundation/export';

interface Paged<T> {
  data?: T[];
  _links?: { next?: { href?: string } };
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Resumptions after a cut connection within this call. Default 5. */
  maxResumes?: number;
  /** Called with the bytes written so far (progress, heartbeats). */
  onProgress?: (bytes: number) => void;
}

export interface DownloadResult {
  bytes: number;
  /** Range requests made after the first request of this call (plus one when it started from a .part file). */
  resumes: number;
}

export class AepDataAccess {
  constructor(private readonly http: AepHttp) {}

  private async *pages<T>(first: string, operation: string, signal?: AbortSignal): AsyncIterable<T> {
    let next: string | undefined = first;
    const seen = new Set<string>();
    while (next && !seen.has(next)) {
      seen.add(next);
      const page: Paged<T> = await this.http.json<Paged<T>>({ method: 'GET', path: next, signal }, { operation });
      yield* page.data ?? [];
      next = page._links?.next?.href;
    }
  }

  async *batchFiles(batchId: string, signal?: AbortSignal): AsyncIterable<AepDataSetFile> {
    const operation = `list files of batch ${batchId}`;
    for await (const f of this.pages<Record<string, unknown>>(
      `${EXPORT_BASE}/batches/${encodeURIComponent(batchId)}/files`,
      operation,
      signal,
    )) {
      if (typeof f.dataSetFileId !== 'string')
        throw classifyAepProblem({ status: 502, title: 'a batch file has no dataSetFileId' }, { operation });
      yield { dataSetFileId: f.dataSetFileId, records: num(f.records), size: num(f.size) };
    }
  }

  /** The files (Parquet chunks) of one dataset file. */
  async fileEntries(dataSetFileId: string, signal?: AbortSignal): Promise<AepFileEntry[]> {
    const operation = `list dataset file ${dataSetFileId}`;
    const self = `${EXPORT_BASE}/files/${encodeURIComponent(dataSetFileId)}`;
    const out: AepFileEntry[] = [];
    for await (const e of this.pages<Record<string, unknown>>(self, operation, signal)) {
      const name = typeof e.name === 'string' ? e.name : undefined;
      const length = num(e.length);
      if (!name || length === undefined)
        throw classifyAepProblem({ status: 502, title: 'a file entry has no name or length' }, { operation });
      const href =
        (e._links as { self?: { href?: string } } | undefined)?.self?.href ??
        `${self}?path=${encodeURIComponent(name)}`;
      out.push({ name, length, href });
    }
    return out;
  }

  /** Downloads one file to `dest`, streaming, resuming with Range; `dest` appears only when complete. */
  async download(entry: AepFileEntry, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
    const operation = `download file ${entry.name}`;
    const part = `${dest}.part`;
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    let have = await sizeOf(part);
    let resumes = have > 0 ? 1 : 0;
    for (let cuts = 0; ;) {
      if (have > entry.length) {
        await fs.promises.rm(part, { force: true });
        have = 0;
      }
      if (have === entry.length) break;
      const res = await this.http.send(
        { method: 'GET', path: entry.href, headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal: opts.signal },
        { operation },
      );
      if (res.status === 206 && !(res.headers.get('content-range') ?? '').startsWith(`bytes ${have}-`)) {
        await res.body?.cancel();
        throw classifyAepProblem({ status: 502, title: 'Content-Range does not start where asked' }, { operation });
      }
      const append = res.status === 206;
      if (!append) have = 0;
      try {
        await this.stream(res, part, append, have, opts.onProgress);
      } catch (err) {
        if (isAbortError(err) || opts.signal?.aborted) throw err;
        have = await sizeOf(part);
        if (++cuts > (opts.maxResumes ?? 5)) {
          throw ApplicationFailure.retryable(
            `AEP ${operation}: the connection was cut ${cuts} times; retrying from byte ${have}`,
            TransientFailureType.Network,
          );
        }
        resumes++;
        continue;
      }
      have = await sizeOf(part);
      if (have !== entry.length) {
        throw classifyAepError(new Error(`AEP ${operation}: got ${have} bytes of ${entry.length}`), { operation });
      }
    }
    await fs.promises.rename(part, dest);
    return { bytes: entry.length, resumes };
  }

  private async stream(
    res: Response,
    file: string,
    append: boolean,
    start: number,
    onProgress?: (n: number) => void,
  ): Promise<void> {
    if (!res.body) throw new Error('no body');
    let written = start;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        written += chunk.length;
        onProgress?.(written);
        done(null, chunk);
      },
    });
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      count,
      fs.createWriteStream(file, { flags: append ? 'a' : 'w' }),
    );
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.promises.stat(file)).size;
  } catch {
    return 0;
  }
}
