/** `audienceflow export`: start an exportEndpoints run. */
import type { Command } from 'commander';
import { withClient } from './client';
import { addExportOptions, addStartOptions } from './common-options';
import type { ExportRawOptions } from './options';
import { buildExportInput } from './options';
import type { StartFlags } from './start';
import { checkStartFlags, startPipeline } from './start';
import { exportMetadata } from './start-metadata';
import { exportWorkflowId } from './workflow-ids';

export function registerExportCommand(program: Command): void {
  const cmd = program
    .command('export')
    .summary("export an application's endpoints to S3 (and optionally download them)")
    .description(
      'Export the endpoints of an application to S3 (one export job), list the pieces and optionally download them. ' +
        'Each run writes under <s3 prefix><workflowId>/<runId>/, so runs never overwrite each other.',
    );
  addExportOptions(cmd);
  addStartOptions(cmd, 'export');
  cmd.addHelpText(
    'after',
    `
Examples:
  audienceflow export --app 0123456789abcdef0123456789abcdef --wait
  audienceflow export --app 0123456789abcdef0123456789abcdef --s3 s3://my-bucket/exports/ \\
      --role-arn arn:aws:iam::123456789012:role/audienceflow --download-dir ./out --wait --json
  audienceflow export --app 0123456789abcdef0123456789abcdef --cron "0 2 * * *"

Exit codes: 0 completed, 1 run failed, 2 bad input, 3 cancelled, 4 cannot reach Temporal.`,
  );
  cmd.action(async (opts: ExportRawOptions & StartFlags) => {
    const input = buildExportInput(opts);
    const flags = checkStartFlags(opts);
    process.exitCode = await withClient((c) =>
      startPipeline(
        c,
        {
          pipeline: 'export',
          input,
          metadata: exportMetadata(input),
          defaultWorkflowId: exportWorkflowId(input.applicationId),
        },
        flags,
      ),
    );
  });
}
