import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  SA_APPLICATION_ID,
  SA_JOB_ID,
  SA_PIPELINE,
  SA_PROVIDER,
  SA_STATUS,
} from '../../src/contracts/search-attributes';
import { findTool, toolVersion } from '../../src/stack/tools';
import { killOnExit, ownChildrenMatching, say } from './cleanup';

let runtimeInstalled = false;

/** Quiets the SDK's own logging to warnings (once per process). */
export function quietTemporalLogs(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* a runtime already exists in this process */
  }
}

/**
 * A real Temporal dev server (`temporal server start-dev`) on a free port, with the project's
 * search attributes registered. Uses the provisioned binary; without one, the SDK downloads
 * the CLI itself (needs internet) — and says so.
 */
export async function startTemporal(): Promise<TestWorkflowEnvironment> {
  quietTemporalLogs();
  const binary = findTool('temporal');
  if (!binary) say('temporal CLI not provisioned (npm run setup); the Temporal SDK downloads it');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      executable: binary ? { type: 'existing-path', path: binary } : undefined,
      searchAttributes: [SA_PIPELINE, SA_PROVIDER, SA_APPLICATION_ID, SA_JOB_ID, SA_STATUS],
      log: { format: 'pretty', level: 'warn' },
    },
  });
  // The SDK kills its server on teardown(); if the test process dies first, so does the server.
  const port = env.address.split(':').pop() ?? '';
  const serverPids = ownChildrenMatching('start-dev', '--port', port);
  serverPids.forEach((pid) => killOnExit(pid));
  const info = await env.connection.workflowService.getSystemInfo({});
  say(
    `Temporal dev server ${info.serverVersion ?? ''} at ${env.address}, pid ${serverPids.join(',') || '?'} (${binary ? toolVersion(binary, 'temporal') : 'downloaded'})`,
  );
  return env;
}
