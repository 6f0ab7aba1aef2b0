/** `audienceflow sync`: export from one application, transform, import into another. */
import type { Command } from 'commander';
import { withClient } from './client';
import { addStartOptions, addSyncOptions } from './common-options';
import type { FlagValues } from './options';
import { buildSyncInput } from './options';
import type { StartFlags } from './start';
import { checkStartFlags, startPipeline } from './start';
import { syncMetadata } from './start-metadata';
import { syncWorkflowId } from './workflow-ids';

export function registerSyncCommand(program: Command): void {
  const cmd = program
    .command('sync')
    .summary('copy endpoints from one application to another, with transforms')
    .description(
      'Copy endpoints from one application to another: export → transfer each piece S3 → S3 with the ' +
        'transform (filter, attributes, set fields) → import → report. Every step runs on any worker.',
    );
  addSyncOptions(cmd);
  addStartOptions(cmd, 'sync');
  cmd.addHelpText(
    'after',
    `
Examples:
  audienceflow sync --from-app <source-id> --to-app <target-id> --wait
  audienceflow sync --from-app <source-id> --to-app <target-id> --keep-channels EMAIL,SMS --drop-opted-out \\
      --rename-attribute plan=tier --set Attributes.source=sync --dry-run --wait --json

Exit codes: 0 completed, 1 run failed, 2 bad input, 3 cancelled, 4 cannot reach Temporal.`,
  );
  cmd.action(async (opts: FlagValues & StartFlags) => {
    const input = buildSyncInput(opts);
    const flags = checkStartFlags(opts);
    process.exitCode = await withClient((c) =>
      startPipeline(
        c,
        {
          pipeline: 'sync',
          input,
          metadata: syncMetadata(input),
          defaultWorkflowId: syncWorkflowId(input.sourceApplicationId, input.targetApplicationId),
        },
        flags,
      ),
    );
  });
}
