/**
 * The provider registry: providerFor('aep') is the AEP adapter behind the neutral interface (states incl. NEW and
 * CANCELLED, batches as output, cancel = DELETE), operations AEP lacks fail with BadInput naming the fix, and an
 * unconfigured worker is told which AEP_* variables to set. The AEP client is a fake (a unit test of one unit).
 */
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { ApplicationFailure } from '@temporalio/common';
import { createAepActivities } from '../../activities/aep';
import { FailureType } from '../../src/contracts';
import { providerFor, sameLocation } from '../../src/providers';
import type { AepClient, AepExportJob } from '../../src/providers/aep';
import { PinpointJobs } from '../../src/providers/pinpoint';

function job(id: string, status: AepExportJob['status']): AepExportJob {
  return {
    id,
    status,
    datasetId: 'ds1',
    segmentPerBatch: true,
    batches: status === 'SUCCEEDED' ? [{ batchId: `b-${id}`, segmentId: 'seg-1' }] : [],
    errors: status === 'FAILED' ? [{ code: '0090000009', msg: 'profile data must not leak' }] : [],
    metrics: { totalTime: { startTimeInMs: 1_000, endTimeInMs: 2_000 } },
    creationTime: 1_000,
  };
}

function fakeAep() {
  const calls: string[] = [];
  const jobs = { '1': job('1', 'NEW'), '2': job('2', 'PROCESSING'), '3': job('3', 'SUCCEEDED') } as Record<
    string,
    AepExportJob
  >;
  const client = {
    http: { settings: { sandbox: 'dev-sandbox' } },
    jobs: {
      get: (id: string) => {
        calls.push(`GET ${id}`);
        return Promise.resolve(jobs[id] ?? job(id, 'CANCELLED'));
      },
      list() {
        calls.push('LIST');
        return (async function* () {
          await Promise.resolve();
          yield* Object.values(jobs);
        })();
      },
      cancel: (id: string) => {
        calls.push(`DELETE ${id}`);
        return Promise.resolve({ answer: 204 });
      },
    },
  } as unknown as AepClient;
  return { client, calls };
}

