/**
 * Per-attempt export folders: each create attempt's job writes to its own folder below the run's export root, a retry
 * adopts any job at or below the root, and the run lists only the folder of the job it recorded.
 */
import { attemptFolder, isAtOrBelow } from '../../src/contracts';
import type { JobSnapshot } from '../../src/contracts';
import { exportedFolder } from '../../workflows/steps/list-pieces';

const ROOT = 's3://b/runs/wf/run/export/';

function job(location?: string): JobSnapshot {
  return {
    provider: 'pinpoint',
    kind: 'EXPORT',
    applicationId: 'a'.repeat(32),
    jobId: 'j1',
    state: 'SUCCEEDED',
    rawStatus: 'COMPLETED',
    counters: {},
    ...(location !== undefined && { location }),
  };
}

test('each attempt gets its own folder below the root, with or without the trailing slash', () => {
  expect(attemptFolder(ROOT, 1)).toBe('s3://b/runs/wf/run/export/attempt-1/');
  expect(attemptFolder('s3://b/runs/wf/run/export', 3)).toBe('s3://b/runs/wf/run/export/attempt-3/');
});

test('a location is at or below the root only on a folder boundary', () => {
  expect(isAtOrBelow(ROOT, ROOT)).toBe(true);
  expect(isAtOrBelow('s3://b/runs/wf/run/export', ROOT)).toBe(true);
  expect(isAtOrBelow(attemptFolder(ROOT, 2), ROOT)).toBe(true);
  expect(isAtOrBelow('s3://b/runs/wf/run/export-other/', ROOT)).toBe(false);
  expect(isAtOrBelow('s3://b/runs/wf/run/', ROOT)).toBe(false);
  expect(isAtOrBelow('s3://b/runs/wf/run2/export/attempt-1/', ROOT)).toBe(false);
  expect(isAtOrBelow('', ROOT)).toBe(false);
});

test("the run lists its job's own folder; a location outside the root, or none, falls back to the root", () => {
  const root = { bucket: 'bkt', key: 'runs/wf/run/export/' };
  const ROOT_URL = 's3://bkt/runs/wf/run/export/';
  expect(exportedFolder(job(attemptFolder(ROOT_URL, 2)), root)).toEqual({
    bucket: 'bkt',
    key: 'runs/wf/run/export/attempt-2/',
  });
  expect(exportedFolder(job(ROOT_URL), root)).toEqual(root);
  expect(exportedFolder(job(), root)).toEqual(root);
  expect(exportedFolder(job('s3://bkt/runs/other/export/attempt-1/'), root)).toEqual(root);
  expect(exportedFolder(job('s3://bkt/runs/wf/run/export-other/'), root)).toEqual(root);
  expect(exportedFolder(job('s3://other-bucket/runs/wf/run/export/attempt-1/'), root)).toEqual(root);
});
