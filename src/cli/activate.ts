/**
 * `audienceflow activate`: start an activateSegment run (AEP segment → Pinpoint application). The options are
 * checked before any remote call (the mapping file included) and turned into the workflow's input, with its
 * workflow id and UI metadata. `activate` and `schedule create activate` share it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ENV_ROLE_ARN, ENV_S3_URL } from '../config';
import type { ActivateSegmentInput } from '../contracts/aep-activate';
import { describeJsonError } from '../formats/ndjson';
import { MAPPING_FORMAT, parseMapping } from '../inputs/activation-mapping';
import { validateActivateSegmentInput } from '../inputs/activate-segment-input';
import { mergePolicy } from './aep-export';
import { withClient } from './client';
import { addStartOptions } from './common-options';
import { badInput } from './errors';
import type { PipelineFlag } from './flags';
import { addFlags, inputFromFlags, validatedInput } from './flags';
import type { FlagValues } from './options';
import { MAX_JOB_BYTES_FLAG, POLL_FLAGS } from './options';
import { formatBytes, parseList } from './parse';
import type { StartFlags } from './start';
import { checkStartFlags, startPipeline } from './start';
import type { StartMetadata } from './start-metadata';
import { code, markdown, pollRows, searchAttributes } from './start-metadata';
import { compactUtc, idSegment } from './workflow-ids';

const ACTIVATE_WORKFLOW = 'activateSegment';
const DEFAULT_DATASET_NAME = 'audienceflow activation';

/** The flags of an activation (`activate`, `schedule create activate`), each mapped to its input field. */
const ACTIVATE_FLAGS: readonly PipelineFlag[] = [
  {
    syntax: '--segment <id>',
    help: 'AEP segment definition whose members to activate (repeatable, or comma-separated)',
    field: 'segments',
    list: (items) => items.flatMap(parseList).map((segmentId) => ({ segmentId })),
  },
  {
    syntax: '--segment-status <list>',
    help: 'membership statuses to activate, of realized,existing,exited (default: realized,existing)',
    // Not an input field: the statuses go into every segment (activationDraft).
    field: 'segmentStatus',
    text: (text) => parseList(text.toLowerCase()),
  },
  {
    syntax: '--to-app <id>',
    help: 'Pinpoint application (project) id the endpoints are imported into',
    field: 'applicationId',
  },
  {
    syntax: '--dataset <id>',
    help: 'AEP dataset (on the profile union schema) the export job writes to',
    field: 'datasetId',
  },
  {
    syntax: '--create-dataset [name]',
    help: `create the AEP dataset first (the default when --dataset is not given; name "${DEFAULT_DATASET_NAME}")`,
    field: 'createDataset',
    text: (name) => ({ name }),
  },
  {
    syntax: '--merge-policy <id>',
    help: "AEP merge policy id, or id:version (default: the segment's own)",
    field: 'mergePolicy',
    text: mergePolicy,
  },
  {
    syntax: '--mapping <file>',
    help: 'JSON file: how a profile becomes endpoints (default: email → EMAIL, phone → SMS)',
    field: 'mapping',
    text: (file, at) => readMapping(file, at.cwd),
  },
  {
    syntax: '--s3 <url>',
    help: `S3 prefix where the import parts are staged, s3://bucket/prefix/ (default: $${ENV_S3_URL})`,
    field: 's3Url',
    env: ENV_S3_URL,
  },
  {
    syntax: '--role-arn <arn>',
    help: `IAM role Pinpoint assumes to read the parts (default: $${ENV_ROLE_ARN})`,
    field: 'roleArn',
    env: ENV_ROLE_ARN,
  },
  {
    syntax: '--work-dir <dir>',
    help: "folder on the worker's host for the AEP download (default: the worker's temp folder)",
    field: 'workDir',
    text: (dir, at) => path.resolve(at.cwd, dir),
  },
  MAX_JOB_BYTES_FLAG,
  {
    syntax: '--dry-run',
    help: 'count the profiles and endpoints without writing a part or creating an import job',
    field: 'dryRun',
    default: false,
  },
  ...POLL_FLAGS,
];

/** Where the statuses of every segment come from. */
const ACTIVATE_OTHER_FIELDS = { 'segments.status': '--segment-status' };

/** The options of an activation (`activate`, `schedule create activate`). */
export function addActivateOptions(cmd: Command): Command {
  return addFlags(cmd, ACTIVATE_FLAGS);
}

/** A mapping file read and checked here, before any remote call; its JSON goes into the run's input. */
function readMapping(file: string, cwd: string): unknown {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw badInput('--mapping', `cannot read "${abs}" (${why})`, 'pass the path of a JSON mapping file');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badInput(
      '--mapping',
      `"${abs}" is not JSON (${describeJsonError(e)})`,
      `write a JSON object like ${MAPPING_FORMAT}`,
    );
  }
  const parsed = parseMapping(json);
  if ('issues' in parsed) {
    const problems = parsed.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    throw badInput(
      '--mapping',
      `"${abs}" is not a valid mapping (${problems})`,
      `correct those fields; the format is ${MAPPING_FORMAT}`,
    );
  }
  return json;
}

/** The flags as an activateSegment draft: statuses into every segment, a dataset created unless one is given. */
function activationDraft(raw: FlagValues, env: NodeJS.ProcessEnv, cwd: string): Record<string, unknown> {
  const { segmentStatus, ...draft } = inputFromFlags(raw, ACTIVATE_FLAGS, env, cwd);
  if (segmentStatus !== undefined && Array.isArray(draft.segments)) {
    draft.segments = (draft.segments as object[]).map((s) => ({ ...s, status: segmentStatus }));
  }
  if (draft.createDataset === true || (draft.createDataset === undefined && draft.datasetId === undefined)) {
    draft.createDataset = { name: DEFAULT_DATASET_NAME };
  }
  return draft;
}

