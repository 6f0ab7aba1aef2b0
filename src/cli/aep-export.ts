/**
 * `audienceflow export --provider aep`: the options of an Adobe Experience Platform profile export, checked
 * before any remote call, turned into an exportProfiles input, with its workflow id and UI metadata.
 * `export` and `schedule create export` share it.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { ExportProfilesInput } from '../contracts/aep-export';
import { AEP_DATASET_ID, XDM_PATH, isRfc3339, validateExportProfilesInput } from '../inputs/export-profiles-input';
import { badInput } from './errors';
import type { PollRawOptions } from './options';
import { POLL_FLAGS, checked, parseOptions, pollPolicy, pollShape, resolveDownloadDir } from './options';
import { collect, parseList } from './parse';
import type { StartMetadata } from './start-metadata';
import { markdown, code, pollRows, searchAttributes } from './start-metadata';
import { compactUtc, idSegment } from './workflow-ids';

/** The workflow an AEP export runs. */
const AEP_EXPORT_WORKFLOW = 'exportProfiles';
const DEFAULT_DATASET_NAME = 'audienceflow profile export';

export interface AepExportRawOptions extends PollRawOptions {
  provider?: string;
  segment?: string[];
  segmentStatus?: string;
  dataset?: string;
  createDataset?: string | boolean;
  fields?: string;
  mergePolicy?: string;
  since?: string;
  segmentPerBatch?: boolean;
  downloadDir?: string;
  to?: string;
}

/** Options of `export` that belong to Pinpoint (refused with --provider aep) and to AEP (refused without it). */
const PINPOINT_ONLY = {
  app: '--app',
  s3: '--s3',
  roleArn: '--role-arn',
  segmentId: '--segment-id',
  segmentVersion: '--segment-version',
  // A cancelled AEP export job is DELETEd and stops; nothing is left to wait for.
  cancelGrace: '--cancel-grace',
};
const AEP_ONLY = {
  segment: '--segment',
  segmentStatus: '--segment-status',
  dataset: '--dataset',
  createDataset: '--create-dataset',
  fields: '--fields',
  mergePolicy: '--merge-policy',
  since: '--since',
  segmentPerBatch: '--segment-per-batch',
  to: '--to',
};

const AEP_FLAGS: Record<string, string> = { ...AEP_ONLY, downloadDir: '--download-dir', ...POLL_FLAGS };
/** Input field → option, for the shared validation's messages. */
const AEP_FIELD_FLAGS: Record<string, string> = {
  segments: '--segment',
  datasetId: '--dataset',
  createDataset: '--create-dataset',
  fields: '--fields',
  mergePolicy: '--merge-policy',
  since: '--since',
  segmentPerBatch: '--segment-per-batch',
  downloadDir: '--download-dir',
  copyTo: '--to',
  'poll.initialIntervalMs': '--poll-initial',
  'poll.maxIntervalMs': '--poll-max',
  'poll.maxWaitMs': '--max-wait',
};

export function isAepProvider(provider: string | undefined): boolean {
  return provider?.trim().toLowerCase() === 'aep';
}

/** The AEP options on an export command (`export`, `schedule create export`). */
export function addAepExportOptions(cmd: Command): Command {
  return cmd
    .option(
      '--segment <id>',
      'AEP: segment definition whose profiles to export (repeatable, or comma-separated)',
      collect,
    )
    .option(
      '--segment-status <list>',
      'AEP: membership statuses to export, of realized,existing,exited (default: realized,existing)',
    )
    .option('--dataset <id>', 'AEP: existing dataset (on the profile union schema) the job writes to')
    .option('--create-dataset [name]', `AEP: create the target dataset first (default name "${DEFAULT_DATASET_NAME}")`)
    .option(
      '--fields <list>',
      'AEP: XDM dot paths to export, comma-separated, e.g. personalEmail.address,mobilePhone.number (default: all)',
    )
    .option('--merge-policy <id>', "AEP: merge policy id, or id:version (default: the segment's own)")
    .option('--since <time>', 'AEP: only profiles updated after this RFC 3339 time, e.g. 2026-01-31T00:00:00Z')
    .option('--segment-per-batch', 'AEP: one output batch per segment', false)
    .option('--to <s3-url>', 'AEP: also copy the files to s3://bucket/prefix/ (under <workflowId>/<runId>/)');
}

