/**
 * The `audienceflow` command line: builds the commander program from the command files
 * (src/cli/<name>.ts exporting register<Name>Command) and maps every error to a message and
 * an exit code (src/contracts/failures.ts ExitCode).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { isGrpcServiceError } from '@temporalio/client';
import { PROJECT_ROOT, loadStackEnv, temporalSettings } from '../config';
import { ExitCode } from '../contracts/failures';
import { searchAttributeCommands } from '../contracts/search-attributes';
import { InputError } from '../inputs';
import { registerActivateCommand } from './activate';
import { registerCancelCommand } from './cancel';
import { registerEmulatorCommand } from './emulator';
import { temporalAddress, unreachableMessage } from './client';
import { CliError } from './errors';
import { registerExportCommand } from './export';
import { registerImportCommand } from './import';
import { registerListCommand } from './list';
import { registerScheduleCommand } from './schedule';
import { registerStackCommand } from './stack';
import { registerStatusCommand } from './status';
import { registerSyncCommand } from './sync';
import { registerWorkerCommand } from './worker';

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

interface GlobalOptions {
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('audienceflow')
    .version(packageVersion(), '-V, --version')
    .description(
      'Durable audience-data pipelines on Temporal: export, import and sync Amazon Pinpoint endpoints through S3, ' +
        'watch them, cancel them and run them on schedules. After `audienceflow stack up` nothing needs configuring; ' +
        'otherwise Temporal comes from TEMPORAL_* variables (or temporal.toml) and AWS from its usual chain.',
    )
    .option('--address <host:port>', 'Temporal server (overrides TEMPORAL_ADDRESS; default localhost:7233)')
    .option('--namespace <ns>', 'Temporal namespace (overrides TEMPORAL_NAMESPACE; default "default")')
    .option(
      '--task-queue <name>',
      'task queue of workers and runs (overrides AUDIENCEFLOW_TASK_QUEUE; default "audienceflow")',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  audienceflow stack up                     # local Temporal + S3 + Pinpoint emulator
  audienceflow worker                       # in another terminal
  audienceflow export --app <id> --wait
  audienceflow sync --from-app <id> --to-app <id> --drop-opted-out --wait
  audienceflow activate --segment <aep-segment-id> --to-app <id> --wait
  audienceflow list --status RUNNING

Exit codes: 0 completed, 1 run failed, 2 bad input, 3 cancelled, 4 cannot reach Temporal / internal error,
130 stopped watching with Ctrl-C (the run goes on).`,
    );
  // Global options become the environment every piece reads (config.ts, the worker).
  program.hook('preAction', () => {
    const o = program.opts<GlobalOptions>();
    if (o.address) process.env.TEMPORAL_ADDRESS = o.address;
    if (o.namespace) process.env.TEMPORAL_NAMESPACE = o.namespace;
    if (o.taskQueue) process.env.AUDIENCEFLOW_TASK_QUEUE = o.taskQueue;
  });

  registerWorkerCommand(program);
  registerExportCommand(program);
  registerImportCommand(program);
  registerSyncCommand(program);
  registerActivateCommand(program);
  registerStatusCommand(program);
  registerCancelCommand(program);
  registerListCommand(program);
  registerScheduleCommand(program);
  registerStackCommand(program);
  registerEmulatorCommand(program);
  // Commands owned by other files register here, one line each.
  return program;
}

/** gRPC UNAVAILABLE / DEADLINE_EXCEEDED: the server went away after we connected. */
function isUnreachable(e: unknown): boolean {
  const code = isGrpcServiceError(e) ? (e.code as number) : undefined;
  return code === 14 || code === 4;
}

/** "Failed to start Workflow: 3 INVALID_ARGUMENT: …": the messages along the cause chain, first lines only. */
export function errorChain(err: Error): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e instanceof Error; i++) {
    const line = e.message.split('\n')[0] ?? '';
    if (line && !parts.some((p) => p.includes(line))) parts.push(line);
    e = e.cause;
  }
  return parts.join(': ');
}

/** Prints the error and returns the exit code. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (unknown option, missing argument…); help/version exit 0.
    return e.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
  }
  if (e instanceof CliError) {
    process.stderr.write(`audienceflow: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof InputError) {
    process.stderr.write(`audienceflow: ${e.message}\n`);
    return ExitCode.BadInput;
  }
  if (isUnreachable(e)) {
    let address = 'localhost:7233';
    try {
      address = temporalAddress(temporalSettings());
    } catch {
      /* keep the default */
    }
    process.stderr.write(`audienceflow: ${unreachableMessage(address, (e as Error).message.split('\n')[0])}\n`);
    return ExitCode.Error;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const message = errorChain(err);
  if (/Audienceflow\w+/.test(message) && /not defined|no mapping|unknown|invalid/i.test(message)) {
    process.stderr.write(
      `audienceflow: ${message}\nThe server does not know the custom search attributes, or knows them with older ` +
        'types (AudienceflowApplicationId and AudienceflowJobId are KeywordList now). Fix: register them once ' +
        '(remove an old one first: temporal operator search-attribute remove --name <name>):\n' +
        searchAttributeCommands()
          .map((c) => `  ${c}`)
          .join('\n') +
        '\n(`audienceflow stack up` does this for the local stack.)\n',
    );
    return ExitCode.Error;
  }
  process.stderr.write(`audienceflow: internal error: ${message}\n`);
  if (process.env.AUDIENCEFLOW_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
  return ExitCode.Error;
}

async function main(argv: readonly string[]): Promise<void> {
  // After `audienceflow stack up` the stack's env file points everything at the local stack.
  loadStackEnv();
  await buildProgram().parseAsync([...argv]);
}

/**
 * A reader that went away (`audienceflow --help | head -1`) is not an error: stop quietly, as
 * Unix tools do, instead of printing an EPIPE stack trace.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.Ok);
    throw e;
  });
}

/**
 * Runs the CLI. Called by bin/audienceflow.js however it was reached (npx's cache link, a global
 * install, `npm link`, a symlink, `node bin/audienceflow.js`): no "am I the main module" guess.
 */
/** @public (bin/audienceflow.js calls it through require) */
export function runCli(argv: readonly string[] = process.argv): void {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  main(argv).catch((e: unknown) => {
    process.exitCode = reportError(e);
    // Let stdout/stderr drain, but never hang on a stray handle.
    setTimeout(() => process.exit(), 2_000).unref();
  });
}
