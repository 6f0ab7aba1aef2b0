/**
 * The flags of `export`, `import` and `sync` (each declared once: syntax, help, the input field it sets) and the
 * inputs they build. The pipeline's input schema (src/inputs) checks every input before any remote call; the CLI adds
 * only what is its own: environment fallbacks, local files and folders, the sources on the command line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ENV_ROLE_ARN, ENV_S3_URL } from '../config';
import type { ExportInput, ImportInput, SyncInput } from '../contracts';
import { DEFAULT_CANCEL_GRACE_MS, graceText } from '../contracts/cancel-followup';
import { DEFAULT_POLL_POLICY } from '../contracts/poll';
import {
  PINPOINT_CONCURRENT_IMPORT_JOBS,
  PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT,
  PINPOINT_MAX_IMPORT_JOB_TEXT,
} from '../contracts/limits';
import { validateExportInput, validateImportInput, validateSyncInput } from '../inputs';
import { badInput } from './errors';
import {
  downloadDir,
  durationMs,
  endpointFormat,
  formatFromName,
  list,
  lowerCase,
  pairs,
  rejectLimit,
  s3OrLocalPath,
  sizeBytes,
  upperCaseList,
  wholeNumber,
} from './flag-values';
import type { PipelineFlag } from './flags';
import { inputFromFlags, validatedInput } from './flags';

/** The options as commander hands them over (keys: the flags in camelCase). */
export type FlagValues = Readonly<Record<string, unknown>>;

// ---- flags shared by several pipelines ----------------------------------------------------------

const defaultDuration = (ms: number): string => `(default: ${graceText(ms)})`;

export const POLL_FLAGS: readonly PipelineFlag[] = [
  {
    syntax: '--poll-initial <duration>',
    help: `first interval between job status polls, e.g. 1s ${defaultDuration(DEFAULT_POLL_POLICY.initialIntervalMs)}`,
    field: 'poll.initialIntervalMs',
    text: durationMs,
  },
  {
    syntax: '--poll-max <duration>',
    help: `longest interval between polls; the interval doubles up to it ${defaultDuration(DEFAULT_POLL_POLICY.maxIntervalMs)}`,
    field: 'poll.maxIntervalMs',
    text: durationMs,
  },
  {
    syntax: '--max-wait <duration>',
    help: `give up when the job is not finished after this long ${defaultDuration(DEFAULT_POLL_POLICY.maxWaitMs)}`,
    field: 'poll.maxWaitMs',
    text: durationMs,
  },
];

export const CANCEL_GRACE_FLAG: PipelineFlag = {
  syntax: '--cancel-grace <duration>',
  help: `after a cancel, how long a follow-up workflow waits for a job still running before deleting what it wrote ${defaultDuration(DEFAULT_CANCEL_GRACE_MS)}`,
  field: 'cancelGraceMs',
  text: durationMs,
};

const PROVIDER_FLAG: PipelineFlag = {
  syntax: '--provider <name>',
  help: 'audience platform: pinpoint, or aep (Adobe Experience Platform; `export` only)',
  field: 'provider',
  text: lowerCase,
  default: 'pinpoint',
};

/** Polling, cancel grace and provider: the last flags of every endpoint pipeline. */
export const JOB_FLAGS: readonly PipelineFlag[] = [...POLL_FLAGS, CANCEL_GRACE_FLAG, PROVIDER_FLAG];

const roleArnFlag = (help: string): PipelineFlag => ({
  syntax: '--role-arn <arn>',
  help: `${help} (default: $${ENV_ROLE_ARN})`,
  field: 'roleArn',
  env: ENV_ROLE_ARN,
});

export const MAX_JOB_BYTES_FLAG: PipelineFlag = {
  syntax: '--max-job-bytes <size>',
  help: `split the import into jobs no larger than this, e.g. 500MB (default: the Pinpoint limit, ${PINPOINT_MAX_IMPORT_JOB_TEXT})`,
  field: 'maxJobBytes',
  text: sizeBytes,
};

const IMPORT_JOB_FLAGS: readonly PipelineFlag[] = [
  {
    syntax: '--max-concurrent-jobs <n>',
    help: `import jobs running at once (default ${PINPOINT_CONCURRENT_IMPORT_JOBS}: ${PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT})`,
    field: 'maxConcurrentJobs',
    text: wholeNumber,
  },
  {
    syntax: '--max-rejected <n|p%>',
    help: 'fail the run (TooManyRejected) when more rows are rejected than this: a number of rows, or a percentage such as 2% (default: no limit)',
    field: 'maxRejected',
    text: rejectLimit,
  },
  {
    syntax: '--keep-staging',
    help: 'keep what the run staged for its jobs (uploaded parts, job copies, exported pieces); default: deleted when the run ends',
    field: 'keepStaging',
    default: false,
  },
];

