/** `audienceflow stack up | status | down`: the local Temporal + S3 + Pinpoint and AEP emulators. */
import type { Command } from 'commander';
import { stackEnvFile, stateDir } from '../config';
import { ExitCode } from '../contracts/failures';
import { DEFAULT_STACK_OPTIONS } from '../stack/defaults';
import type { StackOptions } from '../stack/defaults';
import { badInput, CliError } from './errors';

function port(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65_535) throw badInput(option, `"${value}" is not a port`, 'pass 1-65535');
    return n;
  };
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** The stack module pulls in the AWS SDK and the Temporal client: loaded only when a stack command runs. */
const stackModule = () => import('../stack/stack');

export function registerStackCommand(program: Command): void {
  const stack = program
    .command('stack')
    .summary('run the local stack: Temporal dev server, S3 (SeaweedFS), Pinpoint and AEP emulators')
    .description(
      'The local stack runs everything audienceflow needs on this machine, in the background, bound to ' +
        `127.0.0.1, with state, logs and data in ${stateDir()}. \`up\` writes ${stackEnvFile()}, which the ` +
        'worker and every command read, so nothing else needs configuring.',
    );

  stack
    .command('up')
    .description('start the parts that are not running (a second `up` starts no twins), wait until healthy')
    .option('--temporal-port <port>', 'Temporal gRPC port', port('--temporal-port'), DEFAULT_STACK_OPTIONS.temporalPort)
    .option('--ui-port <port>', 'Temporal Web UI port', port('--ui-port'), DEFAULT_STACK_OPTIONS.uiPort)
    .option(
      '--s3-port <port>',
      'S3 API port; SeaweedFS also uses port+1, port+2, port+1000 and each of those +10000 (gRPC)',
      port('--s3-port'),
      DEFAULT_STACK_OPTIONS.s3Port,
    )
    .option(
      '--emulator-port <port>',
      'Pinpoint emulator port',
      port('--emulator-port'),
      DEFAULT_STACK_OPTIONS.emulatorPort,
    )
    .option(
      '--aep-port <port>',
      'Adobe Experience Platform emulator port (stack.env points AEP_ENDPOINT_URL and AEP_IMS_URL at it)',
      port('--aep-port'),
      DEFAULT_STACK_OPTIONS.aepPort,
    )
    .option('--bucket <name>', 'bucket created for pipelines and the demo', DEFAULT_STACK_OPTIONS.bucket)
    .option('--pace <pace>', "emulators' job pace: instant | fast | realistic", DEFAULT_STACK_OPTIONS.pace)
    .addHelpText(
      'after',
      '\nA part that runs keeps its ports, and one that stopped restarts on the ports it had (recorded in ' +
        'stack.json): the port flags are needed only the first time.\n' +
        '\nExample:\n  audienceflow stack up && audienceflow worker',
    )
    .action(async (o: Omit<StackOptions, 'namespace'>, cmd: Command) => {
      if (!['instant', 'fast', 'realistic'].includes(o.pace)) {
        throw badInput('--pace', `"${o.pace}" is not a pace`, 'pass instant, fast or realistic');
      }
      const { ensureTool } = await import('../stack/tools');
      const { StackInputError, stackUp } = await stackModule();
      for (const name of ['temporal', 'weed'] as const) {
        const r = ensureTool(name, say);
        if (!r.path)
          throw new CliError(
            `${name} is not available and could not be installed; run \`npm run setup\` to see why`,
            ExitCode.Error,
          );
      }
      // Only what the user typed: the rest comes from the recorded stack, else the defaults (resolveStackOptions).
      const given = Object.fromEntries(
        Object.entries(o).filter(([name]) => cmd.getOptionValueSource(name) === 'cli'),
      ) as Partial<StackOptions>;
      const res = await stackUp({ ...given, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' }, say).catch(
        (err: unknown) => {
          throw err instanceof StackInputError ? new CliError(err.message, ExitCode.BadInput) : err;
        },
      );
      say(`\nEnvironment written to ${res.envFile}`);
      say(`Temporal UI: ${res.uiUrl}`);
      say(`S3 bucket:   s3://${res.env.AUDIENCEFLOW_BUCKET ?? ''}/`);
      say('Next: `audienceflow worker` (keeps running), then start pipelines; `audienceflow stack down` stops it all.');
    });

  stack
    .command('status')
    .description('report each part of the local stack as healthy or not (exit 1 when any is not)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const { PART_LABELS, stackStatus } = await stackModule();
      const parts = await stackStatus();
      if (o.json) say(JSON.stringify(parts, null, 2));
      else {
        for (const p of parts) {
          const state = p.healthy ? 'healthy' : p.running ? 'running, NOT healthy' : 'not running';
          say(`${PART_LABELS[p.part].padEnd(20)} ${state.padEnd(22)} ${p.address}${p.pid ? ` (pid ${p.pid})` : ''}`);
        }
      }
      if (!parts.every((p) => p.healthy)) process.exitCode = 1;
    });

  stack
    .command('down')
    .description('stop exactly the processes `up` started (by recorded pid); data is kept unless --purge')
    .option('--purge', 'also delete the stack data (Temporal history, S3 objects, emulator state)')
    .action(async (o: { purge?: boolean }) => {
      const { stackDown } = await stackModule();
      await stackDown({ purge: o.purge }, say);
    });
}
