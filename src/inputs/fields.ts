/**
 * zod schemas of the single fields pipelines take: the one set of rules and messages, used by the CLI (which names
 * the flag in front of the message), the first activity and any other client. A message says what is wrong, then
 * ". Fix: " and what to do; it never repeats the field's name (the issue's path names it).
 * Not imported by workflows (zod stays out of the sandbox).
 */
import path from 'node:path';
import { z } from 'zod';
import { IAM_ROLE_ARN, IAM_ROLE_ARN_FORM, PINPOINT_ID, parseS3Url } from '../contracts';
import {
  MAX_CONCURRENT_IMPORT_JOBS_SETTING,
  PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT,
  PINPOINT_MAX_IMPORT_JOB_BYTES,
  PINPOINT_MAX_IMPORT_JOB_TEXT,
} from '../contracts/limits';

/** The smallest import job a run may be told to cut (`maxJobBytes`). */
const MIN_JOB_BYTES = 1_024;

/** "is required" when the value is missing, else "must be <kind>"; then the fix. */
export const missingOr =
  (kind: string, fix: string) =>
  (iss: { input: unknown }): string =>
    `${iss.input === undefined ? 'is required' : `must be ${kind}`}. Fix: ${fix}`;

export const providerName = z.enum(['pinpoint', 'aep'], {
  error: (iss) => `"${String(iss.input)}" is not a supported provider. Fix: use pinpoint or aep`,
});

/** The provider of an endpoint pipeline (export/import/sync of Pinpoint endpoints through S3): Pinpoint only. */
export const endpointProvider = (pipeline: 'export' | 'import' | 'sync') =>
  providerName.refine((p) => p === 'pinpoint', {
    error:
      `Adobe Experience Platform has no endpoint ${pipeline} (it exports profiles of segments). ` +
      'Fix: use provider pinpoint for this, or `audienceflow export --provider aep --segment <id> …`',
  });

export const applicationId = z
  .string({
    error: missingOr('text', 'give the Pinpoint application (project) id, as `aws pinpoint get-apps` lists it'),
  })
  .regex(PINPOINT_ID, {
    error: (iss) =>
      `"${String(iss.input)}" is not a Pinpoint application id (32 lower-case hex characters). ` +
      "Fix: copy the id from `aws pinpoint get-apps` (or the emulator's create-app answer)",
  });

export const segmentId = z.string({ error: missingOr('text', 'give the segment id') }).regex(PINPOINT_ID, {
  error: (iss) =>
    `"${String(iss.input)}" is not a segment id (32 lower-case hex characters). ` +
    'Fix: copy the id from `aws pinpoint get-segments`',
});

export const segmentVersion = z
  .number({ error: 'must be a number. Fix: give the segment version, 1 or more' })
  .int({ error: 'must be a whole number. Fix: give 1, 2, …' })
  .min(1, { error: 'must be 1 or more. Fix: segment versions start at 1' });

export const roleArn = z
  .string({ error: missingOr('text', `give the IAM role Pinpoint assumes to reach the bucket, ${IAM_ROLE_ARN_FORM}`) })
  .regex(IAM_ROLE_ARN, {
    error: (iss) =>
      `"${String(iss.input)}" is not an IAM role ARN. ` +
      `Fix: give the role Pinpoint assumes, ${IAM_ROLE_ARN_FORM}, e.g. arn:aws:iam::123456789012:role/audienceflow`,
  });

function s3UrlSchema(what: string, form: string) {
  return z.string({ error: missingOr('text', `give the ${what} as ${form}`) }).superRefine((url, ctx) => {
    try {
      parseS3Url(url, what);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
}

/** s3://bucket/prefix/ — a trailing slash is added when missing (a prefix is a folder). */
export const s3Prefix = (what: string) =>
  s3UrlSchema(what, 's3://bucket/prefix/').transform((url) =>
    url.endsWith('/') || /^s3:\/\/[^/]+$/.test(url) ? url : `${url}/`,
  );

/** s3://bucket/key or s3://bucket/prefix/ as given. */
export const s3Url = (what: string) => s3UrlSchema(what, 's3://bucket/key or s3://bucket/prefix/');

export const absolutePath = (what: string) =>
  z
    .string({ error: missingOr('text', `give the ${what}`) })
    .min(1, { error: 'is empty. Fix: give a path' })
    .refine((p) => path.isAbsolute(p), {
      error: (iss) =>
        `"${String(iss.input)}" is not an absolute path. ` +
        "Fix: give the absolute path on the worker's host (the CLI resolves relative paths)",
    })
    .refine((p) => !p.includes('\0'), { error: 'contains a NUL character. Fix: remove it' });

export const endpointFormat = z.enum(['CSV', 'JSON'], {
  error: (iss) =>
    iss.input === undefined
      ? 'is required. Fix: give CSV or JSON (newline-delimited JSON)'
      : `${JSON.stringify(iss.input)} is not a format. Fix: use CSV or JSON (newline-delimited JSON)`,
});

/** The shortest interval (poll, wait, grace) a run accepts. */
const MIN_INTERVAL_MS = 10;

const intervalMs = z
  .number({ error: 'must be a number of milliseconds. Fix: give e.g. 30000 (30 s)' })
  .int({ error: 'must be a whole number of milliseconds. Fix: round it' })
  .min(MIN_INTERVAL_MS, { error: `is shorter than ${MIN_INTERVAL_MS} ms. Fix: give ${MIN_INTERVAL_MS} ms or more` });

/** After a cancel, how long the follow-up waits for a job still running (`--cancel-grace`). */
export const cancelGraceMs = intervalMs;

export const pollPolicy = z
  .object({
    initialIntervalMs: intervalMs.optional(),
    maxIntervalMs: intervalMs.optional(),
    maxWaitMs: intervalMs.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.initialIntervalMs !== undefined && p.maxIntervalMs !== undefined && p.maxIntervalMs < p.initialIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxIntervalMs'],
        message: `${p.maxIntervalMs} ms is shorter than the first interval (${p.initialIntervalMs} ms). Fix: raise it, or lower the first interval`,
      });
    }
    if (p.maxWaitMs !== undefined && p.initialIntervalMs !== undefined && p.maxWaitMs < p.initialIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxWaitMs'],
        message: `${p.maxWaitMs} ms is shorter than one poll interval (${p.initialIntervalMs} ms). Fix: raise it`,
      });
    }
  });

