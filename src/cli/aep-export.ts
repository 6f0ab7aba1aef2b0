/**
 * `audienceflow export --provider aep`: the options of an Adobe Experience Platform profile export, checked
 * before any remote call, turned into an exportProfiles input, with its workflow id and UI metadata.
 * `export` and `schedule create export` share it.
 */
import type { Command } from 'commander';
import type { ExportProfilesInput } from '../contracts/aep-export';
import { validateExportProfilesInput } from '../inputs/export-profiles-input';
import { badInput } from './errors';
import { list } from './flag-values';
import type { FlagContext, PipelineFlag } from './flags';
import { addFlags, flagKey, flagName, inputFromFlags, validatedInput } from './flags';
import type { FlagValues } from './options';
import { CANCEL_GRACE_FLAG, EXPORT_FLAGS, POLL_FLAGS } from './options';
import { parseList } from './parse';
import type { StartMetadata } from './start-metadata';
import { markdown, code, pollRows, searchAttributes } from './start-metadata';
import { compactUtc, idSegment } from './workflow-ids';

/** The workflow an AEP export runs. */
const AEP_EXPORT_WORKFLOW = 'exportProfiles';
const DEFAULT_DATASET_NAME = 'audienceflow profile export';

/** `<id>` or `<id>:<version>` → a merge policy; whether the version is allowed is the schema's rule. */
export function mergePolicy(text: string, at: FlagContext): { id: string; version?: number } {
  const m = /^([^:\s]+)(?::(\d+))?$/.exec(text.trim());
  if (!m) throw badInput(at.flag, `"${text}" is not <id> or <id>:<version>`, `write e.g. ${at.flag} mp-default:2`);
  return { id: m[1] as string, ...(m[2] !== undefined && { version: Number(m[2]) }) };
}

/** The AEP flags of `export` (refused without --provider aep). */
const AEP_FLAGS: readonly PipelineFlag[] = [
  {
    syntax: '--segment <id>',
    help: 'AEP: segment definition whose profiles to export (repeatable, or comma-separated)',
    field: 'segments',
    list: (items) => items.flatMap(parseList).map((segmentId) => ({ segmentId })),
  },
  {
    syntax: '--segment-status <list>',
    help: 'AEP: membership statuses to export, of realized,existing,exited (default: realized,existing)',
    // Not an input field: the statuses go into every segment (aepDraft).
    field: 'segmentStatus',
    text: (text) => parseList(text.toLowerCase()),
  },
  {
    syntax: '--dataset <id>',
    help: 'AEP: existing dataset (on the profile union schema) the job writes to',
    field: 'datasetId',
  },
  {
    syntax: '--create-dataset [name]',
    help: `AEP: create the target dataset first (default name "${DEFAULT_DATASET_NAME}")`,
    field: 'createDataset',
    text: (name) => ({ name }),
  },
  {
    syntax: '--fields <list>',
    help: 'AEP: XDM dot paths to export, comma-separated, e.g. personalEmail.address,mobilePhone.number (default: all)',
    field: 'fields',
    text: list,
  },
  {
    syntax: '--merge-policy <id>',
    help: "AEP: merge policy id, or id:version (default: the segment's own)",
    field: 'mergePolicy',
    text: mergePolicy,
  },
  {
    syntax: '--since <time>',
    help: 'AEP: only profiles updated after this RFC 3339 time, e.g. 2026-01-31T00:00:00Z',
    field: 'since',
  },
  {
    syntax: '--segment-per-batch',
    help: 'AEP: one output batch per segment',
    field: 'segmentPerBatch',
    default: false,
  },
  {
    syntax: '--to <s3-url>',
    help: 'AEP: also copy the files to s3://bucket/prefix/ (under <workflowId>/<runId>/)',
    field: 'copyTo',
  },
];

/** The flags an AEP export maps to its input: its own, the download folder and polling. */
const AEP_INPUT_FLAGS: readonly PipelineFlag[] = [
  ...AEP_FLAGS,
  ...EXPORT_FLAGS.filter((d) => d.field === 'downloadDir'),
  ...POLL_FLAGS,
];

/** Flags of `export` that belong to Pinpoint (refused with --provider aep). A cancelled AEP job is DELETEd: no grace. */
const PINPOINT_ONLY: readonly PipelineFlag[] = [
  ...EXPORT_FLAGS.filter((d) => d.field !== 'downloadDir'),
  CANCEL_GRACE_FLAG,
];

/** Where the statuses of every segment come from. */
const AEP_OTHER_FIELDS = { 'segments.status': '--segment-status' };

export function isAepProvider(provider: unknown): boolean {
  return typeof provider === 'string' && provider.trim().toLowerCase() === 'aep';
}

/** The AEP options on an export command (`export`, `schedule create export`). */
export function addAepExportOptions(cmd: Command): Command {
  return addFlags(cmd, AEP_FLAGS);
}

/** The first of `defs` that is set in `raw`, as the user types it. */
function given(raw: FlagValues, defs: readonly PipelineFlag[]): string | undefined {
  const def = defs.find((d) => raw[flagKey(d)] !== undefined && raw[flagKey(d)] !== false);
  return def && flagName(def);
}

/** A Pinpoint export: AEP options are a mistake (the user forgot --provider aep). */
export function refuseAepOptions(raw: FlagValues): void {
  const flag = given(raw, AEP_FLAGS);
  if (flag) {
    throw badInput(
      flag,
      'is an option of AEP profile exports',
      'add --provider aep (a Pinpoint segment is --segment-id)',
    );
  }
}

/** The flags as an exportProfiles draft: the statuses go into every segment, a bare --create-dataset gets a name. */
function aepDraft(raw: FlagValues, cwd: string): Record<string, unknown> {
  const { segmentStatus, ...draft } = inputFromFlags(raw, AEP_INPUT_FLAGS, {}, cwd);
  if (segmentStatus !== undefined && Array.isArray(draft.segments)) {
    draft.segments = (draft.segments as object[]).map((s) => ({ ...s, status: segmentStatus }));
  }
  if (draft.createDataset === true) draft.createDataset = { name: DEFAULT_DATASET_NAME };
  return draft;
}

/** The exportProfiles input of `export --provider aep …`; every problem is a bad-input error (exit 2) before any call. */
export function buildAepExportInput(raw: FlagValues, cwd = process.cwd()): ExportProfilesInput {
  const pinpointFlag = given(raw, PINPOINT_ONLY);
  if (pinpointFlag) {
    throw badInput(
      pinpointFlag,
      'is a Pinpoint option',
      'drop it: an AEP export takes --segment, --dataset or --create-dataset, --download-dir',
    );
  }
  return validatedInput(validateExportProfilesInput, aepDraft(raw, cwd), AEP_INPUT_FLAGS, AEP_OTHER_FIELDS);
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
