/**
 * The Adobe Experience Platform emulator: `startAepEmulator(options)` serves IMS, Catalog dataSets,
 * Segmentation export jobs and Data Access on one port, at the platform's own paths.
 */
import type { AddressInfo } from 'node:net';
import { AepEmulatorCore } from './core';
import type { AepEmulatorOptions, RunningAepEmulator } from './options';
import { createAepServer } from './server';

export type { AepEmulatorOptions, RunningAepEmulator } from './options';

export async function startAepEmulator(options: AepEmulatorOptions = {}): Promise<RunningAepEmulator> {
  const core = new AepEmulatorCore(options);
  const server = createAepServer(core);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await core.runner.close();
      })();
      return closing;
    },
  };
}
