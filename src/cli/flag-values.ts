/**
 * How a flag's text becomes a field's value: durations, sizes, numbers, lists, pairs, local paths. Only the syntax of
 * the text is checked here (a text that is not a duration at all); whether the value is allowed is the input schema's
 * rule (src/inputs).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EndpointFileFormat } from '../contracts';
import { badInput } from './errors';
import type { FlagContext } from './flags';
import { parseDurationMs, parseKeyValue, parseList, parseRejectLimit, parseSizeBytes } from './parse';

export function durationMs(text: string, at: FlagContext): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw badInput(at.flag, `"${text}" is not a duration`, 'write e.g. 500ms, 10s, 5m, 6h or 1d');
  return ms;
}

export function sizeBytes(text: string, at: FlagContext): number {
  const n = parseSizeBytes(text);
  if (n === undefined) throw badInput(at.flag, `"${text}" is not a size`, 'write e.g. 500MB, 64MiB or 1GB');
  return n;
}

export function wholeNumber(text: string, at: FlagContext): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n)) {
    throw badInput(at.flag, `"${text}" is not a whole number`, `pass e.g. ${at.flag} 4`);
  }
  return n;
}

export function rejectLimit(text: string, at: FlagContext): unknown {
  const limit = parseRejectLimit(text);
  if (!limit) {
    throw badInput(
      at.flag,
      `"${text}" is neither a number of rows nor a percentage`,
      `pass e.g. ${at.flag} 100 or ${at.flag} 2%`,
    );
  }
  return limit;
}

export const lowerCase = (text: string): string => text.trim().toLowerCase();

export const list = (text: string): string[] => parseList(text);

export const upperCaseList = (text: string): string[] => parseList(text).map((item) => item.toUpperCase());

/** Repeatable `key=value` flags → a record; `fix` says how to write one. */
export const pairs =
  (fix: string) =>
  (items: string[], at: FlagContext): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const item of items) {
      const kv = parseKeyValue(item);
      if (!kv) throw badInput(at.flag, `"${item}" is not key=value`, fix);
      out[kv[0]] = kv[1];
    }
    return out;
  };

/** `csv` / `json` / `ndjson` / `jsonl` (any case) → the Pinpoint format name; other text is left to the schema. */
export function endpointFormat(text: string): string {
  const v = text.trim().toLowerCase();
  if (v === 'csv') return 'CSV';
  if (v === 'json' || v === 'ndjson' || v === 'jsonl') return 'JSON';
  return text;
}

/** The format a file name suggests (`.csv`, `.json`, `.ndjson`, `.jsonl`, optionally `.gz`). */
export function formatFromName(name: string): EndpointFileFormat | undefined {
  const m = /\.(csv|json|ndjson|jsonl)(\.gz)?$/i.exec(name);
  return m?.[1] ? (endpointFormat(m[1]) as EndpointFileFormat) : undefined;
}

/** An s3:// location as given, or a local path made absolute (the worker writes it on its host). */
export const s3OrLocalPath = (text: string, at: FlagContext): string =>
  text.startsWith('s3://') ? text : path.resolve(at.cwd, text);

/**
 * The download directory as an absolute path, refused when it (or a folder on its way) is a file.
 * It is created by the worker when missing; the worker checks again on its own host.
 */
export function downloadDir(dir: string, at: FlagContext): string {
  const abs = path.resolve(at.cwd, dir);
  let blocker = abs;
  while (!fs.existsSync(blocker) && path.dirname(blocker) !== blocker) blocker = path.dirname(blocker);
  if (fs.existsSync(blocker) && !fs.statSync(blocker).isDirectory()) {
    throw badInput(
      at.flag,
      blocker === abs ? `"${abs}" is a file, not a directory` : `"${blocker}" on the way to "${abs}" is a file`,
      'name a directory (it is created when missing)',
    );
  }
  return abs;
}
