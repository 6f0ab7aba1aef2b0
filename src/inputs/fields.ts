/**
 * zod schemas of the single fields pipelines take. Every message names what is wrong and how to fix it.
 * Not imported by workflows (zod stays out of the sandbox); the CLI and the first activity use them.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseS3Url } from '../contracts';
import {
  MAX_CONCURRENT_IMPORT_JOBS_SETTING,
  PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT,
  PINPOINT_MAX_IMPORT_JOB_BYTES,
  PINPOINT_MAX_IMPORT_JOB_TEXT,
} from '../contracts/limits';

export const HEX32 = /^[0-9a-f]{32}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Pinpoint's per-job import limit. */
export const MAX_IMPORT_JOB_BYTES = PINPOINT_MAX_IMPORT_JOB_BYTES;

export const providerName = z.enum(['pinpoint', 'aep'], {
  error: 'provider must be "pinpoint" or "aep"',
});

/** The command that exports AEP profiles: what an endpoint pipeline given provider "aep" points to. */
const AEP_EXPORT_HINT = 'AEP profiles are exported with `audienceflow export --provider aep --segment <id> …`';

/** The provider of an endpoint pipeline (export/import/sync of Pinpoint endpoints through S3): Pinpoint only. */
export const endpointProvider = (pipeline: 'export' | 'import' | 'sync') =>
  providerName.refine((p) => p === 'pinpoint', {
    error: `Adobe Experience Platform has no endpoint ${pipeline}; use provider "pinpoint" (${AEP_EXPORT_HINT})`,
  });

export const applicationId = z
  .string({ error: 'application id is required; pass the Pinpoint project id with --app' })
  .regex(HEX32, {
    error: (iss) =>
      `"${String(iss.input)}" is not a Pinpoint application id (32 lower-case hex characters, as shown by \`aws pinpoint get-apps\`); check --app`,
  });

export const segmentId = z.string().regex(HEX32, {
  error: (iss) => `"${String(iss.input)}" is not a segment id (32 lower-case hex characters); check the segment id`,
});

export const segmentVersion = z
  .number({ error: 'segment version must be a number' })
  .int({ error: 'segment version must be a whole number (1, 2, …)' })
  .min(1, { error: 'segment version starts at 1' });

export const roleArn = z
  .string({ error: 'role ARN is required: the IAM role Pinpoint assumes to reach the bucket' })
  .regex(ROLE_ARN, {
    error: (iss) =>
      `"${String(iss.input)}" is not an IAM role ARN; write it as arn:aws:iam::<12-digit account>:role/<name>`,
  });

function s3UrlSchema(what: string) {
  return z.string({ error: `${what} is required (s3://bucket/prefix/)` }).superRefine((url, ctx) => {
    try {
      parseS3Url(url, what);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
}

/** s3://bucket/prefix/ — a trailing slash is added when missing (a prefix is a folder). */
export const s3Prefix = (what: string) =>
  s3UrlSchema(what).transform((url) => (url.endsWith('/') || /^s3:\/\/[^/]+$/.test(url) ? url : `${url}/`));

/** s3://bucket/key or s3://bucket/prefix/ as given. */
export const s3Url = (what: string) => s3UrlSchema(what);

export const absolutePath = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .min(1, { error: `${what} is empty; give a path` })
    .refine((p) => path.isAbsolute(p), {
      error: (iss) =>
        `${what} "${String(iss.input)}" must be an absolute path on the worker's host (the CLI resolves relative paths)`,
    })
    .refine((p) => !p.includes('\0'), { error: `${what} contains a NUL character` });

export const endpointFormat = z.enum(['CSV', 'JSON'], {
  error: (iss) => `format "${String(iss.input)}" is not supported; use CSV or JSON (newline-delimited JSON)`,
});

const intervalMs = (what: string) =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int({ error: `${what} must be a whole number of milliseconds` })
    .min(10, { error: `${what} must be at least 10 ms` });

/** After a cancel, how long the follow-up waits for a job still running (`--cancel-grace`). */
export const cancelGraceMs = intervalMs('cancelGraceMs');

export const pollPolicy = z
  .object({
    initialIntervalMs: intervalMs('poll initialIntervalMs').optional(),
    maxIntervalMs: intervalMs('poll maxIntervalMs').optional(),
    maxWaitMs: intervalMs('poll maxWaitMs').optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.initialIntervalMs !== undefined && p.maxIntervalMs !== undefined && p.maxIntervalMs < p.initialIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxIntervalMs'],
        message: `poll maxIntervalMs (${p.maxIntervalMs}) is below initialIntervalMs (${p.initialIntervalMs}); raise it or lower the initial interval`,
      });
    }
    if (p.maxWaitMs !== undefined && p.initialIntervalMs !== undefined && p.maxWaitMs < p.initialIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxWaitMs'],
        message: `poll maxWaitMs (${p.maxWaitMs}) is shorter than one poll interval; raise it`,
      });
    }
  });

export const maxJobBytes = z
  .number({ error: 'maxJobBytes must be a number of bytes' })
  .int({ error: 'maxJobBytes must be a whole number of bytes' })
  .min(1024, { error: 'maxJobBytes must be at least 1024 bytes' })
  .max(MAX_IMPORT_JOB_BYTES, {
    error: `maxJobBytes may not exceed Pinpoint's per-job limit of ${PINPOINT_MAX_IMPORT_JOB_TEXT}`,
  });

export const maxConcurrentJobs = z
  .number({ error: 'maxConcurrentJobs must be a number' })
  .int({ error: 'maxConcurrentJobs must be a whole number' })
  .min(1, { error: 'maxConcurrentJobs must be at least 1' })
  .max(MAX_CONCURRENT_IMPORT_JOBS_SETTING, {
    error: `maxConcurrentJobs may not exceed ${MAX_CONCURRENT_IMPORT_JOBS_SETTING} (${PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT})`,
  });

/** `--max-rejected`: a number of rows, or a percentage of the rows. */
export const maxRejected = z.union([
  z.object({ count: z.number().int().min(0, { error: 'maxRejected.count must be 0 or more' }) }).strict(),
  z
    .object({
      percent: z
        .number()
        .min(0, { error: 'maxRejected.percent must be from 0 to 100' })
        .max(100, { error: 'maxRejected.percent must be from 0 to 100' }),
    })
    .strict(),
]);

/** Where a report goes: s3://bucket/key.json or an absolute local path on the worker's host. */
export const reportUrl = z
  .string()
  .min(1, { error: 'report location is empty' })
  .superRefine((loc, ctx) => {
    if (loc.startsWith('s3://')) {
      try {
        const { key } = parseS3Url(loc, 'report location');
        if (key === '' || key.endsWith('/')) {
          ctx.addIssue({
            code: 'custom',
            message: `report location "${loc}" names a folder; give an object key such as s3://bucket/reports/run.json`,
          });
        }
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    } else if (!path.isAbsolute(loc)) {
      ctx.addIssue({
        code: 'custom',
        message: `report location "${loc}" must be s3://bucket/key.json or an absolute path on the worker's host`,
      });
    }
  });
