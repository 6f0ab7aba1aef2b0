/**
 * Turns the raw option values of `export`, `import` and `sync` into workflow inputs, validating
 * everything before any remote call. Every error names the option, the problem and the fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EndpointFileFormat, ExportInput, ImportInput, PollPolicy, SyncInput, TransformSpec } from '../contracts';
import { parseS3Url } from '../contracts/s3-location';
import { CHANNEL_TYPES, transformSpecSchema } from '../transforms';
import { validateSyncInput } from '../inputs/sync-input';
import { InputError, validateExportInput, validateImportInput } from '../inputs';
import { HEX32, MAX_IMPORT_JOB_BYTES } from '../inputs/fields';
import type { BadInputError } from './errors';
import { CliError, badInput } from './errors';
import { ExitCode } from '../contracts/failures';
import { parseDurationMs, parseKeyValue, parseList, parseRejectLimit, parseSizeBytes } from './parse';
import { MAX_CONCURRENT_IMPORT_JOBS_SETTING, PINPOINT_MAX_IMPORT_JOB_TEXT } from '../contracts/limits';

/** Env defaults the local stack writes (so `audienceflow export --app X` works after `stack up`). */
export const ENV_S3_URL = 'AUDIENCEFLOW_S3_URL';
export const ENV_ROLE_ARN = 'AUDIENCEFLOW_ROLE_ARN';

const ROLE_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Splits a zod message written as "problem. Fix: fix". */
function toBadInput(flag: string, message: string): BadInputError {
  const at = message.indexOf('. Fix: ');
  return at >= 0 ? badInput(flag, message.slice(0, at), message.slice(at + 7)) : badInput(flag, message, `see --help`);
}

/** Parses `raw` with `schema`; the first issue becomes a BadInputError naming the option in `flags`. */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown, flags: Record<string, string>): z.output<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  throw toBadInput(flags[key] ?? (key ? `--${key}` : 'options'), issue?.message ?? 'invalid options');
}

const missing = (fix: string) => (iss: { input: unknown }) =>
  iss.input === undefined ? `is required. Fix: ${fix}` : `must be text. Fix: ${fix}`;

const applicationId = (flag: string) =>
  z.string({ error: missing(`pass ${flag} <application-id> (the Pinpoint project id)`) }).regex(HEX32, {
    error: (iss) =>
      `"${String(iss.input)}" is not a Pinpoint application id (32 lower-case hex characters). Fix: copy the id from \`aws pinpoint get-apps\` (or the emulator's create-app answer)`,
  });

/** An s3:// prefix; a missing trailing '/' is added (`s3://bucket/exports` means the prefix `exports/`). */
const s3Prefix = (flag: string, envName?: string) =>
  z
    .string({
      error: missing(
        `pass ${flag} s3://bucket/prefix/${envName ? ` or set ${envName} (\`audienceflow stack up\` does)` : ''}`,
      ),
    })
    .transform((url, ctx) => {
      try {
        const loc = parseS3Url(url);
        return loc.key === '' || loc.key.endsWith('/') ? url : `${url}/`;
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `${(e as Error).message.replace(/; write it as.*/, '')}. Fix: write it as s3://bucket/prefix/`,
        });
        return z.NEVER;
      }
    });

const roleArn = (flag: string) =>
  z
    .string({ error: missing(`pass ${flag} arn:aws:iam::<account>:role/<name> or set ${ENV_ROLE_ARN}`) })
    .regex(ROLE_ARN_RE, {
      error: (iss) =>
        `"${String(iss.input)}" is not an IAM role ARN. Fix: pass the role Pinpoint assumes, e.g. arn:aws:iam::123456789012:role/audienceflow`,
    });

const durationMs = (flag: string, min: number) =>
  z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined || ms < min) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a duration of at least ${min} ms. Fix: write e.g. 500ms, 10s, 5m, 6h or 1d`,
      });
      return z.NEVER;
    }
    return ms;
  });

const positiveInt = (flag: string, max: number) =>
  z.string().transform((text, ctx) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a whole number from 1 to ${max}. Fix: pass e.g. ${flag} 4`,
      });
      return z.NEVER;
    }
    return n;
  });

