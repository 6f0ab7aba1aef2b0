import path from 'node:path';

/**
 * The local path for an S3 key below `prefix`, inside `dir` — or undefined when the key would land outside it
 * (`..` segments, absolute paths, backslashes, NUL, empty names). S3 keys are untrusted input.
 */
export function localPathForKey(dir: string, prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const rel = key.slice(prefix.length);
  if (rel === '' || rel.endsWith('/') || rel.includes('\0') || rel.includes('\\')) return undefined;
  const segments = rel.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  const root = path.resolve(dir);
  const target = path.resolve(root, ...segments);
  if (!target.startsWith(root + path.sep)) return undefined;
  return target;
}

/** Suffix of a download still being written; a finished file is renamed to its real name. */
export const PARTIAL_SUFFIX = '.af-partial';
