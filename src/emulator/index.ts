/**
 * The Pinpoint emulator: `startEmulator(options)` serves Pinpoint's REST API (the operations listed
 * in docs/emulator.md) on 127.0.0.1, running import and export jobs over real S3.
 */
import type { AddressInfo } from 'node:net';
import { newAdminToken } from './admin-guard';
import { EmulatorCore } from './core';
import { initCounters } from './job-progress';
import { JobEngine } from './job-engine';
import type { EmulatorOptions, RunningEmulator } from './options';
import { makeS3Client } from './s3-io';
import { createEmulatorServer } from './server';

export { ADMIN_TOKEN_ENV, adminHeaders } from './admin-guard';
export type { EmulatorOptions, RunningEmulator } from './options';

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const s3 = makeS3Client(options.s3);
  const core = new EmulatorCore(options, s3);
  const resumable = await core.load();
  const engine = new JobEngine(core);
  const adminToken = options.adminToken ?? newAdminToken();
  const server = createEmulatorServer(core, engine, adminToken);
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    s3.destroy();
    core.persistence?.unlock();
    throw err;
  }
  // Jobs that were running when the emulator stopped start over (imports are idempotent upserts:
  // records without an Id get ids derived from job, file and line; exports rewrite the same keys).
  for (const job of resumable) {
    job.response.JobStatus = 'CREATED';
    delete job.response.CompletionDate;
    initCounters(job, 0);
    const found = core.findJob(job.response.Id);
    if (found) engine.start(found.app, job);
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    adminToken,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await engine.close();
        await core.persistence?.close();
        s3.destroy();
      })();
      return closing;
    },
  };
}
