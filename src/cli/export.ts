/** `audienceflow export`: start an exportEndpoints run (Pinpoint), or an exportProfiles run (`--provider aep`). */
import type { Command } from 'commander';
import { AEP_POLL_DEFAULTS } from '../contracts/aep-export';
import { formatDuration } from './parse';
import {
  aepExportWorkflowId,
  buildAepExportInput,
  exportProfilesMetadata,
  isAepProvider,
  refuseAepOptions,
} from './aep-export';
import { withClient } from './client';
import { addExportOptions, addStartOptions } from './common-options';
import type { FlagValues } from './options';
import { buildExportInput } from './options';
import type { StartFlags } from './start';
import { checkStartFlags, startPipeline } from './start';
import { exportMetadata } from './start-metadata';
import { exportWorkflowId } from './workflow-ids';

export function registerExportCommand(program: Command): void {
  const cmd = program
    .command('export')
    .summary("export a Pinpoint application's endpoints to S3, or AEP segments' profiles (--provider aep)")
    .description(
      'Export the endpoints of an application to S3 (one export job), list the pieces and optionally download them. ' +
        'Each run writes under <s3 prefix><workflowId>/<runId>/, so runs never overwrite each other.\n\n' +
        'With --provider aep: export the profiles of Adobe Experience Platform segments (one profile export job ' +
        'into a dataset, created with --create-dataset or given with --dataset), wait for it, and download its ' +
        'Parquet files to <download dir>/<workflowId>/<runId>/. Cancelling the run sends DELETE for the AEP job, and so does a job ' +
        `not finished within --max-wait (AEP polls start at ${formatDuration(AEP_POLL_DEFAULTS.initialIntervalMs)}, ` +
        `backing off to ${formatDuration(AEP_POLL_DEFAULTS.maxIntervalMs)}). ` +
        'The worker reads AEP_CLIENT_ID, AEP_CLIENT_SECRET, AEP_ORG_ID, AEP_SANDBOX (and AEP_API_KEY, ' +
        'AEP_ENDPOINT_URL, AEP_IMS_URL overrides). Options marked "Pinpoint:" or "AEP:" belong to that provider.',
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
  audienceflow export --provider aep --segment <segment-id> --create-dataset --merge-policy <id>:2 \\
      --fields personalEmail.address,mobilePhone.number --since 2026-01-01T00:00:00Z --download-dir ./out --wait

Exit codes: 0 completed, 1 run failed, 2 bad input, 3 cancelled, 4 cannot reach Temporal.`,
  );
  cmd.action(async (opts: FlagValues & StartFlags) => {
    if (isAepProvider(opts.provider)) {
      const aep = buildAepExportInput(opts);
      const aepFlags = checkStartFlags(opts);
      process.exitCode = await withClient((c) =>
        startPipeline(
          c,
          {
            pipeline: 'export',
            input: aep,
            metadata: exportProfilesMetadata(aep),
            defaultWorkflowId: aepExportWorkflowId(aep),
          },
          aepFlags,
        ),
      );
      return;
    }
    refuseAepOptions(opts);
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