function given(raw: object, flags: Record<string, string>): string | undefined {
  const r = raw as Record<string, unknown>;
  const key = Object.keys(flags).find((k) => r[k] !== undefined && r[k] !== false);
  return key === undefined ? undefined : flags[key];
}

/** A Pinpoint export: AEP options are a mistake (the user forgot --provider aep). */
export function refuseAepOptions(raw: object): void {
  const flag = given(raw, AEP_ONLY);
  if (flag) {
    throw badInput(
      flag,
      'is an option of AEP profile exports',
      'add --provider aep (a Pinpoint segment is --segment-id)',
    );
  }
}

/** `--merge-policy <id>[:<version>]` (export and activate). */
export const mergePolicyOption = z.string().transform((text, ctx) => {
  const m = /^([^:\s]+)(?::(\d+))?$/.exec(text.trim());
  const version = m?.[2] === undefined ? undefined : Number(m[2]);
  if (!m || (version !== undefined && version < 1)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not <id> or <id>:<version>. Fix: write e.g. --merge-policy mp-default:2`,
    });
    return z.NEVER;
  }
  return { id: m[1] as string, ...(version !== undefined && { version }) };
});

/** `--segment-status realized,existing,exited` (export and activate). */
export const segmentStatusOption = z.string().transform((text, ctx) => {
  const list = parseList(text.toLowerCase());
  const bad = list.find((s) => !['realized', 'existing', 'exited'].includes(s));
  if (bad !== undefined || list.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a list of statuses. Fix: use realized, existing and/or exited`,
    });
    return z.NEVER;
  }
  return list as ('realized' | 'existing' | 'exited')[];
});

/** `--segment <id>` (repeatable, or comma-separated; export and activate). */
export const segmentListOption = z
  .array(z.string(), { error: 'is required. Fix: pass --segment <segment definition id> (repeatable)' })
  .transform((list) => list.flatMap(parseList));

/** `--dataset <id>` (export and activate). */
export const datasetOption = z.string().regex(AEP_DATASET_ID, {
  error: (i) => `"${String(i.input)}" is not a dataset id. Fix: copy the id Catalog shows (letters, digits, _ and -)`,
});

const optionsSchema = z.object({
  segment: segmentListOption,
  segmentStatus: segmentStatusOption.optional(),
  dataset: datasetOption.optional(),
  createDataset: z.union([z.string().min(1), z.boolean()]).optional(),
  fields: z
    .string()
    .transform((text, ctx) => {
      const list = parseList(text);
      const bad = list.find((f) => !XDM_PATH.test(f));
      if (bad !== undefined || list.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `"${bad ?? text}" is not an XDM dot path. Fix: write e.g. personalEmail.address,mobilePhone.number`,
        });
        return z.NEVER;
      }
      return list;
    })
    .optional(),
  mergePolicy: mergePolicyOption.optional(),
  since: z
    .string()
    .refine(isRfc3339, {
      error: (i) => `"${String(i.input)}" is not an RFC 3339 time. Fix: write e.g. 2026-01-31T00:00:00Z`,
    })
    .optional(),
  segmentPerBatch: z.boolean().optional(),
  downloadDir: z.string().min(1).optional(),
  to: z.string().optional(),
  ...pollShape,
});

