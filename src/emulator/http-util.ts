import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceError } from './errors';

/** Pinpoint's request payload limit. */
const MAX_BODY_BYTES = 7 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new ServiceError('PayloadTooLargeException', `Request payload is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON object body; an empty body is {} (the SDK omits absent payloads). */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceError('BadRequestException', 'The request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceError('BadRequestException', 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  sendRawJson(res, status, JSON.stringify(body), requestId);
}

export function sendRawJson(res: ServerResponse, status: number, json: string, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': requestId,
  });
  res.end(json);
}

export function sendError(res: ServerResponse, err: ServiceError, requestId: string): void {
  const json = JSON.stringify({ Message: err.message, RequestID: requestId });
  res.writeHead(err.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': err.type,
  });
  res.end(json);
}
