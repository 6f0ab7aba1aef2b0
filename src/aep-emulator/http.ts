/** Small HTTP helpers: bodies, JSON answers, and byte answers that honour `Range`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ImsError } from './errors';
import { AepError, aepErrorBody } from './errors';

/** Request bodies the emulator accepts (job requests and seeds are small). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AepError(413, 'EMU-0413-413', `request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new AepError(400, 'EMU-0400-400', 'the request body is empty; send a JSON object');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AepError(400, 'EMU-0400-400', 'the request body is not valid JSON');
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

export function sendAepError(res: ServerResponse, err: AepError, requestId: string): void {
  sendJson(res, err.status, aepErrorBody(err, requestId), { 'x-request-id': requestId, ...err.headers });
}

export function sendImsError(res: ServerResponse, err: ImsError): void {
  sendJson(res, err.status, { error: err.error, error_description: err.description });
}

/** Parses `bytes=a-b`, `bytes=a-` or `bytes=-n` against a size; undefined = whole file; 'unsatisfiable' = 416. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined | 'unsatisfiable' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** The body, or (fault) only its first `cutAfter` bytes and then a cut connection. */
function endBody(res: ServerResponse, body: Uint8Array | undefined, cutAfter: number | undefined): void {
  if (cutAfter === undefined || body === undefined) {
    res.end(body);
    return;
  }
  res.write(body.subarray(0, cutAfter), () => res.destroy());
}

/** Sends bytes as application/octet-stream: 200 whole, 206 with Content-Range, 416 when out of range. */
export function sendBytes(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Uint8Array,
  headOnly: boolean,
  cutAfter?: number,
): number {
  const range = parseRange(req.headers.range, bytes.length);
  const common = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' };
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'content-range': `bytes */${bytes.length}`, 'content-length': 0 });
    res.end();
    return 0;
  }
  if (!range) {
    res.writeHead(200, { ...common, 'content-length': bytes.length });
    endBody(res, headOnly ? undefined : bytes, cutAfter);
    return headOnly ? 0 : Math.min(bytes.length, cutAfter ?? Infinity);
  }
  const part = bytes.subarray(range.start, range.end + 1);
  res.writeHead(206, {
    ...common,
    'content-length': part.length,
    'content-range': `bytes ${range.start}-${range.end}/${bytes.length}`,
  });
  endBody(res, headOnly ? undefined : part, cutAfter);
  return headOnly ? 0 : Math.min(part.length, cutAfter ?? Infinity);
}
