/** Commander option sets shared by several commands (export/sync also serve `schedule create`). */
import type { Command } from 'commander';
import { addAepExportOptions } from './aep-export';
import { ENV_ROLE_ARN, ENV_S3_URL } from './options';
import { collect } from './parse';
import { PINPOINT_CONCURRENT_IMPORT_JOBS, PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT } from '../contracts/limits';

/** --poll-initial / --poll-max / --max-wait, and --cancel-grace unless the command has no use for it. */
export function addPollOptions(cmd: Command, opts: { cancelGrace?: boolean } = {}): Command {
  cmd
    .option('--poll-initial <duration>', 'first interval between job status polls, e.g. 1s (default: 1s)')
    .option('--poll-max <duration>', 'longest interval between polls; the interval doubles up to it (default: 30s)')
    .option('--max-wait <duration>', 'give up when the job is not finished after this long (default: 6h)');
  if (opts.cancelGrace === false) return cmd;
  return cmd.option(
    '--cancel-grace <duration>',
    'after a cancel, how long a follow-up workflow waits for a job still running before deleting what it wrote (default: 1h)',
  );
}

export function addProviderOption(cmd: Command): Command {
  return cmd.option(
    '--provider <name>',
    'audience platform: pinpoint, or aep (Adobe Experience Platform; `export` only)',
    'pinpoint',
  );
}

/** --wait / --json / --workflow-id / --cron. */
export function addStartOptions(cmd: Command, pipeline: string): Command {
  return cmd
    .option('--wait', 'follow the run: live progress, then the report; exit code tells the outcome', false)
    .option('--json', 'print machine-readable JSON on stdout (progress goes to stderr)', false)
    .option('--workflow-id <id>', `workflow id (default: ${pipeline}-<app>-<UTC yyyyMMddTHHmmssZ>)`)
    .option(
      '--cron <expr>',
      'start a classic Temporal cron workflow instead of one run, e.g. "0 2 * * *" (prefer `audienceflow schedule create`)',
    );
}

export function addExportOptions(cmd: Command): Command {
  cmd
    .option('--app <id>', 'Pinpoint: application (project) id to export')
    .option('--s3 <url>', `Pinpoint: S3 prefix the export job writes to, s3://bucket/prefix/ (default: $${ENV_S3_URL})`)
    .option(
      '--role-arn <arn>',
      `Pinpoint: IAM role Pinpoint assumes to write to the bucket (default: $${ENV_ROLE_ARN})`,
    )
    .option('--segment-id <id>', 'Pinpoint: export only this segment (default: all endpoints)')
    .option('--segment-version <n>', 'Pinpoint: segment version (needs --segment-id; default: latest)')
    .option(
      '--download-dir <dir>',
      "download the exported files here, on the worker's host (resolved to an absolute path); " +
        'Pinpoint: optional; AEP: required (the Parquet files)',
    );
  addAepExportOptions(cmd);
  addPollOptions(cmd);
  return addProviderOption(cmd);
}

export function addSyncOptions(cmd: Command): Command {
  cmd
    .option('--from-app <id>', 'source application id (exported)')
    .option('--to-app <id>', 'target application id (imported into)')
    .option('--s3 <url>', `S3 work area, s3://bucket/prefix/ (default: $${ENV_S3_URL})`)
    .option('--role-arn <arn>', `IAM role Pinpoint assumes for the bucket (default: $${ENV_ROLE_ARN})`)
    .option('--segment-id <id>', 'sync only this segment of the source (default: all endpoints)')
    .option('--segment-version <n>', 'segment version (needs --segment-id)')
    .option('--keep-channels <list>', 'keep only these channel types, comma-separated, e.g. EMAIL,SMS')
    .option('--drop-opted-out', 'drop endpoints whose OptOut is ALL', false)
    .option('--drop-inactive', 'drop endpoints whose EndpointStatus is INACTIVE', false)
    .option('--include-attributes <list>', 'keep only these attributes (Attributes, Metrics, User.UserAttributes)')
    .option('--exclude-attributes <list>', 'drop these attributes')
    .option('--rename-attribute <old=new>', 'rename an attribute (repeatable)', collect)
    .option('--set <path=value>', 'set a field on every endpoint, e.g. Attributes.source=sync (repeatable)', collect)
    .option('--dry-run', 'report what would be imported and rejected without creating an import job', false)
    .option('--max-parallel-transfers <n>', 'pieces transferred at once (default: the workflow default)')
    .option('--max-job-bytes <size>', 'split the import into jobs no larger than this, e.g. 1GB (default: 1GB)')
    .option(
      '--max-concurrent-jobs <n>',
      `import jobs running at once (default ${PINPOINT_CONCURRENT_IMPORT_JOBS}: ${PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT})`,
    )
    .option(MAX_REJECTED_FLAG, MAX_REJECTED_HELP)
    .option(KEEP_STAGING_FLAG, KEEP_STAGING_HELP, false)
    .option(
      '--report <location>',
      "where the failure report goes: s3://bucket/key.json or a path on the worker's host",
    );
  addPollOptions(cmd);
  return addProviderOption(cmd);
}

export const MAX_REJECTED_FLAG = '--max-rejected <n|p%>';
export const MAX_REJECTED_HELP =
  'fail the run (TooManyRejected) when more rows are rejected than this: a number of rows, or a percentage such as 2% (default: no limit)';

export const KEEP_STAGING_FLAG = '--keep-staging';
export const KEEP_STAGING_HELP =
  'keep what the run staged for its jobs (uploaded parts, job copies, exported pieces); default: deleted when the run ends';