/** A size of an import job in bytes, from `min` to Pinpoint's per-job limit. */
export const jobBytes = (min: number, why = '') =>
  z
    .number({ error: 'must be a number of bytes. Fix: give e.g. 500000000' })
    .int({ error: 'must be a whole number of bytes. Fix: round it' })
    .min(min, { error: `is below ${min} bytes${why}. Fix: give ${min} bytes or more` })
    .max(PINPOINT_MAX_IMPORT_JOB_BYTES, {
      error: `is over Pinpoint's per-job limit of ${PINPOINT_MAX_IMPORT_JOB_TEXT}. Fix: give at most ${PINPOINT_MAX_IMPORT_JOB_BYTES} bytes`,
    });

export const maxJobBytes = jobBytes(MIN_JOB_BYTES);

/** A whole number from 1 to `max`, e.g. how many jobs or transfers run at once; `why` explains the maximum. */
export const count = (max: number, why = '') =>
  z
    .number({ error: `must be a number. Fix: give 1 to ${max}` })
    .int({ error: `must be a whole number. Fix: give 1 to ${max}` })
    .min(1, { error: `must be at least 1. Fix: give 1 to ${max}` })
    .max(max, { error: `is over ${max}${why}. Fix: give 1 to ${max}` });

export const maxConcurrentJobs = count(
  MAX_CONCURRENT_IMPORT_JOBS_SETTING,
  ` (${PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT})`,
);

/** `--max-rejected`: a number of rows, or a percentage of the rows. */
export const maxRejected = z.union([
  z.object({ count: z.number().int().min(0, { error: 'must be 0 or more. Fix: give a number of rows' }) }).strict(),
  z
    .object({
      percent: z
        .number()
        .min(0, { error: 'must be from 0 to 100. Fix: give a percentage such as 2' })
        .max(100, { error: 'must be from 0 to 100. Fix: give a percentage such as 2' }),
    })
    .strict(),
]);

/** Where a report goes: s3://bucket/key.json or an absolute local path on the worker's host. */
export const reportUrl = z
  .string({ error: missingOr('text', "give s3://bucket/key.json or an absolute path on the worker's host") })
  .min(1, { error: "is empty. Fix: give s3://bucket/key.json or an absolute path on the worker's host" })
  .superRefine((loc, ctx) => {
    if (loc.startsWith('s3://')) {
      try {
        const { key } = parseS3Url(loc, 'report location');
        if (key === '' || key.endsWith('/')) {
          ctx.addIssue({
            code: 'custom',
            message: `"${loc}" names a folder. Fix: give an object key such as s3://bucket/reports/run.json`,
          });
        }
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    } else if (!path.isAbsolute(loc)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${loc}" is neither an S3 key nor an absolute path. Fix: give s3://bucket/key.json or an absolute path on the worker's host`,
      });
    }
  });

/** true or false (a switch such as dryRun or keepStaging). */
export const flag = z.boolean({ error: 'must be true or false. Fix: give true or false' });

/** A name Pinpoint gives a segment. */
export const segmentName = z
  .string({ error: missingOr('text', 'give a segment name') })
  .min(1, { error: 'is empty. Fix: give a segment name, or leave it out' })
  .max(64, { error: 'is longer than 64 characters. Fix: use a shorter name' });

/** A segment version needs its segment: the issue a pipeline's schema adds when it has the version alone. */
export function checkSegmentPair(v: { segmentId?: string; segmentVersion?: number }, ctx: z.RefinementCtx): void {
  if (v.segmentVersion !== undefined && v.segmentId === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['segmentVersion'],
      message: 'needs a segment id. Fix: give the segment id too, or leave the version out',
    });
  }
}