const reportFlag = (help: string): PipelineFlag => ({
  syntax: '--report <location>',
  help,
  field: 'reportUrl',
  text: s3OrLocalPath,
});

// ---- export --------------------------------------------------------------------------------------

/** The Pinpoint flags of `export` (the AEP ones are in aep-export.ts); `--download-dir` serves both. */
export const EXPORT_FLAGS: readonly PipelineFlag[] = [
  { syntax: '--app <id>', help: 'Pinpoint: application (project) id to export', field: 'applicationId' },
  {
    syntax: '--s3 <url>',
    help: `Pinpoint: S3 prefix the export job writes to, s3://bucket/prefix/ (default: $${ENV_S3_URL})`,
    field: 's3Url',
    env: ENV_S3_URL,
  },
  roleArnFlag('Pinpoint: IAM role Pinpoint assumes to write to the bucket'),
  {
    syntax: '--segment-id <id>',
    help: 'Pinpoint: export only this segment (default: all endpoints)',
    field: 'segmentId',
  },
  {
    syntax: '--segment-version <n>',
    help: 'Pinpoint: segment version (needs --segment-id; default: latest)',
    field: 'segmentVersion',
    text: wholeNumber,
  },
  {
    syntax: '--download-dir <dir>',
    help:
      "download the exported files here, on the worker's host (resolved to an absolute path); " +
      'Pinpoint: optional; AEP: required (the Parquet files)',
    field: 'downloadDir',
    text: downloadDir,
  },
];

