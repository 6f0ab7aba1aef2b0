/**
 * `audienceflow activate`: start an activateSegment run (AEP segment → Pinpoint application). The options are
 * checked before any remote call (the mapping file included) and turned into the workflow's input, with its
 * workflow id and UI metadata. `activate` and `schedule create activate` share it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import type { ActivateSegmentInput } from '../contracts/aep-activate';
import { PINPOINT_MAX_IMPORT_JOB_TEXT } from '../contracts/limits';
import { MAPPING_FORMAT, parseMapping } from '../inputs/activation-mapping';
import { validateActivateSegmentInput } from '../inputs/activate-segment-input';
import { HEX32 } from '../inputs/fields';
import { datasetOption, mergePolicyOption, segmentListOption, segmentStatusOption } from './aep-export';
import { withClient } from './client';
import { addPollOptions, addStartOptions } from './common-options';
import { badInput } from './errors';
import type { PollRawOptions } from './options';
import { ENV_ROLE_ARN, ENV_S3_URL, POLL_FLAGS, checked, parseOptions, pollPolicy, pollShape } from './options';
import { collect, formatBytes, parseSizeBytes } from './parse';
import type { StartFlags } from './start';
import { checkStartFlags, startPipeline } from './start';
import type { StartMetadata } from './start-metadata';
import { code, markdown, pollRows, searchAttributes } from './start-metadata';
import { compactUtc, idSegment } from './workflow-ids';

const ACTIVATE_WORKFLOW = 'activateSegment';
const DEFAULT_DATASET_NAME = 'audienceflow activation';

export interface ActivateRawOptions extends PollRawOptions {
  segment?: string[];
  segmentStatus?: string;
  toApp?: string;
  dataset?: string;
  createDataset?: string | boolean;
  mergePolicy?: string;
  mapping?: string;
  s3?: string;
  roleArn?: string;
  workDir?: string;
  maxJobBytes?: string;
  dryRun?: boolean;
}

const FLAGS: Record<string, string> = {
  segment: '--segment',
  segmentStatus: '--segment-status',
  toApp: '--to-app',
  dataset: '--dataset',
  createDataset: '--create-dataset',
  mergePolicy: '--merge-policy',
  mapping: '--mapping',
  s3: '--s3',
  roleArn: '--role-arn',
  workDir: '--work-dir',
  maxJobBytes: '--max-job-bytes',
  ...POLL_FLAGS,
};

/** Input field → option, for the shared validation's messages. */
const FIELD_FLAGS: Record<string, string> = {
  segments: '--segment',
  datasetId: '--dataset',
  createDataset: '--create-dataset',
  mergePolicy: '--merge-policy',
  applicationId: '--to-app',
  s3Url: '--s3',
  roleArn: '--role-arn',
  workDir: '--work-dir',
  mapping: '--mapping',
  maxJobBytes: '--max-job-bytes',
  'poll.initialIntervalMs': '--poll-initial',
  'poll.maxIntervalMs': '--poll-max',
  'poll.maxWaitMs': '--max-wait',
};