const rejectLimit = () =>
  z.string().transform((text, ctx) => {
    const limit = parseRejectLimit(text);
    if (!limit) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is neither a number of rows nor a percentage. Fix: pass e.g. --max-rejected 100 or --max-rejected 2%`,
      });
      return z.NEVER;
    }
    return limit;
  });

const sizeBytes = (min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const n = parseSizeBytes(text);
    if (n === undefined || n < min || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a size from ${min} bytes to ${max} bytes (Pinpoint's per-job limit is ${PINPOINT_MAX_IMPORT_JOB_TEXT}). Fix: write e.g. 500MB, 64MiB or 1GB`,
      });
      return z.NEVER;
    }
    return n;
  });

/** --provider of the endpoint commands (Pinpoint export without --provider aep, import, sync): pinpoint only. */
const provider = (command: 'export' | 'import' | 'sync') =>
  z
    .string()
    .default('pinpoint')
    .transform((p, ctx) => {
      const v = p.toLowerCase();
      if (v !== 'pinpoint') {
        ctx.addIssue({
          code: 'custom',
          message:
            v === 'aep'
              ? `Adobe Experience Platform has no endpoint ${command} (it exports profiles of segments). Fix: use --provider pinpoint for this, or \`audienceflow export --provider aep --segment <id> …\``
              : `"${p}" is not a supported provider. Fix: use pinpoint or aep`,
        });
        return z.NEVER;
      }
      return 'pinpoint' as const;
    });

/** A local path (resolved against cwd) or an s3:// key for a JSON report. */
const reportLocation = (cwd: string) =>
  z.string().transform((text, ctx) => {
    if (text.startsWith('s3://')) {
      try {
        parseS3Url(text);
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `${(e as Error).message}. Fix: write s3://bucket/key.json or a local path`,
        });
        return z.NEVER;
      }
      return text;
    }
    return path.resolve(cwd, text);
  });

/** Input field (dotted path, as src/inputs reports it) → the option that sets it. */
const COMMON_FIELD_FLAGS: Record<string, string> = {
  provider: '--provider',
  roleArn: '--role-arn',
  'poll.initialIntervalMs': '--poll-initial',
  'poll.maxIntervalMs': '--poll-max',
  'poll.maxWaitMs': '--max-wait',
  cancelGraceMs: '--cancel-grace',
  reportUrl: '--report',
  maxJobBytes: '--max-job-bytes',
  maxConcurrentJobs: '--max-concurrent-jobs',
  maxRejected: '--max-rejected',
  segmentId: '--segment-id',
  segmentVersion: '--segment-version',
};
const EXPORT_FIELD_FLAGS: Record<string, string> = {
  ...COMMON_FIELD_FLAGS,
  applicationId: '--app',
  s3Url: '--s3',
  downloadDir: '--download-dir',
};
export const IMPORT_FIELD_FLAGS: Record<string, string> = {
  ...COMMON_FIELD_FLAGS,
  applicationId: '--app',
  source: '<sources>',
  format: '--format',
  stagingUrl: '--staging',
  segmentName: '--segment-name',
};
const SYNC_FIELD_FLAGS: Record<string, string> = {
  ...COMMON_FIELD_FLAGS,
  sourceApplicationId: '--from-app',
  targetApplicationId: '--to-app',
  s3Url: '--s3',
  dryRun: '--dry-run',
  maxParallelTransfers: '--max-parallel-transfers',
  transform: '--keep-channels/--include-attributes/--set',
};

/** The option behind an input field path ("poll.maxWaitMs", "source.paths.0"). */
export function flagForField(field: string, flags: Record<string, string>): string {
  const parts = field.split('.');
  for (let i = parts.length; i > 0; i--) {
    const hit = flags[parts.slice(0, i).join('.')];
    if (hit) return hit;
  }
  return field;
}

/**
 * Runs the shared input validation (src/inputs, the same the workflow's first step applies) over
 * what the CLI built, so the CLI rejects exactly what the pipeline would, before any remote call.
 */
export function checked<T>(validate: (input: unknown) => T, flags: Record<string, string>, input: unknown): T {
  try {
    return validate(input);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const lines = e.issues.map((i) => `${flagForField(i.field, flags)}: ${i.message}`);
    throw new CliError(lines.join('\n'), ExitCode.BadInput);
  }
}

// ---- shared pieces ------------------------------------------------------------------------------

export interface PollRawOptions {
  pollInitial?: string;
  pollMax?: string;
  maxWait?: string;
  cancelGrace?: string;
}

export const pollShape = {
  pollInitial: durationMs('--poll-initial', 100).optional(),
  pollMax: durationMs('--poll-max', 100).optional(),
  maxWait: durationMs('--max-wait', 1_000).optional(),
  cancelGrace: durationMs('--cancel-grace', 1_000).optional(),
};

