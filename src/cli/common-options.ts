/** Commander option sets shared by several commands (export/sync also serve `schedule create`). */
import type { Command } from 'commander';
import { addAepExportOptions } from './aep-export';
import { addFlags } from './flags';
import { EXPORT_FLAGS, JOB_FLAGS, SYNC_FLAGS } from './options';

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

/** The flags of `export` (and `schedule create export`): Pinpoint's, AEP's, then polling and provider. */
export function addExportOptions(cmd: Command): Command {
  addFlags(cmd, EXPORT_FLAGS);
  addAepExportOptions(cmd);
  return addFlags(cmd, JOB_FLAGS);
}

/** The flags of `sync` (and `schedule create sync`). */
export function addSyncOptions(cmd: Command): Command {
  return addFlags(cmd, SYNC_FLAGS);
}