/** The activateSegment input of `activate …`; every problem is a bad-input error (exit 2) before any remote call. */
export function buildActivateInput(
  raw: FlagValues,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ActivateSegmentInput {
  if (raw.dataset !== undefined && raw.createDataset !== undefined && raw.createDataset !== false) {
    throw badInput(
      '--dataset',
      'given together with --create-dataset',
      'pass one of them (or neither: a dataset is created)',
    );
  }
  return validatedInput(
    (draft) => validateActivateSegmentInput(draft).input,
    activationDraft(raw, env, cwd),
    ACTIVATE_FLAGS,
    ACTIVATE_OTHER_FIELDS,
  );
}

/** `activate-<first segment>-to-<app>`: the default schedule id. */
export function activateScheduleId(input: ActivateSegmentInput): string {
  return `activate-${idSegment(input.segments[0]?.segmentId ?? 'segment')}-to-${idSegment(input.applicationId)}`;
}

/** `activate-<first segment>-to-<app>-<UTC time>`. */
export function activateWorkflowId(input: ActivateSegmentInput, now = new Date()): string {
  return `${activateScheduleId(input)}-${compactUtc(now)}`;
}

export function activateMetadata(input: ActivateSegmentInput): StartMetadata {
  const segments = input.segments.map((s) => s.segmentId);
  return {
    workflowType: ACTIVATE_WORKFLOW,
    summary: `Activate AEP segment(s) ${segments.join(', ')} into Pinpoint app ${input.applicationId}${input.dryRun ? ' (dry run)' : ''}`,
    details: markdown('Activate an AEP segment', [
      ['segments', segments.map(code).join(', ')],
      ['membership statuses', input.segments[0]?.status?.join(', ')],
      ['dataset', input.datasetId ? code(input.datasetId) : `new dataset ${code(input.createDataset?.name ?? '')}`],
      [
        'merge policy',
        input.mergePolicy &&
          `${code(input.mergePolicy.id)}${input.mergePolicy.version ? ` v${input.mergePolicy.version}` : ''}`,
      ],
      ['target application', code(input.applicationId)],
      ['mapping', input.mapping ? 'custom (see the input)' : 'default'],
      ['staging', `${code(input.s3Url)} (each run under \`<workflowId>/<runId>/\`)`],
      ['role', code(input.roleArn)],
      ['work folder (worker host)', input.workDir && code(input.workDir)],
      ['max job size', input.maxJobBytes === undefined ? undefined : formatBytes(input.maxJobBytes)],
      ['dry run', input.dryRun ? 'yes: no part written, no import job created' : undefined],
      ...pollRows(input.poll),
    ]),
    searchAttributes: searchAttributes('activate', 'aep', ...segments, input.applicationId),
  };
}

export function registerActivateCommand(program: Command): void {
  const cmd = program
    .command('activate')
    .summary("activate AEP segments' profiles as endpoints of a Pinpoint application")
    .description(
      "Activate Adobe Experience Platform segments into a Pinpoint application: export the members' profiles " +
        '(one AEP export job of the fields the mapping needs, into --dataset or a new dataset), map each profile to ' +
        'endpoints (default: personalEmail.address → EMAIL, mobilePhone.number → SMS, the profile id → User.UserId, ' +
        'endpoint Id <profile id>-email / -sms, so a rerun updates the same endpoints), write import parts under ' +
        '<s3 prefix><workflowId>/<runId>/ and import them (one Pinpoint import job per part). Profiles whose ' +
        'addresses do not fit their channel are listed in rejected-rows.ndjson there (field names, never values). ' +
        'Cancelling the run DELETEs a running AEP job and removes what the run wrote. The worker needs the AEP_* ' +
        'variables (as for `export --provider aep`) and reaches Pinpoint and S3 as for the other pipelines.',
    );
  addActivateOptions(cmd);
  addStartOptions(cmd, 'activate');
  cmd.addHelpText(
    'after',
    `
Examples:
  audienceflow activate --segment <segment-id> --to-app 0123456789abcdef0123456789abcdef --wait
  audienceflow activate --segment <segment-id> --segment <other-id> --to-app 0123456789abcdef0123456789abcdef \\
      --dataset <dataset-id> --mapping mapping.json --dry-run --wait --json
  audienceflow schedule create activate --segment <segment-id> --to-app 0123456789abcdef0123456789abcdef --every 1d

A mapping file (each part given replaces the default's; idSuffix defaults to the channel in lower case):
  {"profileId": "_id",
   "channels": [{"channel": "EMAIL", "address": "personalEmail.address", "idSuffix": "email"}],
   "attributes": {"FirstName": "person.name.firstName"}}

Exit codes: 0 completed, 1 run failed, 2 bad input, 3 cancelled, 4 cannot reach Temporal.`,
  );
  cmd.action(async (opts: FlagValues & StartFlags) => {
    const input = buildActivateInput(opts);
    const flags = checkStartFlags(opts);
    process.exitCode = await withClient((c) =>
      startPipeline(
        c,
        {
          pipeline: 'activate',
          input,
          metadata: activateMetadata(input),
          defaultWorkflowId: activateWorkflowId(input),
        },
        flags,
      ),
    );
  });
}
