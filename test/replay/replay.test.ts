/**
 * Replay safety: the histories recorded from real runs (test/replay/histories/, made by
 * `npm run replay:record`: export, import, an import with nothing to import, a sync with batch
 * children, a cancelled sync, a failed export; `npm run replay:record:aep`: exportProfiles and activateSegment, each
 * completed and cancelled) are replayed against today's workflow code. A change
 * that would break runs already in flight — a reordered or removed activity, a timer added without
 * `patched()` — fails here with Temporal's non-determinism error naming the workflow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';

const DIR = path.join(__dirname, 'histories');

/** The saved histories (binary temporal.api.history.v1.History, one execution per file). */
function recorded(): { file: string; workflowId: string; history: temporal.api.history.v1.History }[] {
  return fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.pb'))
    .sort()
    .map((file) => ({
      file,
      // <workflow type>--<workflow id>.pb: the real id, from which a sync derives its children's ids.
      workflowId: file.replace(/^[^-]+--/, '').replace(/\.pb$/, ''),
      history: temporal.api.history.v1.History.decode(fs.readFileSync(path.join(DIR, file))),
    }));
}

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed by an earlier test file in this process */
  }
});

test('every recorded history replays on the current workflow code', async () => {
  const histories = recorded();
  const types = new Set(histories.map((h) => h.file.split('--')[0]));
  // The pipelines and the sync's batch children are all covered.
  for (const t of ['exportEndpoints', 'importEndpoints', 'syncEndpoints', 'exportProfiles', 'activateSegment'])
    expect(types).toContain(t);
  expect(histories.length).toBeGreaterThanOrEqual(11);

  const failures: string[] = [];
  const results = Worker.runReplayHistories(
    { workflowsPath: WORKFLOWS_PATH, replayName: 'audienceflow-replay' },
    histories.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  let replayed = 0;
  for await (const r of results) {
    replayed++;
    if (r.error) failures.push(`${r.workflowId}: ${r.error.message.split('\n')[0]}`);
  }
  expect(replayed).toBe(histories.length);
  expect(failures).toEqual([]);
});
