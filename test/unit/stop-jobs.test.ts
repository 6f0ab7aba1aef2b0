/** stopAndSnapshot (activities/support/stop-jobs.ts): the cancel path's call to the provider, with a fake adapter. */
import type { JobSnapshot } from '../../src/contracts';
import type { JobRef, ProviderAdapter, ProviderJob } from '../../src/providers';
import { stopAndSnapshot } from '../../activities/support/stop-jobs';

const ref = (jobId: string): JobRef => ({ kind: 'EXPORT', applicationId: 'app', jobId });
const snapshot = (jobId: string, rawStatus: string, state: JobSnapshot['state']): JobSnapshot => ({
  provider: 'aep',
  kind: 'EXPORT',
  applicationId: 'app',
  jobId,
  state,
  rawStatus,
  counters: {},
});

/** An adapter whose jobs are `statuses`; cancelJob refuses the ids in `refuse`; getJob fails for `unreadable`. */
function fakeAdapter(opts: {
  canCancel: boolean;
  statuses: Record<string, JobSnapshot>;
  refuse?: string[];
  unreadable?: string[];
}): ProviderAdapter & { cancelled: string[] } {
  const cancelled: string[] = [];
  const unsupported = () => Promise.reject(new Error('not used'));
  return {
    name: 'aep',
    canCancel: opts.canCancel,
    cancelled,
    createExportJob: unsupported,
    createImportJob: unsupported,
    listJobs: () => ({ [Symbol.asyncIterator]: () => ({ next: unsupported }) }),
    findJobByLocation: unsupported,
    getJob: (r: JobRef): Promise<ProviderJob> =>
      opts.unreadable?.includes(r.jobId)
        ? Promise.reject(new Error('503'))
        : Promise.resolve({ snapshot: opts.statuses[r.jobId]!, location: 's3://b/p/', failures: [] }),
    ...(opts.canCancel && {
      cancelJob: (r: JobRef): Promise<void> => {
        if (opts.refuse?.includes(r.jobId)) return Promise.reject(new Error(`job ${r.jobId} is already COMPLETING`));
        cancelled.push(r.jobId);
        return Promise.resolve();
      },
    }),
  };
}

describe('stopAndSnapshot', () => {
  it('stops what the provider lets it stop, reports a refused cancel, and reads each job after the cancel', async () => {
    const p = fakeAdapter({
      canCancel: true,
      statuses: { a: snapshot('a', 'CANCELLED', 'CANCELLED'), b: snapshot('b', 'PROCESSING', 'RUNNING') },
      refuse: ['b'],
    });
    const r = await stopAndSnapshot(p, [ref('a'), ref('b')]);
    expect(p.cancelled).toEqual(['a']);
    expect(r).toEqual({
      canCancel: true,
      stopped: ['a'],
      cancelFailures: [{ jobId: 'b', reason: 'job b is already COMPLETING' }],
      jobs: [snapshot('a', 'CANCELLED', 'CANCELLED'), snapshot('b', 'PROCESSING', 'RUNNING')],
    });
  });

  it('never asks a provider that cannot cancel, and leaves out a job it cannot read', async () => {
    const p = fakeAdapter({
      canCancel: false,
      statuses: { a: snapshot('a', 'PROCESSING', 'RUNNING') },
      unreadable: ['b'],
    });
    const r = await stopAndSnapshot(p, [ref('a'), ref('b')]);
    expect(r).toEqual({
      canCancel: false,
      stopped: [],
      cancelFailures: [],
      jobs: [snapshot('a', 'PROCESSING', 'RUNNING')],
    });
  });
});