export const POLL_FLAGS = {
  pollInitial: '--poll-initial',
  pollMax: '--poll-max',
  maxWait: '--max-wait',
  cancelGrace: '--cancel-grace',
};

/** `--cancel-grace` as the input field (absent: the workflow's default, 1 h). */
function cancelGrace(o: { cancelGrace?: number }): { cancelGraceMs?: number } {
  return o.cancelGrace === undefined ? {} : { cancelGraceMs: o.cancelGrace };
}

export function pollPolicy(p: {
  pollInitial?: number;
  pollMax?: number;
  maxWait?: number;
}): Partial<PollPolicy> | undefined {
  const out: Partial<PollPolicy> = {};
  if (p.pollInitial !== undefined) out.initialIntervalMs = p.pollInitial;
  if (p.pollMax !== undefined) out.maxIntervalMs = p.pollMax;
  if (p.maxWait !== undefined) out.maxWaitMs = p.maxWait;
  if (
    out.initialIntervalMs !== undefined &&
    out.maxIntervalMs !== undefined &&
    out.initialIntervalMs > out.maxIntervalMs
  ) {
    throw badInput(
      '--poll-initial',
      `${out.initialIntervalMs} ms is longer than --poll-max (${out.maxIntervalMs} ms)`,
      'make --poll-initial at most --poll-max',
    );
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function segment(
  segmentId: string | undefined,
  segmentVersion: number | undefined,
): { segmentId?: string; segmentVersion?: number } {
  if (segmentVersion !== undefined && segmentId === undefined) {
    throw badInput('--segment-version', 'needs a segment', 'pass --segment-id <id> too, or drop --segment-version');
  }
  return { ...(segmentId !== undefined && { segmentId }), ...(segmentVersion !== undefined && { segmentVersion }) };
}

const segmentShape = {
  segmentId: z
    .string()
    .regex(HEX32, {
      error: (iss) =>
        `"${String(iss.input)}" is not a segment id (32 lower-case hex characters). Fix: copy the id from \`aws pinpoint get-segments\``,
    })
    .optional(),
  segmentVersion: positiveInt('--segment-version', 1_000_000).optional(),
};

// ---- export ------------------------------------------------------------------------------------

export interface ExportRawOptions extends PollRawOptions {
  app?: string;
  s3?: string;
  roleArn?: string;
  segmentId?: string;
  segmentVersion?: string;
  downloadDir?: string;
  provider?: string;
}

const EXPORT_FLAGS: Record<string, string> = {
  app: '--app',
  s3: '--s3',
  roleArn: '--role-arn',
  segmentId: '--segment-id',
  segmentVersion: '--segment-version',
  downloadDir: '--download-dir',
  provider: '--provider',
  ...POLL_FLAGS,
};

export function buildExportInput(
  raw: ExportRawOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ExportInput {
  const o = parseOptions(
    z.object({
      app: applicationId('--app'),
      s3: s3Prefix('--s3', ENV_S3_URL),
      roleArn: roleArn('--role-arn'),
      downloadDir: z.string().min(1).optional(),
      provider: provider('export'),
      ...segmentShape,
      ...pollShape,
    }),
    { ...raw, s3: raw.s3 ?? env[ENV_S3_URL], roleArn: raw.roleArn ?? env[ENV_ROLE_ARN] },
    EXPORT_FLAGS,
  );
  const poll = pollPolicy(o);
  return checked(validateExportInput, EXPORT_FIELD_FLAGS, {
    provider: o.provider,
    applicationId: o.app,
    s3Url: o.s3,
    roleArn: o.roleArn,
    ...segment(o.segmentId, o.segmentVersion),
    ...(o.downloadDir !== undefined && { downloadDir: resolveDownloadDir(o.downloadDir, cwd) }),
    ...(poll && { poll }),
    ...cancelGrace(o),
  });
}

// ---- import ------------------------------------------------------------------------------------

export interface ImportRawOptions extends PollRawOptions {
  app?: string;
  format?: string;
  staging?: string;
  roleArn?: string;
  registerEndpoints?: boolean;
  segmentName?: string;
  report?: string;
  maxJobBytes?: string;
  maxConcurrentJobs?: string;
  maxRejected?: string;
  keepStaging?: boolean;
  provider?: string;
}

const IMPORT_FLAGS: Record<string, string> = {
  app: '--app',
  format: '--format',
  staging: '--staging',
  roleArn: '--role-arn',
  segmentName: '--segment-name',
  report: '--report',
  maxJobBytes: '--max-job-bytes',
  maxConcurrentJobs: '--max-concurrent-jobs',
  maxRejected: '--max-rejected',
  provider: '--provider',
  ...POLL_FLAGS,
};

/** `csv` / `json` / `ndjson` (any case) → the Pinpoint format name. */
function parseFormat(text: string): EndpointFileFormat | undefined {
  const v = text.trim().toLowerCase();
  if (v === 'csv') return 'CSV';
  if (v === 'json' || v === 'ndjson' || v === 'jsonl') return 'JSON';
  return undefined;
}

/** The format a file name suggests (`.csv`, `.json`, `.ndjson`, `.jsonl`, optionally `.gz`). */
export function formatFromName(name: string): EndpointFileFormat | undefined {
  const m = /\.(csv|json|ndjson|jsonl)(\.gz)?$/i.exec(name);
  return m?.[1] ? parseFormat(m[1]) : undefined;
}

/**
 * The download directory as an absolute path, refused when it (or a folder on its way) is a file.
 * It is created by the worker when missing; the worker checks again on its own host.
 */
export function resolveDownloadDir(dir: string, cwd = process.cwd()): string {
  const abs = path.resolve(cwd, dir);
  let blocker = abs;
  while (!fs.existsSync(blocker) && path.dirname(blocker) !== blocker) blocker = path.dirname(blocker);
  if (fs.existsSync(blocker) && !fs.statSync(blocker).isDirectory()) {
    throw badInput(
      '--download-dir',
      blocker === abs ? `"${abs}" is a file, not a directory` : `"${blocker}" on the way to "${abs}" is a file`,
      'name a directory (it is created when missing)',
    );
  }
  return abs;
}

/**
 * Resolves local source files to absolute paths and checks that each exists, is a regular file
 * and is readable. The worker reads them, so it must run on this host.
 */
function resolveLocalFiles(paths: string[], cwd = process.cwd()): string[] {
  return paths.map((p) => {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw badInput(
        '<source>',
        `file "${abs}" does not exist`,
        'check the path (relative paths are resolved against the current directory)',
      );
    }
    if (!stat.isFile())
      throw badInput('<source>', `"${abs}" is not a file`, 'pass the CSV or NDJSON files themselves, not a directory');
    try {
      fs.accessSync(abs, fs.constants.R_OK);
    } catch {
      throw badInput(
        '<source>',
        `file "${abs}" is not readable`,
        'fix its permissions (the worker reads it on this host)',
      );
    }
    return abs;
  });
}

export function buildImportInput(
  sources: string[],
  raw: ImportRawOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ImportInput {
  if (sources.length === 0) {
    throw badInput('<source>', 'no source given', 'pass local files (a.csv b.ndjson) or one s3://bucket/prefix/ URL');
  }
  const s3Sources = sources.filter((s) => s.startsWith('s3://'));
  if (s3Sources.length > 0 && (s3Sources.length !== 1 || sources.length !== 1)) {
    throw badInput(
      '<source>',
      'mixes S3 URLs and local files or gives several S3 URLs',
      'pass either local files or one s3:// object or prefix',
    );
  }
  const o = parseOptions(
    z.object({
      app: applicationId('--app'),
      format: z
        .string()
        .transform((text, ctx) => {
          const f = parseFormat(text);
          if (!f) {
            ctx.addIssue({
              code: 'custom',
              message: `"${text}" is not a format. Fix: use csv or json (newline-delimited JSON)`,
            });
            return z.NEVER;
          }
          return f;
        })
        .optional(),
      staging: z.string().optional(),
      roleArn: roleArn('--role-arn'),
      registerEndpoints: z.boolean().default(true),
      segmentName: z
        .string()
        .min(1, { error: 'is empty. Fix: pass a segment name or drop --segment-name' })
        .max(64, { error: 'is longer than 64 characters. Fix: use a shorter name' })
        .optional(),
      report: reportLocation(cwd).optional(),
      maxJobBytes: sizeBytes(1_024, MAX_IMPORT_JOB_BYTES).optional(),
      maxConcurrentJobs: positiveInt('--max-concurrent-jobs', MAX_CONCURRENT_IMPORT_JOBS_SETTING).optional(),
      maxRejected: rejectLimit().optional(),
      keepStaging: z.boolean().default(false),
      provider: provider('import'),
      ...pollShape,
    }),
    { ...raw, roleArn: raw.roleArn ?? env[ENV_ROLE_ARN] },
    IMPORT_FLAGS,
  );

  let source: ImportInput['source'];
  let format = o.format;
  let stagingUrl: string | undefined;
  const s3Source = s3Sources[0];
  if (s3Source !== undefined) {
    try {
      parseS3Url(s3Source, 'source');
    } catch (e) {
      throw badInput(
        '<source>',
        (e as Error).message.replace(/; write it as.*/, ''),
        'write it as s3://bucket/key or s3://bucket/prefix/',
      );
    }
    source = { kind: 's3', s3Url: s3Source };
    format ??= formatFromName(s3Source);
    if (!format)
      throw badInput('--format', `cannot tell the format of "${s3Source}"`, 'pass --format csv or --format json');
    // Only when given: a source over the per-job limit is copied, in groups, under it (one folder per job).
    if (o.staging !== undefined) {
      stagingUrl = parseOptions(
        z.object({ staging: s3Prefix('--staging') }),
        { staging: o.staging },
        IMPORT_FLAGS,
      ).staging;
    }
  } else {
    const files = resolveLocalFiles(sources, cwd);
    const guessed = new Set(files.map((f) => formatFromName(f)));
    if (!format) {
      const only = guessed.size === 1 ? [...guessed][0] : undefined;
      if (!only) {
        throw badInput(
          '--format',
          'cannot tell the format from the file names (or they differ)',
          'pass --format csv or --format json, and import one format per run',
        );
      }
      format = only;
    }
    source = { kind: 'local', paths: files };
    stagingUrl = parseOptions(
      z.object({ staging: s3Prefix('--staging', ENV_S3_URL) }),
      { staging: o.staging ?? env[ENV_S3_URL] },
      IMPORT_FLAGS,
    ).staging;
  }
  const poll = pollPolicy(o);
  return checked(validateImportInput, IMPORT_FIELD_FLAGS, {
    provider: o.provider,
    applicationId: o.app,
    source,
    format,
    ...(stagingUrl !== undefined && { stagingUrl }),
    roleArn: o.roleArn,
    registerEndpoints: o.registerEndpoints,
    ...(o.segmentName !== undefined && { segmentName: o.segmentName }),
    ...(o.report !== undefined && { reportUrl: o.report }),
    ...(o.maxJobBytes !== undefined && { maxJobBytes: o.maxJobBytes }),
    ...(o.maxConcurrentJobs !== undefined && { maxConcurrentJobs: o.maxConcurrentJobs }),
    ...(o.maxRejected !== undefined && { maxRejected: o.maxRejected }),
    ...(o.keepStaging && { keepStaging: true }),
    ...(poll && { poll }),
    ...cancelGrace(o),
  });
}

// ---- sync --------------------------------------------------------------------------------------

export interface SyncRawOptions extends PollRawOptions {
  fromApp?: string;
  toApp?: string;
  s3?: string;
  roleArn?: string;
  segmentId?: string;
  segmentVersion?: string;
  keepChannels?: string;
  dropOptedOut?: boolean;
  dropInactive?: boolean;
  includeAttributes?: string;
  excludeAttributes?: string;
  renameAttribute?: string[];
  set?: string[];
  dryRun?: boolean;
  maxParallelTransfers?: string;
  maxJobBytes?: string;
  maxConcurrentJobs?: string;
  maxRejected?: string;
  keepStaging?: boolean;
  report?: string;
  provider?: string;
}

const SYNC_FLAGS: Record<string, string> = {
  fromApp: '--from-app',
  toApp: '--to-app',
  s3: '--s3',
  roleArn: '--role-arn',
  segmentId: '--segment-id',
  segmentVersion: '--segment-version',
  keepChannels: '--keep-channels',
  includeAttributes: '--include-attributes',
  excludeAttributes: '--exclude-attributes',
  renameAttribute: '--rename-attribute',
  set: '--set',
  maxParallelTransfers: '--max-parallel-transfers',
  maxJobBytes: '--max-job-bytes',
  maxConcurrentJobs: '--max-concurrent-jobs',
  maxRejected: '--max-rejected',
  report: '--report',
  provider: '--provider',
  ...POLL_FLAGS,
};

const TRANSFORM_FLAGS: Record<string, string> = {
  keepChannelTypes: '--keep-channels',
  dropOptedOut: '--drop-opted-out',
  dropInactive: '--drop-inactive',
  includeAttributes: '--include-attributes',
  excludeAttributes: '--exclude-attributes',
  renameAttributes: '--rename-attribute',
  set: '--set',
};

const TRANSFORM_FIXES: Record<string, string> = {
  keepChannelTypes: `use a comma-separated list of ${CHANNEL_TYPES.join(', ')}`,
  includeAttributes: 'pass a comma-separated list of attribute names, e.g. plan,region',
  excludeAttributes: 'pass a comma-separated list of attribute names, e.g. plan,region',
  renameAttributes: 'write it as --rename-attribute oldName=newName (repeatable)',
  set: 'write it as --set Location.Country=US or --set Attributes.source=sync (repeatable)',
};

function pairs(items: string[] | undefined, flag: string, fix: string): Record<string, string> | undefined {
  if (!items?.length) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    const kv = parseKeyValue(item);
    if (!kv) throw badInput(flag, `"${item}" is not key=value`, fix);
    out[kv[0]] = kv[1];
  }
  return out;
}

/**
 * Builds the declarative transform from the sync options and validates it with the shared
 * schema (src/transforms); undefined when no transform option is set.
 */
export function buildTransform(raw: SyncRawOptions): TransformSpec | undefined {
  const spec: Record<string, unknown> = {};
  if (raw.keepChannels !== undefined) spec.keepChannelTypes = parseList(raw.keepChannels).map((c) => c.toUpperCase());
  if (raw.dropOptedOut) spec.dropOptedOut = true;
  if (raw.dropInactive) spec.dropInactive = true;
  if (raw.includeAttributes !== undefined) spec.includeAttributes = parseList(raw.includeAttributes);
  if (raw.excludeAttributes !== undefined) spec.excludeAttributes = parseList(raw.excludeAttributes);
  const rename = pairs(raw.renameAttribute, '--rename-attribute', TRANSFORM_FIXES.renameAttributes ?? '');
  if (rename) spec.renameAttributes = rename;
  const set = pairs(raw.set, '--set', TRANSFORM_FIXES.set ?? '');
  if (set) spec.set = set;
  if (Object.keys(spec).length === 0) return undefined;
  const r = transformSpecSchema.safeParse(spec);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  throw badInput(
    TRANSFORM_FLAGS[key] ?? '--transform',
    issue?.message ?? 'invalid transform',
    TRANSFORM_FIXES[key] ?? 'see --help',
  );
}

export function buildSyncInput(
  raw: SyncRawOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): SyncInput {
  const o = parseOptions(
    z.object({
      fromApp: applicationId('--from-app'),
      toApp: applicationId('--to-app'),
      s3: s3Prefix('--s3', ENV_S3_URL),
      roleArn: roleArn('--role-arn'),
      dryRun: z.boolean().default(false),
      maxParallelTransfers: positiveInt('--max-parallel-transfers', 64).optional(),
      maxJobBytes: sizeBytes(1_024, MAX_IMPORT_JOB_BYTES).optional(),
      maxConcurrentJobs: positiveInt('--max-concurrent-jobs', MAX_CONCURRENT_IMPORT_JOBS_SETTING).optional(),
      maxRejected: rejectLimit().optional(),
      keepStaging: z.boolean().default(false),
      report: reportLocation(cwd).optional(),
      provider: provider('sync'),
      ...segmentShape,
      ...pollShape,
    }),
    { ...raw, s3: raw.s3 ?? env[ENV_S3_URL], roleArn: raw.roleArn ?? env[ENV_ROLE_ARN] },
    SYNC_FLAGS,
  );
  if (o.fromApp === o.toApp) {
    throw badInput('--to-app', 'is the same application as --from-app', 'sync into a different application');
  }
  const transform = buildTransform(raw);
  const poll = pollPolicy(o);
  return checked(validateSyncInput, SYNC_FIELD_FLAGS, {
    provider: o.provider,
    sourceApplicationId: o.fromApp,
    targetApplicationId: o.toApp,
    ...segment(o.segmentId, o.segmentVersion),
    s3Url: o.s3,
    roleArn: o.roleArn,
    ...(transform && { transform }),
    ...(o.dryRun && { dryRun: true }),
    ...(o.maxParallelTransfers !== undefined && { maxParallelTransfers: o.maxParallelTransfers }),
    ...(o.maxJobBytes !== undefined && { maxJobBytes: o.maxJobBytes }),
    ...(o.maxConcurrentJobs !== undefined && { maxConcurrentJobs: o.maxConcurrentJobs }),
    ...(o.report !== undefined && { reportUrl: o.report }),
    ...(o.maxRejected !== undefined && { maxRejected: o.maxRejected }),
    ...(o.keepStaging && { keepStaging: true }),
    ...(poll && { poll }),
    ...cancelGrace(o),
  });
}
