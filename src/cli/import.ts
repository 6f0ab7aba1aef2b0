/** `audienceflow import`: start an importEndpoints run from local files or S3. */
import type { Command } from 'commander';
import { withClient } from './client';
import {
  KEEP_STAGING_FLAG,
  KEEP_STAGING_HELP,
  addPollOptions,
  addProviderOption,
  addStartOptions,
  MAX_REJECTED_FLAG,
  MAX_REJECTED_HELP,
} from './common-options';
import type { ImportRawOptions } from './options';
import { ENV_ROLE_ARN, ENV_S3_URL, buildImportInput } from './options';
import type { StartFlags } from './start';
import { checkStartFlags, startPipeline } from './start';
import { importMetadata } from './start-metadata';
import { importWorkflowId } from './workflow-ids';
import {
  PINPOINT_CONCURRENT_IMPORT_JOBS,
  PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT,
  PINPOINT_MAX_IMPORT_JOB_TEXT,
} from '../contracts/limits';

export function registerImportCommand(program: Command): void {
  const cmd = program
    .command('import')
    .summary('import endpoints from local CSV/NDJSON files or S3')
    .description(
      'Import endpoints into an application from local CSV/NDJSON files or from S3. ' +
        'Local files are validated row by row (rejected rows are reported with line numbers), uploaded under ' +
        "the run's staging prefix and imported; inputs over the per-job limit become several jobs (an S3 source " +
        'over it is copied in groups under --staging, one job per group; the source objects are only read).\n' +
        'Local files are read by the worker: run `audienceflow worker` on this same host for them.',
    )
    .argument(
      '<sources...>',
      'local files (a.csv b.csv, or .json/.ndjson), or one s3://bucket/key or s3://bucket/prefix/',
    )
    .option('--app <id>', 'Pinpoint application (project) id to import into')
    .option('--format <format>', 'csv or json (newline-delimited); default: from the file extension')
    .option(
      '--staging <url>',
      `S3 prefix where local files are uploaded, s3://bucket/prefix/ (default: $${ENV_S3_URL}); for an S3 source ` +
        'over the per-job limit, where its files are copied for the jobs (no default)',
    )
    .option('--role-arn <arn>', `IAM role Pinpoint assumes to read the bucket (default: $${ENV_ROLE_ARN})`)
    .option('--no-register-endpoints', 'do not register the endpoints (default: register them)')
    .option('--segment-name <name>', 'also create a segment with this name from the imported endpoints')
    .option(
      '--report <location>',
      "where the JSON failure report goes: s3://bucket/key.json or a path on the worker's host",
    )
    .option(
      '--max-job-bytes <size>',
      `split into jobs no larger than this, e.g. 500MB (default: the Pinpoint limit, ${PINPOINT_MAX_IMPORT_JOB_TEXT})`,
    )
    .option(
      '--max-concurrent-jobs <n>',
      `import jobs running at once (default ${PINPOINT_CONCURRENT_IMPORT_JOBS}: ${PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT})`,
    )
    .option(MAX_REJECTED_FLAG, MAX_REJECTED_HELP)
    .option(KEEP_STAGING_FLAG, KEEP_STAGING_HELP, false);
  addPollOptions(cmd);
  addProviderOption(cmd);
  addStartOptions(cmd, 'import');
  cmd.addHelpText(
    'after',
    `
Examples:
  audienceflow import --app 0123456789abcdef0123456789abcdef ./endpoints.csv --wait
  audienceflow import --app 0123456789abcdef0123456789abcdef part1.ndjson part2.ndjson --report ./failures.json --wait
  audienceflow import --app 0123456789abcdef0123456789abcdef s3://my-bucket/incoming/ --format json --wait --json

Exit codes: 0 completed, 1 run failed, 2 bad input, 3 cancelled, 4 cannot reach Temporal.`,
  );
  cmd.action(async (sources: string[], opts: ImportRawOptions & StartFlags) => {
    const input = buildImportInput(sources, opts);
    const flags = checkStartFlags(opts);
    process.exitCode = await withClient((c) =>
      startPipeline(
        c,
        {
          pipeline: 'import',
          input,
          metadata: importMetadata(input),
          defaultWorkflowId: importWorkflowId(input.applicationId),
        },
        flags,
      ),
    );
  });
}
