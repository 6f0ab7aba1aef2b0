/** `audienceflow emulator`: runs the local Pinpoint (docs/emulator.md) or AEP (`--provider aep`) emulator in the foreground. */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { EmulatorCliOptions } from '../emulator/foreground';
import { withEmulatorOptions } from '../emulator/foreground';
import type { AepEmulatorCliOptions } from '../aep-emulator/foreground';
import { withAepEmulatorOptions } from '../aep-emulator/foreground';
import { ExitCode } from '../contracts/failures';
import { CliError } from './errors';

export function registerEmulatorCommand(program: Command): void {
  withAepEmulatorOptions(withEmulatorOptions(program.command('emulator')))
    .addOption(
      new Option('--provider <provider>', 'which platform to emulate').choices(['pinpoint', 'aep']).default('pinpoint'),
    )
    .summary('run a local emulator: Amazon Pinpoint (default) or Adobe Experience Platform (--provider aep)')
    .description(
      'Serve the Amazon Pinpoint REST API locally: apps, endpoints, segments, and import/export jobs that really ' +
        'read and write S3. Prints "listening on <url>" when ready; stops on Ctrl-C / SIGTERM. ' +
        'Point the AWS SDK at it with AWS_ENDPOINT_URL_PINPOINT=<url>. See docs/emulator.md. ' +
        'With --provider aep it serves Adobe IMS, Catalog dataSets, profile export jobs and Data Access instead ' +
        '(set both AEP_ENDPOINT_URL and AEP_IMS_URL to <url>); the AEP options are marked "AEP:".',
    )
    .addHelpText(
      'after',
      `
Examples:
  audienceflow emulator --port 4599 --s3-endpoint http://127.0.0.1:8333
  audienceflow emulator --port 4599 --data-dir .audienceflow/emulator --pace realistic
  audienceflow emulator --provider aep --port 4600 --seed-file profiles.json   # Adobe Experience Platform`,
    )
    .action(async (o: EmulatorCliOptions & AepEmulatorCliOptions & { provider: 'pinpoint' | 'aep' }) => {
      const { PortInUseError, runEmulatorForeground } = await import('../emulator/foreground');
      const run =
        o.provider === 'aep'
          ? (await import('../aep-emulator/foreground')).runAepEmulatorForeground
          : runEmulatorForeground;
      await run(o).catch((err: unknown) => {
        throw err instanceof PortInUseError ? new CliError(err.message, ExitCode.BadInput) : err;
      });
    });
}
