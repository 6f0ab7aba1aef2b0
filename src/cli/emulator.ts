/** `audienceflow emulator`: runs the local Pinpoint emulator in the foreground (docs/emulator.md). */
import type { Command } from 'commander';
import type { EmulatorCliOptions } from '../emulator/foreground';
import { withEmulatorOptions } from '../emulator/foreground';
import { ExitCode } from '../contracts/failures';
import { CliError } from './errors';

export function registerEmulatorCommand(program: Command): void {
  withEmulatorOptions(program.command('emulator'))
    .summary('run the local Amazon Pinpoint emulator (REST API + import/export jobs over S3)')
    .description(
      'Serve the Amazon Pinpoint REST API locally: apps, endpoints, segments, and import/export jobs that really ' +
        'read and write S3. Prints "listening on <url>" when ready; stops on Ctrl-C / SIGTERM. ' +
        'Point the AWS SDK at it with AWS_ENDPOINT_URL_PINPOINT=<url>. See docs/emulator.md.',
    )
    .addHelpText(
      'after',
      `
Examples:
  audienceflow emulator --port 4599 --s3-endpoint http://127.0.0.1:8333
  audienceflow emulator --port 4599 --data-dir .audienceflow/emulator --pace realistic`,
    )
    .action(async (o: EmulatorCliOptions) => {
      const { PortInUseError, runEmulatorForeground } = await import('../emulator/foreground');
      await runEmulatorForeground(o).catch((err: unknown) => {
        throw err instanceof PortInUseError ? new CliError(err.message, ExitCode.BadInput) : err;
      });
    });
}