const pinpoint = new PinpointClient({ region: 'us-east-1' });
afterAll(() => pinpoint.destroy());

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('providerFor', () => {
  it('still gives the Pinpoint adapter for pinpoint', () => {
    expect(providerFor('pinpoint', { pinpoint, region: 'us-east-1' })).toBeInstanceOf(PinpointJobs);
  });

  it('gives an AEP adapter that can cancel, mapping NEW/PROCESSING/SUCCEEDED/CANCELLED onto the lifecycle', async () => {
    const { client } = fakeAep();
    const aep = providerFor('aep', { pinpoint, region: 'us-east-1', aep: () => client });
    expect(aep.name).toBe('aep');
    expect(aep.canCancel).toBe(true);
    const ref = (jobId: string) => ({ kind: 'EXPORT' as const, applicationId: 'dev-sandbox', jobId });
    const states = [];
    for (const id of ['1', '2', '3', '4']) {
      const { snapshot } = await aep.getJob(ref(id));
      states.push([snapshot.state, snapshot.rawStatus]);
    }
    expect(states).toEqual([
      ['NEW', 'NEW'],
      ['RUNNING', 'PROCESSING'],
      ['SUCCEEDED', 'SUCCEEDED'],
      ['CANCELLED', 'CANCELLED'],
    ]);
    const done = await aep.getJob(ref('3'));
    expect(done.snapshot).toMatchObject({ provider: 'aep', kind: 'EXPORT', applicationId: 'dev-sandbox', jobId: '3' });
    expect(done.snapshot.counters).toEqual({});
    expect(done.output).toEqual({ kind: 'batches', batches: [{ batchId: 'b-3', segmentId: 'seg-1' }] });
    expect(done.snapshot.completedAt).toBe(new Date(2_000).toISOString());
  });

  it('keeps a failed job’s error messages out of the snapshot and failures (codes only)', async () => {
    const { client } = fakeAep();
    const failed = job('9', 'FAILED');
    (client.jobs as unknown as { get: () => Promise<AepExportJob> }).get = () => Promise.resolve(failed);
    const aep = providerFor('aep', { pinpoint, region: 'us-east-1', aep: () => client });
    const j = await aep.getJob({ kind: 'EXPORT', applicationId: 'x', jobId: '9' });
    expect(j.snapshot.state).toBe('FAILED');
    expect(j.failures).toEqual(['0090000009']);
    expect(JSON.stringify(j)).not.toContain('leak');
  });

  it('cancels with DELETE of the job id and lists jobs newest first as the client pages them', async () => {
    const { client, calls } = fakeAep();
    const aep = providerFor('aep', { pinpoint, region: 'us-east-1', aep: () => client });
    await aep.cancelJob?.({ kind: 'EXPORT', applicationId: 'dev-sandbox', jobId: '2' });
    const listed = [];
    for await (const j of aep.listJobs('EXPORT', 'dev-sandbox')) listed.push(j.snapshot.jobId);
    expect(listed).toEqual(['1', '2', '3']);
    expect(calls).toEqual(['DELETE 2', 'LIST']);
  });

  it('refuses what AEP does not have with BadInput naming the fix, before any call', async () => {
    const { client, calls } = fakeAep();
    const aep = providerFor('aep', { pinpoint, region: 'us-east-1', aep: () => client });
    const imp = await failureOf(
      aep.createImportJob({ applicationId: 'a', s3Url: 's3://b/k', roleArn: 'r', format: 'CSV' }),
    );
    expect(imp.type).toBe(FailureType.BadInput);
    expect(imp.nonRetryable).toBe(true);
    expect(imp.message).toMatch(/no endpoint import jobs.*Fix: import into a Pinpoint application/);
    const exp = await failureOf(aep.createExportJob({ applicationId: 'a', s3UrlPrefix: 's3://b/p/', roleArn: 'r' }));
    expect(exp.message).toMatch(
      /Fix: export profiles of AEP segments with `audienceflow export --provider aep --segment/,
    );
    const loc = await failureOf(aep.findJobByLocation('EXPORT', 'a', 's3://b/p/'));
    expect(loc.type).toBe(FailureType.BadInput);
    const importRef = await failureOf(aep.getJob({ kind: 'IMPORT', applicationId: 'a', jobId: '1' }));
    expect(importRef.type).toBe(FailureType.BadInput);
    expect(calls).toEqual([]);
  });

  it('builds the AEP client from AEP_* on first use: an unconfigured worker gets BadInput naming the variables', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AEP_')) delete process.env[k];
    try {
      const aep = providerFor('aep', { pinpoint, region: 'us-east-1' });
      const err = await failureOf(aep.getJob({ kind: 'EXPORT', applicationId: 'prod', jobId: '1' }));
      expect(err.type).toBe(FailureType.BadInput);
      expect(err.message).toMatch(/AEP is not configured on the worker: .*AEP_CLIENT_ID/);
      // The exportProfiles activities build their client the same way: a failure the run does not retry.
      const viaActivity = await failureOf(createAepActivities().aepCreateDataset('d'));
      expect(viaActivity.nonRetryable).toBe(true);
      expect(viaActivity.message).toMatch(/AEP_CLIENT_ID/);
    } finally {
      process.env = saved;
    }
  });

  it('refuses a provider it does not know, naming the ones it does', () => {
    expect(() => providerFor('braze' as never, { pinpoint, region: 'us-east-1' })).toThrow(
      /provider "braze" is not supported; use --provider pinpoint or --provider aep/,
    );
  });
});

describe('sameLocation', () => {
  it('compares S3 locations regardless of trailing slashes, and nothing else', () => {
    expect([sameLocation('s3://b/p/', 's3://b/p'), sameLocation('s3://b/p//', 's3://b/p/')]).toEqual([true, true]);
    expect(sameLocation('s3://b/p/', 's3://b/p//')).toBe(true);
    expect([sameLocation('s3://b/p/x', 's3://b/p'), sameLocation('s3://b/p', 's3://b/q')]).toEqual([false, false]);
    expect(sameLocation('s3://b//p', 's3://b/p')).toBe(false);
  });
});
