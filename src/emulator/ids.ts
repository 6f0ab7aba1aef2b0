import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A Pinpoint id: 32 lower-case hex characters. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** A stable 32-hex id derived from its parts (same input → same id: imports can be re-run safely). */
export function stableId(...parts: string[]): string {
  return createHash('md5').update(parts.join('\u0000')).digest('hex');
}

export function newRequestId(): string {
  return randomUUID();
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** CohortId: "0"–"99", stable per endpoint id. */
export function cohortOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return String(Math.abs(h) % 100);
}