export function buildExportInput(
  raw: FlagValues,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ExportInput {
  const defs = [...EXPORT_FLAGS, ...JOB_FLAGS];
  return validatedInput(validateExportInput, inputFromFlags(raw, defs, env, cwd), defs);
}

// ---- import --------------------------------------------------------------------------------------

export const IMPORT_FLAGS: readonly PipelineFlag[] = [
  { syntax: '--app <id>', help: 'Pinpoint application (project) id to import into', field: 'applicationId' },
  {
    syntax: '--format <format>',
    help: 'csv or json (newline-delimited); default: from the file extension',
    field: 'format',
    text: endpointFormat,
  },
  {
    syntax: '--staging <url>',
    help:
      `S3 prefix where local files are uploaded, s3://bucket/prefix/ (default: $${ENV_S3_URL}); for an S3 source ` +
      'over the per-job limit, where its files are copied for the jobs (no default)',
    field: 'stagingUrl',
    env: ENV_S3_URL,
  },
  roleArnFlag('IAM role Pinpoint assumes to read the bucket'),
  {
    syntax: '--no-register-endpoints',
    help: 'do not register the endpoints (default: register them)',
    field: 'registerEndpoints',
    default: true,
  },
  {
    syntax: '--segment-name <name>',
    help: 'also create a segment with this name from the imported endpoints',
    field: 'segmentName',
  },
  reportFlag("where the JSON failure report goes: s3://bucket/key.json or a path on the worker's host"),
  MAX_JOB_BYTES_FLAG,
  ...IMPORT_JOB_FLAGS,
  ...JOB_FLAGS,
];

/** Input fields no flag sets, and what the user gave for them. */
const IMPORT_OTHER_FIELDS = { source: '<sources>' };

/** Checks that each local source file exists, is a regular file and is readable: the worker on this host reads them. */
function checkLocalFiles(paths: string[]): void {
  for (const abs of paths) {
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
  }
}

/** The import source from the command line: local files (made absolute), or one s3:// object or prefix. */
function importSource(sources: string[], cwd: string): ImportInput['source'] {
  if (sources.length === 0) {
    throw badInput('<source>', 'no source given', 'pass local files (a.csv b.ndjson) or one s3://bucket/prefix/ URL');
  }
  const s3Sources = sources.filter((s) => s.startsWith('s3://'));
  if (s3Sources.length === 0) return { kind: 'local', paths: sources.map((p) => path.resolve(cwd, p)) };
  if (s3Sources.length !== 1 || sources.length !== 1) {
    throw badInput(
      '<source>',
      'mixes S3 URLs and local files or gives several S3 URLs',
      'pass either local files or one s3:// object or prefix',
    );
  }
  return { kind: 's3', s3Url: s3Sources[0] ?? '' };
}

/** The format of the sources, from their names, when --format is not given. */
function formatOfSources(source: ImportInput['source']): string {
  if (source.kind === 's3') {
    const format = formatFromName(source.s3Url);
    if (!format)
      throw badInput('--format', `cannot tell the format of "${source.s3Url}"`, 'pass --format csv or --format json');
    return format;
  }
  const guessed = new Set(source.paths.map((f) => formatFromName(f)));
  const only = guessed.size === 1 ? [...guessed][0] : undefined;
  if (!only) {
    throw badInput(
      '--format',
      'cannot tell the format from the file names (or they differ)',
      'pass --format csv or --format json, and import one format per run',
    );
  }
  return only;
}

export function buildImportInput(
  sources: string[],
  raw: FlagValues,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ImportInput {
  const source = importSource(sources, cwd);
  // An S3 source is staged only when --staging is given (a source over the per-job limit is copied there in groups).
  const flagEnv = source.kind === 's3' ? { ...env, [ENV_S3_URL]: undefined } : env;
  const draft = inputFromFlags(raw, IMPORT_FLAGS, flagEnv, cwd);
  draft.source = source;
  draft.format ??= formatOfSources(source);
  const input = validatedInput(validateImportInput, draft, IMPORT_FLAGS, IMPORT_OTHER_FIELDS);
  if (input.source.kind === 'local') checkLocalFiles(input.source.paths);
  return input;
}

// ---- sync ----------------------------------------------------------------------------------------

/** The transform flags of `sync`: each sets one field of the declarative transform (src/transforms). */
const TRANSFORM_FLAGS: readonly PipelineFlag[] = [
  {
    syntax: '--keep-channels <list>',
    help: 'keep only these channel types, comma-separated, e.g. EMAIL,SMS',
    field: 'transform.keepChannelTypes',
    text: upperCaseList,
  },
  {
    syntax: '--drop-opted-out',
    help: 'drop endpoints whose OptOut is ALL',
    field: 'transform.dropOptedOut',
    default: false,
  },
  {
    syntax: '--drop-inactive',
    help: 'drop endpoints whose EndpointStatus is INACTIVE',
    field: 'transform.dropInactive',
    default: false,
  },
  {
    syntax: '--include-attributes <list>',
    help: 'keep only these attributes (Attributes, Metrics, User.UserAttributes)',
    field: 'transform.includeAttributes',
    text: list,
  },
  {
    syntax: '--exclude-attributes <list>',
    help: 'drop these attributes',
    field: 'transform.excludeAttributes',
    text: list,
  },
  {
    syntax: '--rename-attribute <old=new>',
    help: 'rename an attribute (repeatable)',
    field: 'transform.renameAttributes',
    list: pairs('write it as --rename-attribute oldName=newName (repeatable)'),
  },
  {
    syntax: '--set <path=value>',
    help: 'set a field on every endpoint, e.g. Attributes.source=sync (repeatable)',
    field: 'transform.set',
    list: pairs('write it as --set Location.Country=US or --set Attributes.source=sync (repeatable)'),
  },
];

export const SYNC_FLAGS: readonly PipelineFlag[] = [
  { syntax: '--from-app <id>', help: 'source application id (exported)', field: 'sourceApplicationId' },
  { syntax: '--to-app <id>', help: 'target application id (imported into)', field: 'targetApplicationId' },
  {
    syntax: '--s3 <url>',
    help: `S3 work area, s3://bucket/prefix/ (default: $${ENV_S3_URL})`,
    field: 's3Url',
    env: ENV_S3_URL,
  },
  roleArnFlag('IAM role Pinpoint assumes for the bucket'),
  {
    syntax: '--segment-id <id>',
    help: 'sync only this segment of the source (default: all endpoints)',
    field: 'segmentId',
  },
  {
    syntax: '--segment-version <n>',
    help: 'segment version (needs --segment-id)',
    field: 'segmentVersion',
    text: wholeNumber,
  },
  ...TRANSFORM_FLAGS,
  {
    syntax: '--dry-run',
    help: 'report what would be imported and rejected without creating an import job',
    field: 'dryRun',
    default: false,
  },
  {
    syntax: '--max-parallel-transfers <n>',
    help: 'pieces transferred at once (default: the workflow default)',
    field: 'maxParallelTransfers',
    text: wholeNumber,
  },
  MAX_JOB_BYTES_FLAG,
  ...IMPORT_JOB_FLAGS,
  reportFlag("where the failure report goes: s3://bucket/key.json or a path on the worker's host"),
  ...JOB_FLAGS,
];

export function buildSyncInput(raw: FlagValues, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): SyncInput {
  return validatedInput(validateSyncInput, inputFromFlags(raw, SYNC_FLAGS, env, cwd), SYNC_FLAGS);
}