/** The options of an activation (`activate`, `schedule create activate`). */
export function addActivateOptions(cmd: Command): Command {
  cmd
    .option(
      '--segment <id>',
      'AEP segment definition whose members to activate (repeatable, or comma-separated)',
      collect,
    )
    .option(
      '--segment-status <list>',
      'membership statuses to activate, of realized,existing,exited (default: realized,existing)',
    )
    .option('--to-app <id>', 'Pinpoint application (project) id the endpoints are imported into')
    .option('--dataset <id>', 'AEP dataset (on the profile union schema) the export job writes to')
    .option(
      '--create-dataset [name]',
      `create the AEP dataset first (the default when --dataset is not given; name "${DEFAULT_DATASET_NAME}")`,
    )
    .option('--merge-policy <id>', "AEP merge policy id, or id:version (default: the segment's own)")
    .option('--mapping <file>', 'JSON file: how a profile becomes endpoints (default: email → EMAIL, phone → SMS)')
    .option('--s3 <url>', `S3 prefix where the import parts are staged, s3://bucket/prefix/ (default: $${ENV_S3_URL})`)
    .option('--role-arn <arn>', `IAM role Pinpoint assumes to read the parts (default: $${ENV_ROLE_ARN})`)
    .option('--work-dir <dir>', "folder on the worker's host for the AEP download (default: the worker's temp folder)")
    .option(
      '--max-job-bytes <size>',
      `split the import into jobs no larger than this, e.g. 500MB (default: ${PINPOINT_MAX_IMPORT_JOB_TEXT})`,
    )
    .option('--dry-run', 'count the profiles and endpoints without writing a part or creating an import job', false);
  return addPollOptions(cmd, { cancelGrace: false });
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
      `"${abs}" is not JSON (${(e as Error).message})`,
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

const optionsSchema = z.object({
  segment: segmentListOption,
  segmentStatus: segmentStatusOption.optional(),
  toApp: z
    .string({ error: 'is required. Fix: pass --to-app <application-id> (the Pinpoint project the endpoints go to)' })
    .regex(HEX32, {
      error: (i) =>
        `"${String(i.input)}" is not a Pinpoint application id (32 lower-case hex characters). Fix: copy the id from \`aws pinpoint get-apps\``,
    }),
  dataset: datasetOption.optional(),
  createDataset: z.union([z.string().min(1), z.boolean()]).optional(),
  mergePolicy: mergePolicyOption.optional(),
  mapping: z.string().min(1).optional(),
  s3: z.string({
    error: `is required. Fix: pass --s3 s3://bucket/prefix/ (where the import parts are staged) or set ${ENV_S3_URL} (\`audienceflow stack up\` does)`,
  }),
  roleArn: z.string({
    error: `is required. Fix: pass --role-arn arn:aws:iam::<account>:role/<name> or set ${ENV_ROLE_ARN}`,
  }),
  workDir: z.string().min(1).optional(),
  maxJobBytes: z
    .string()
    .transform((text, ctx) => {
      const n = parseSizeBytes(text);
      if (n === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a size. Fix: write e.g. 500MB, 64MiB or 1GB` });
        return z.NEVER;
      }
      return n;
    })
    .optional(),
  dryRun: z.boolean().optional(),
  ...pollShape,
});

/** The activateSegment input of `activate …`; every problem is a BadInputError (exit 2) before any remote call. */
export function buildActivateInput(
  raw: ActivateRawOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ActivateSegmentInput {
  const o = parseOptions(
    optionsSchema,
    { ...raw, s3: raw.s3 ?? env[ENV_S3_URL], roleArn: raw.roleArn ?? env[ENV_ROLE_ARN] },
    FLAGS,
  );
  if (o.dataset !== undefined && o.createDataset !== undefined && o.createDataset !== false) {
    throw badInput(
      '--dataset',
      'given together with --create-dataset',
      'pass one of them (or neither: a dataset is created)',
    );
  }
  const mapping = o.mapping === undefined ? undefined : readMapping(o.mapping, cwd);
  const poll = pollPolicy(o);
  return checked((i) => validateActivateSegmentInput(i).input, FIELD_FLAGS, {
    segments: o.segment.map((segmentId) => ({ segmentId, ...(o.segmentStatus && { status: o.segmentStatus }) })),
    ...(o.dataset !== undefined
      ? { datasetId: o.dataset }
      : { createDataset: { name: typeof o.createDataset === 'string' ? o.createDataset : DEFAULT_DATASET_NAME } }),
    ...(o.mergePolicy && { mergePolicy: o.mergePolicy }),
    applicationId: o.toApp,
    s3Url: o.s3,
    roleArn: o.roleArn,
    ...(o.workDir !== undefined && { workDir: path.resolve(cwd, o.workDir) }),
    ...(mapping !== undefined && { mapping }),
    ...(o.maxJobBytes !== undefined && { maxJobBytes: o.maxJobBytes }),
    ...(o.dryRun && { dryRun: true }),
    ...(poll && { poll }),
  });
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
  cmd.action(async (opts: ActivateRawOptions & StartFlags) => {
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