/** The exportProfiles input of `export --provider aep …`; every problem is a BadInputError (exit 2) before any call. */
export function buildAepExportInput(raw: AepExportRawOptions, cwd = process.cwd()): ExportProfilesInput {
  const pinpointFlag = given(raw, PINPOINT_ONLY);
  if (pinpointFlag) {
    throw badInput(
      pinpointFlag,
      'is a Pinpoint option',
      'drop it: an AEP export takes --segment, --dataset or --create-dataset, --download-dir',
    );
  }
  const o = parseOptions(optionsSchema, raw, AEP_FLAGS);
  if ((o.dataset === undefined) === (o.createDataset === undefined || o.createDataset === false)) {
    throw badInput(
      '--dataset',
      o.dataset === undefined ? 'no target dataset' : 'given together with --create-dataset',
      'pass either --dataset <id> (an existing dataset on the profile union schema) or --create-dataset [name]',
    );
  }
  if (o.downloadDir === undefined && o.to === undefined) {
    throw badInput(
      '--download-dir',
      'is required with --provider aep unless --to is given',
      'pass --download-dir <dir> (the worker writes the Parquet files there) and/or --to s3://bucket/prefix/',
    );
  }
  const poll = pollPolicy(o);
  return checked(validateExportProfilesInput, AEP_FIELD_FLAGS, {
    segments: o.segment.map((segmentId) => ({ segmentId, ...(o.segmentStatus && { status: o.segmentStatus }) })),
    ...(o.dataset !== undefined
      ? { datasetId: o.dataset }
      : { createDataset: { name: typeof o.createDataset === 'string' ? o.createDataset : DEFAULT_DATASET_NAME } }),
    ...(o.fields && { fields: o.fields }),
    ...(o.mergePolicy && { mergePolicy: o.mergePolicy }),
    ...(o.since && { since: o.since }),
    ...(o.segmentPerBatch && { segmentPerBatch: true }),
    ...(o.downloadDir !== undefined && { downloadDir: resolveDownloadDir(o.downloadDir, cwd) }),
    ...(o.to !== undefined && { copyTo: o.to }),
    ...(poll && { poll }),
  });
}

/** `export-aep-<first segment>-<UTC time>`. */
export function aepExportWorkflowId(input: ExportProfilesInput, now = new Date()): string {
  return `${aepScheduleId(input)}-${compactUtc(now)}`;
}

/** `export-aep-<first segment>`: the default schedule id. */
export function aepScheduleId(input: ExportProfilesInput): string {
  return `export-aep-${idSegment(input.segments[0]?.segmentId ?? 'segment')}`;
}

export function exportProfilesMetadata(input: ExportProfilesInput): StartMetadata {
  const segments = input.segments.map((s) => s.segmentId);
  const dataset = input.datasetId ? code(input.datasetId) : `new dataset ${code(input.createDataset?.name ?? '')}`;
  return {
    workflowType: AEP_EXPORT_WORKFLOW,
    summary: `Export AEP profiles of segment(s) ${segments.join(', ')}${input.downloadDir ? ' and download' : ''}${input.copyTo ? ` to ${input.copyTo}` : ''}`,
    details: markdown('Export AEP profiles', [
      ['provider', 'aep'],
      ['segments', segments.map(code).join(', ')],
      ['membership statuses', input.segments[0]?.status?.join(', ')],
      ['dataset', dataset],
      ['fields', input.fields?.map(code).join(', ')],
      [
        'merge policy',
        input.mergePolicy &&
          `${code(input.mergePolicy.id)}${input.mergePolicy.version ? ` v${input.mergePolicy.version}` : ''}`,
      ],
      ['profiles updated since', input.since],
      ['one batch per segment', input.segmentPerBatch ? 'yes' : undefined],
      [
        'download to (worker host)',
        input.downloadDir && `${code(input.downloadDir)} (each run under \`<workflowId>/<runId>/\`)`,
      ],
      ['copy to', input.copyTo && `${code(input.copyTo)} (each run under \`<workflowId>/<runId>/\`)`],
      ...pollRows(input.poll),
    ]),
    searchAttributes: searchAttributes('export', 'aep', ...segments),
  };
}
