/** `audienceflow import`: start an importEndpoints run from local files or S3. */
import type { Command } from 'commander';
import { withClient } from './client';
import { addStartOptions } from './common-options';
import { addFlags } from './flags';
import type { FlagValues } from './options';
import { IMPORT_FLAGS, buildImportInput } from './options';
import type { StartFlags } from './start';
import { checkStartFlags, startPipeline } from './start';
import { importMetadata } from './start-metadata';
import { importWorkflowId } from './workflow-ids';

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
    );
  addFlags(cmd, IMPORT_FLAGS);
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
  cmd.action(async (sources: string[], opts: FlagValues & StartFlags) => {
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
