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

/** Whether `location` is `root` or a folder below it (`s3://b/run/export/` holds `s3://b/run/export/attempt-2/`). */
export function isAtOrBelow(location: string, root: string): boolean {
  const folder = `${root.replace(/\/+$/, '')}/`;
  return location.replace(/\/+$/, '') === folder.slice(0, -1) || location.startsWith(folder);
}

/**
 * The folder one attempt of an export's create call asks the job to write to, below the run's export root. Pinpoint
 * has no idempotency token: an attempt abandoned mid-create (its worker stalled past the activity's timeouts) can
 * still create a job after the next attempt created or adopted one. Each attempt writes to its own folder and the run
 * lists only the folder of the job it recorded, so a second job's pieces are never read.
 */
export function attemptFolder(root: string, attempt: number): string {
  return `${root.replace(/\/+$/, '')}/attempt-${attempt}/`;
}
