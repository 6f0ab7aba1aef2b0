/**
 * Standalone entry: `tsx src/emulator/main.ts --port <p> [--host] [--s3-endpoint] [--data-dir] [--pace]`.
 * Same flags as `audienceflow emulator`.
 */
import { Command } from 'commander';
import type { EmulatorCliOptions } from './foreground';
import { runEmulatorForeground, withEmulatorOptions } from './foreground';

async function main(): Promise<void> {
  const program = withEmulatorOptions(new Command('audienceflow-emulator'))
    .description('Amazon Pinpoint emulator (REST API, import/export jobs over real S3)')
    .action(async (o: EmulatorCliOptions) => runEmulatorForeground(o));
  await program.parseAsync(process.argv);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`emulator: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
