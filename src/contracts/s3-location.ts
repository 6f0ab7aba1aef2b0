/** A bucket and a key prefix (or a key). Pure helpers, safe in the workflow sandbox. */
export interface S3Location {
  bucket: string;
  /** Key or key prefix without a leading slash; a prefix ends with '/'. */
  key: string;
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses `s3://bucket/key`. Throws an Error whose message names the problem and the fix.
 */
export function parseS3Url(url: string, what = 'S3 URL'): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`${what} "${url}" is not an s3:// URL. Fix: write it as s3://bucket/prefix/`);
  const bucket = m[1] ?? '';
  const key = m[2] ?? '';
  if (!BUCKET_RE.test(bucket)) {
    throw new Error(
      `${what} "${url}": "${bucket}" is not a valid bucket name. Fix: use 3-63 characters: a-z, 0-9, '.', '-'`,
    );
  }
  if (key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`${what} "${url}": '.' and '..' are not allowed as key segments. Fix: leave them out of the key`);
  }
  return { bucket, key };
}

export function formatS3Url(loc: S3Location): string {
  return `s3://${loc.bucket}/${loc.key}`;
}

/** Joins key segments with single slashes; keeps a trailing slash when the last segment has one. */
function joinKey(...parts: string[]): string {
  const trailing = parts.length > 0 && (parts[parts.length - 1] ?? '').endsWith('/');
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p.length > 0)
    .join('/');
  return trailing && joined.length > 0 ? `${joined}/` : joined;
}

/** The location under `base` that belongs to one workflow run alone (idempotency and cleanup key). */
export function runPrefix(base: S3Location, workflowId: string, runId: string): S3Location {
  return { bucket: base.bucket, key: joinKey(base.key, safeSegment(workflowId), `${safeSegment(runId)}/`) };
}

/** Keeps ids usable as one key segment. */
export function safeSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
