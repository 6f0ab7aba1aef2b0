/**
 * AEP Data Access (src/providers/aep/data-access.ts) against a stand-in AepHttp that serves pages and file bytes
 * (honouring Range, or cutting the stream after some bytes): the paging of batch files and file entries, the numbers
 * read from them, and downloads that resume from a `.part` file or after a cut, give up after too many cuts, and
 * leave `dest` only when the file is complete. Files go to a temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import { AepDataAccess } from '../../src/providers/aep/data-access';
import { TransientFailureType } from '../../src/providers/aep/errors';
import type { AepHttp, AepRequest } from '../../src/providers/aep/http';
import type { AepFileEntry } from '../../src/providers/aep/types';

interface Call {
  req: AepRequest;
  operation: string;
}

function fakeHttp(opts: { pages?: Record<string, unknown>; serve?: (req: AepRequest) => Response }) {
  const calls: Call[] = [];
  const http = {
    json: (req: AepRequest, ctx: { operation: string }) => {
      calls.push({ req, operation: ctx.operation });
      return Promise.resolve(opts.pages?.[req.path]);
    },
    send: (req: AepRequest, ctx: { operation: string }) => {
      calls.push({ req, operation: ctx.operation });
      return Promise.resolve().then(() => (opts.serve as (r: AepRequest) => Response)(req));
    },
  } as unknown as AepHttp;
  return { access: new AepDataAccess(http), calls };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('AepDataAccess listings', () => {
  it('lists a batch’s files page by page, reading numbers given as numbers or text', async () => {
    const first = '/data/foundation/export/batches/b%2F1/files';
    const { access, calls } = fakeHttp({
      pages: {
        [first]: {
          data: [
            { dataSetFileId: 'f1', records: 10, size: '2048' },
            { dataSetFileId: 'f2', records: '', size: 'big' },
          ],
          _links: { next: { href: '/data/foundation/export/batches/b%2F1/files?start=2' } },
        },
        '/data/foundation/export/batches/b%2F1/files?start=2': {
          data: [{ dataSetFileId: 'f3', records: Infinity, size: null }],
          _links: { next: { href: first } },
        },
      },
    });
    const signal = new AbortController().signal;
    expect(await all(access.batchFiles('b/1', signal))).toStrictEqual([
      { dataSetFileId: 'f1', records: 10, size: 2048 },
      { dataSetFileId: 'f2', records: undefined, size: undefined },
      { dataSetFileId: 'f3', records: undefined, size: undefined },
    ]);
    expect(calls).toEqual([
      { req: { method: 'GET', path: first, signal }, operation: 'list files of batch b/1' },
      {
        req: { method: 'GET', path: '/data/foundation/export/batches/b%2F1/files?start=2', signal },
        operation: 'list files of batch b/1',
      },
    ]);
  });

  it('stops at a page without data or a next link, and refuses a file without an id', async () => {
    const empty = fakeHttp({ pages: { '/data/foundation/export/batches/b/files': {} } });
    expect(await all(empty.access.batchFiles('b'))).toEqual([]);
    expect(empty.calls).toHaveLength(1);
    const bad = fakeHttp({ pages: { '/data/foundation/export/batches/b/files': { data: [{ dataSetFileId: 5 }] } } });
    const f = (await rejection(all(bad.access.batchFiles('b')))) as ApplicationFailure;
    expect([f.type, f.message]).toEqual([
      TransientFailureType.Unavailable,
      'AEP list files of batch b failed on the server side (502: a batch file has no dataSetFileId); retrying',
    ]);
  });

  it('lists a dataset file’s entries with their links, or a link made from the name', async () => {
    const self = '/data/foundation/export/files/ds%201';
    const { access, calls } = fakeHttp({
      pages: {
        [self]: {
          data: [
            { name: 'part 0.parquet', length: '12', _links: { self: { href: 'https://platform.test/x?path=p0' } } },
            { name: 'p1.parquet', length: 0, _links: {} },
          ],
          _links: {},
        },
      },
    });
    expect(await access.fileEntries('ds 1')).toEqual([
      { name: 'part 0.parquet', length: 12, href: 'https://platform.test/x?path=p0' },
      { name: 'p1.parquet', length: 0, href: `${self}?path=p1.parquet` },
    ]);
    expect(calls.map((c) => c.operation)).toEqual(['list dataset file ds 1']);
    const encoded = fakeHttp({
      pages: { '/data/foundation/export/files/d': { data: [{ name: 'a b/c', length: 1 }] } },
    });
    expect((await encoded.access.fileEntries('d'))[0]?.href).toBe('/data/foundation/export/files/d?path=a%20b%2Fc');
  });

  it('refuses an entry without a name or a length', async () => {
    for (const entry of [
      { length: 1 },
      { name: '', length: 1 },
      { name: 'a' },
      { name: 'a', length: 'x' },
      { name: 3, length: 1 },
    ]) {
      const { access } = fakeHttp({ pages: { '/data/foundation/export/files/d': { data: [entry] } } });
      const f = (await rejection(access.fileEntries('d'))) as ApplicationFailure;
      expect(f.message).toBe(
        'AEP list dataset file d failed on the server side (502: a file entry has no name or length); retrying',
      );
    }
  });
});

describe('AepDataAccess.download', () => {
  const CONTENT = Buffer.from('0123456789abcdefghij');
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aep-download-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const entry: AepFileEntry = { name: 'p0.parquet', length: CONTENT.length, href: '/files/f?path=p0.parquet' };
  const rangeStart = (req: AepRequest) => {
    const m = /^bytes=(\d+)-$/.exec(req.headers?.range ?? '');
    return m ? Number(m[1]) : undefined;
  };

  /** Serves CONTENT, from the Range start when there is one (206), as one chunk. */
  const honouring = (req: AepRequest) => {
    const start = rangeStart(req);
    if (start === undefined) return new Response(CONTENT, { status: 200 });
    return new Response(CONTENT.subarray(start), {
      status: 206,
      headers: { 'content-range': `bytes ${start}-${CONTENT.length - 1}/${CONTENT.length}` },
    });
  };

  /** Waits until `file` holds `size` bytes (at most 5 s). */
  async function untilSize(file: string, size: number): Promise<void> {
    for (let i = 0; i < 500 && (fs.existsSync(file) ? fs.statSync(file).size : 0) < size; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends `n` bytes from where it was asked, then (once they reached `part`) cuts the connection. */
  const cutting =
    (n: number, part: string) =>
    (req: AepRequest): Response => {
      const start = rangeStart(req) ?? 0;
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(c) {
          if (!sent) {
            sent = true;
            c.enqueue(new Uint8Array(CONTENT.subarray(start, start + n)));
            return;
          }
          await untilSize(part, start + n);
          c.error(Object.assign(new TypeError('terminated'), { cause: { code: 'ECONNRESET' } }));
        },
      });
      return start === 0
        ? new Response(body, { status: 200 })
        : new Response(body, {
            status: 206,
            headers: { 'content-range': `bytes ${start}-${CONTENT.length - 1}/${CONTENT.length}` },
          });
    };

  it('streams a file into a new folder, reporting progress, and leaves no .part behind', async () => {
    const { access, calls } = fakeHttp({ serve: honouring });
    const dest = path.join(dir, 'a', 'b', 'p0.parquet');
    const progress: number[] = [];
    const signal = new AbortController().signal;
    expect(await access.download(entry, dest, { signal, onProgress: (n) => progress.push(n) })).toEqual({
      bytes: CONTENT.length,
      resumes: 0,
    });
    expect(fs.readFileSync(dest)).toEqual(CONTENT);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
    expect(progress).toEqual([CONTENT.length]);
    expect(calls).toEqual([
      { req: { method: 'GET', path: entry.href, headers: {}, signal }, operation: 'download file p0.parquet' },
    ]);
  });

  it('resumes from the .part file a previous attempt left, with Range', async () => {
    const { access, calls } = fakeHttp({ serve: honouring });
    const dest = path.join(dir, 'p0.parquet');
    fs.writeFileSync(`${dest}.part`, CONTENT.subarray(0, 4));
    const progress: number[] = [];
    expect(await access.download(entry, dest, { onProgress: (n) => progress.push(n) })).toEqual({
      bytes: CONTENT.length,
      resumes: 1,
    });
    expect(fs.readFileSync(dest)).toEqual(CONTENT);
    expect(progress).toEqual([CONTENT.length]);
    expect(calls.map((c) => c.req.headers)).toEqual([{ range: 'bytes=4-' }]);
  });

  it('starts again from byte 0 when the server ignores Range', async () => {
    const { access } = fakeHttp({ serve: () => new Response(CONTENT, { status: 200 }) });
    const dest = path.join(dir, 'p0.parquet');
    fs.writeFileSync(`${dest}.part`, 'XXXX');
    const progress: number[] = [];
    await access.download(entry, dest, { onProgress: (n) => progress.push(n) });
    expect(fs.readFileSync(dest)).toEqual(CONTENT);
    expect(progress).toEqual([CONTENT.length]);
  });

  it('throws away a .part longer than the file, and keeps one that is already whole', async () => {
    const { access, calls } = fakeHttp({ serve: honouring });
    const dest = path.join(dir, 'p0.parquet');
    fs.writeFileSync(`${dest}.part`, Buffer.concat([CONTENT, Buffer.from('extra')]));
    expect(await access.download(entry, dest)).toEqual({ bytes: CONTENT.length, resumes: 1 });
    expect(fs.readFileSync(dest)).toEqual(CONTENT);
    expect(calls.map((c) => c.req.headers)).toEqual([{}]);
    const whole = path.join(dir, 'whole.parquet');
    fs.writeFileSync(`${whole}.part`, CONTENT);
    expect(await access.download(entry, whole)).toEqual({ bytes: CONTENT.length, resumes: 1 });
    expect(fs.readFileSync(whole)).toEqual(CONTENT);
    expect(calls).toHaveLength(1);
  });

  it('refuses a 206 that does not start where it asked, cancelling its body', async () => {
    let cancelled = false;
    const body = () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          c.enqueue(new Uint8Array(CONTENT));
        },
        cancel() {
          cancelled = true;
        },
      });
    const { access } = fakeHttp({
      serve: () => new Response(body(), { status: 206, headers: { 'content-range': 'bytes 0-19/20' } }),
    });
    const dest = path.join(dir, 'p0.parquet');
    fs.writeFileSync(`${dest}.part`, CONTENT.subarray(0, 4));
    const f = (await rejection(access.download(entry, dest))) as ApplicationFailure;
    expect([f.type, f.message]).toEqual([
      TransientFailureType.Unavailable,
      'AEP download file p0.parquet failed on the server side (502: Content-Range does not start where asked); retrying',
    ]);
    expect(cancelled).toBe(true);
    expect(fs.existsSync(dest)).toBe(false);
    const noHeader = fakeHttp({ serve: () => new Response(body(), { status: 206 }) });
    expect((await rejection(noHeader.access.download(entry, dest))).message).toMatch(/Content-Range does not start/);
    const noBody = fakeHttp({ serve: () => new Response(null, { status: 206 }) });
    expect((await rejection(noBody.access.download(entry, dest))).message).toMatch(/Content-Range does not start/);
  });

  it('resumes after a cut connection from the bytes that reached the file', async () => {
    const dest = path.join(dir, 'p0.parquet');
    let first = true;
    const { access, calls } = fakeHttp({
      serve: (req) => {
        if (!first) return honouring(req);
        first = false;
        return cutting(7, `${dest}.part`)(req);
      },
    });
    expect(await access.download(entry, dest)).toEqual({ bytes: CONTENT.length, resumes: 1 });
    expect(fs.readFileSync(dest)).toEqual(CONTENT);
    expect(calls.map((c) => c.req.headers)).toEqual([{}, { range: 'bytes=7-' }]);
  });

  it('gives up after 5 cuts in one call (or the number given), from the bytes it has', async () => {
    const dest = path.join(dir, 'p0.parquet');
    const { access, calls } = fakeHttp({ serve: cutting(1, `${dest}.part`) });
    const f = (await rejection(access.download(entry, dest))) as ApplicationFailure;
    expect([f.type, f.nonRetryable, f.message]).toEqual([
      TransientFailureType.Network,
      false,
      'AEP download file p0.parquet: the connection was cut 6 times; retrying from byte 6',
    ]);
    expect(calls).toHaveLength(6);
    expect(fs.readFileSync(`${dest}.part`)).toEqual(CONTENT.subarray(0, 6));
    expect(fs.existsSync(dest)).toBe(false);
    const other = path.join(dir, 'other.parquet');
    const two = fakeHttp({ serve: cutting(1, `${other}.part`) });
    expect((await rejection(two.access.download(entry, other, { maxResumes: 2 }))).message).toBe(
      'AEP download file p0.parquet: the connection was cut 3 times; retrying from byte 3',
    );
    const none = fakeHttp({ serve: () => new Response(null, { status: 200 }) });
    expect((await rejection(none.access.download(entry, path.join(dir, 'none'), { maxResumes: 0 }))).message).toBe(
      'AEP download file p0.parquet: the connection was cut 1 times; retrying from byte 0',
    );
  });

  it('counts each resumption after a cut', async () => {
    let served = 0;
    const dest = path.join(dir, 'p0.parquet');
    const { access } = fakeHttp({ serve: (req) => (++served <= 2 ? cutting(3, `${dest}.part`)(req) : honouring(req)) });
    expect(await access.download(entry, dest, { maxResumes: 2 })).toEqual({
      bytes: CONTENT.length,
      resumes: 2,
    });
  });

  it('passes an abort on untouched, without resuming', async () => {
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    const aborting = fakeHttp({
      serve: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(c) {
              c.error(abort);
            },
          }),
          { status: 200 },
        ),
    });
    const dest = path.join(dir, 'p0.parquet');
    expect(await rejection(aborting.access.download(entry, dest))).toBe(abort);
    expect(aborting.calls).toHaveLength(1);
    const controller = new AbortController();
    const cut = new Error('cut while aborting');
    const cancelled = fakeHttp({
      serve: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(c) {
              controller.abort();
              c.error(cut);
            },
          }),
          { status: 200 },
        ),
    });
    expect(await rejection(cancelled.access.download(entry, dest, { signal: controller.signal }))).toBe(cut);
    expect(cancelled.calls).toHaveLength(1);
  });

  it('fails a response that ended short of the file’s length', async () => {
    const { access } = fakeHttp({ serve: () => new Response(CONTENT.subarray(0, 15), { status: 200 }) });
    const dest = path.join(dir, 'p0.parquet');
    const f = (await rejection(access.download(entry, dest))) as ApplicationFailure;
    expect([f.type, f.message]).toEqual([
      TransientFailureType.Unknown,
      'AEP download file p0.parquet failed (Error); retrying',
    ]);
    expect(fs.existsSync(dest)).toBe(false);
  });
});
