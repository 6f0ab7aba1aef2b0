/**
 * AEP export jobs against a stand-in AepHttp (it records each request and answers from a script): the wire shape
 * read into AepExportJob (wire.ts), the requests of create/get/list/cancel (jobs.ts), and the neutral ProviderJob of
 * the adapter (adapter.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/contracts';
import type { AepClient, AepExportJob } from '../../src/providers/aep';
import { AepJobs } from '../../src/providers/aep/adapter';
import { TransientFailureType } from '../../src/providers/aep/errors';
import type { AepHttp, AepRequest } from '../../src/providers/aep/http';
import { AepExportJobs } from '../../src/providers/aep/jobs';
import { jobFromWire } from '../../src/providers/aep/wire';

interface Call {
  via: 'json' | 'send';
  req: AepRequest;
  operation: string;
}

/** An AepHttp whose json() and send() answer `reply` in turn and record every request. */
function fakeHttp(reply: (req: AepRequest) => unknown) {
  const calls: Call[] = [];
  const answer = (via: Call['via'], req: AepRequest, ctx: { operation: string }) => {
    calls.push({ via, req, operation: ctx.operation });
    return Promise.resolve().then(() => reply(req));
  };
  const http = {
    json: (req: AepRequest, ctx: { operation: string }) => answer('json', req, ctx),
    send: (req: AepRequest, ctx: { operation: string }) => answer('send', req, ctx),
  } as unknown as AepHttp;
  return { jobs: new AepExportJobs(http), calls };
}

async function rejection(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const wireJob = (id: number | string, status = 'PROCESSING') => ({ id, status, destination: { datasetId: 'ds' } });

describe('jobFromWire', () => {
  it('reads every field of a finished job', () => {
    const job = jobFromWire(
      {
        id: 1234,
        status: 'SUCCEEDED',
        destination: {
          dataSetId: 'ds-9',
          segmentPerBatch: true,
          batches: [{ batchId: 'b1', segmentId: 's1', segmentNs: 'ups' }, { batchId: 77 }],
        },
        errors: [{ code: '0100', msg: 'bad' }, { code: 5 }, 'not an object'],
        metrics: {
          totalTime: { startTimeInMs: 1, endTimeInMs: 9 },
          profileExportTime: { totalTimeInMs: 3 },
          aCPDatasetWriteTime: { totalTimeInMs: 4 },
        },
        creationTime: 100,
        updateTime: 200,
        filter: { segments: [{ segmentId: 's1' }] },
        fields: 'a,b',
      },
      'op',
    );
    expect(job).toStrictEqual({
      id: '1234',
      status: 'SUCCEEDED',
      datasetId: 'ds-9',
      segmentPerBatch: true,
      batches: [
        { batchId: 'b1', segmentId: 's1', segmentNs: 'ups' },
        { batchId: '77', segmentId: undefined, segmentNs: undefined },
      ],
      errors: [
        { code: '0100', msg: 'bad' },
        { code: '5', msg: '' },
        { code: '', msg: '' },
      ],
      metrics: {
        totalTime: { startTimeInMs: 1, endTimeInMs: 9 },
        profileExportTime: { totalTimeInMs: 3 },
        aCPDatasetWriteTime: { totalTimeInMs: 4 },
      },
      creationTime: 100,
      updateTime: 200,
      filter: { segments: [{ segmentId: 's1' }] },
      fields: 'a,b',
    });
  });

  it('fills in what a new job lacks, and prefers datasetId to dataSetId', () => {
    expect(jobFromWire({ id: '5', status: 'NEW' }, 'op')).toStrictEqual({
      id: '5',
      status: 'NEW',
      datasetId: '',
      segmentPerBatch: false,
      batches: [],
      errors: [],
      metrics: { totalTime: undefined, profileExportTime: undefined, aCPDatasetWriteTime: undefined },
      creationTime: undefined,
      updateTime: undefined,
      filter: undefined,
      fields: undefined,
    });
    const both = jobFromWire({ id: '5', status: 'NEW', destination: { datasetId: 'a', dataSetId: 'b' } }, 'op');
    expect(both.datasetId).toBe('a');
  });

  it('keeps a single batchId, drops batches without an id, and ignores shapes it does not know', () => {
    const read = (destination: unknown, extra: Record<string, unknown> = {}) =>
      jobFromWire({ id: '5', status: 'SUCCEEDED', destination, ...extra }, 'op');
    expect(read({ batchId: 'only' }).batches).toEqual([{ batchId: 'only' }]);
    expect(read({ batchId: '' }).batches).toEqual([]);
    expect(read({ batches: [{ batchId: '' }, null, ['b'], { segmentId: 's' }, { batchId: 'k' }] }).batches).toEqual([
      { batchId: 'k', segmentId: undefined, segmentNs: undefined },
    ]);
    expect(read(['not', 'an', 'object']).datasetId).toBe('');
    expect(read({ segmentPerBatch: 'true' }).segmentPerBatch).toBe(false);
    const odd = read(null, { errors: 'none', creationTime: '100', updateTime: '200', fields: 3 });
    expect([odd.errors, odd.creationTime, odd.updateTime, odd.fields]).toEqual([[], undefined, undefined, '3']);
  });

  it('drops the ".0" of an id written as a decimal, and nothing else', () => {
    const id = (raw: string) => jobFromWire({ id: raw, status: 'NEW' }, 'op').id;
    expect([id('1234.0'), id('7.000'), id('100'), id('1.05'), id('20')]).toEqual(['1234', '7', '100', '1.05', '20']);
  });

  it('refuses an answer without an id or with a status it does not document, naming the call', () => {
    const message =
      'AEP get export job 3 failed on the server side (502: the export job answer has no id or a status it does not document); retrying';
    for (const raw of [
      { status: 'NEW' },
      { id: '', status: 'NEW' },
      { id: '3' },
      { id: '3', status: 'DONE' },
      { id: '3', status: 'new' },
      null,
      'text',
    ]) {
      let err: unknown;
      try {
        jobFromWire(raw, 'get export job 3');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect([(err as ApplicationFailure).type, (err as Error).message]).toEqual([
        TransientFailureType.Unavailable,
        message,
      ]);
    }
    for (const status of ['NEW', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELLED']) {
      expect(jobFromWire({ id: 1, status }, 'op').status).toBe(status);
    }
  });
});

describe('AepExportJobs', () => {
  it('creates a job with only the settings given, and the defaults', async () => {
    const { jobs, calls } = fakeHttp(() => wireJob(11, 'NEW'));
    const signal = new AbortController().signal;
    const job = await jobs.create({ datasetId: 'ds' }, signal);
    expect(job.id).toBe('11');
    expect(calls).toEqual([
      {
        via: 'json',
        req: {
          method: 'POST',
          path: '/data/core/ups/export/jobs',
          body: { destination: { datasetId: 'ds', segmentPerBatch: false }, schema: { name: '_xdm.context.profile' } },
          signal,
        },
        operation: 'create export job for dataset ds',
      },
    ]);
    await jobs.create({ datasetId: 'ds', segments: [], fields: [], emptyProfiles: undefined });
    expect(calls[1]?.req.body).toEqual({
      destination: { datasetId: 'ds', segmentPerBatch: false },
      schema: { name: '_xdm.context.profile' },
    });
  });

  it('puts every filter setting, fields, merge policy and schema into the body', async () => {
    const { jobs, calls } = fakeHttp(() => wireJob(12));
    await jobs.create({
      datasetId: 'ds',
      segments: [{ segmentId: 's1', status: ['realized'] }],
      fields: ['a.b', 'c'],
      mergePolicy: { id: 'mp', version: 1 },
      segmentQualificationTime: { startTime: 't0' },
      fromIngestTimestamp: 't1',
      emptyProfiles: false,
      segmentPerBatch: true,
      schemaName: '_xdm.other',
    });
    expect(calls[0]?.req.body).toEqual({
      fields: 'a.b,c',
      mergePolicy: { id: 'mp', version: 1 },
      filter: {
        segments: [{ segmentId: 's1', status: ['realized'] }],
        segmentQualificationTime: { startTime: 't0' },
        fromIngestTimestamp: 't1',
        emptyProfiles: false,
      },
      destination: { datasetId: 'ds', segmentPerBatch: true },
      schema: { name: '_xdm.other' },
    });
    await jobs.create({ datasetId: 'ds', emptyProfiles: true });
    expect(calls[1]?.req.body).toMatchObject({ filter: { emptyProfiles: true } });
    await jobs.create({ datasetId: 'ds', fromIngestTimestamp: '' });
    expect(calls[2]?.req.body).not.toHaveProperty('filter');
  });

  it('checks the answer of a create like any other', async () => {
    const { jobs } = fakeHttp(() => ({ status: 'NEW' }));
    const f = await rejection(jobs.create({ datasetId: 'ds' }));
    expect(f.message).toMatch(/^AEP create export job for dataset ds failed on the server side \(502: /);
  });

  it('gets a job by its numeric id, passing the signal on', async () => {
    const { jobs, calls } = fakeHttp(() => wireJob('42', 'FAILED'));
    const signal = new AbortController().signal;
    expect((await jobs.get('42', signal)).status).toBe('FAILED');
    expect(calls).toEqual([
      {
        via: 'json',
        req: { method: 'GET', path: '/data/core/ups/export/jobs/42', signal },
        operation: 'get export job 42',
      },
    ]);
  });

  it('refuses an id that is not a number before any call', async () => {
    const { jobs, calls } = fakeHttp(() => wireJob(1));
    for (const id of ['', 'abc', '12a', 'a12', '1 2', '../1']) {
      const f = await rejection(jobs.get(id));
      expect([f.type, f.nonRetryable, f.message]).toEqual([
        FailureType.BadInput,
        true,
        `AEP export job id "${id}" is not a number; give the id the create call answered`,
      ]);
      expect((await rejection(jobs.cancel(id))).type).toBe(FailureType.BadInput);
    }
    expect(calls).toEqual([]);
  });

  it('lists every page, following link.next relative to the API base or as given, until an offset repeats', async () => {
    const pages: Record<string, unknown> = {
      '/data/core/ups/export/jobs?limit=100': {
        records: [wireJob(3), wireJob(2)],
        link: { next: '/export/jobs/?offset=2' },
      },
      '/data/core/ups/export/jobs/?offset=2': {
        records: [wireJob(1)],
        link: { next: '/data/core/ups/export/jobs/?offset=3' },
      },
      '/data/core/ups/export/jobs/?offset=3': { link: { next: '/export/jobs/?offset=2' } },
    };
    const { jobs, calls } = fakeHttp((req) => pages[req.path]);
    const signal = new AbortController().signal;
    expect((await all(jobs.list({ signal }))).map((j) => j.id)).toEqual(['3', '2', '1']);
    expect(calls.map((c) => [c.req.method, c.req.path, c.req.signal, c.operation])).toEqual([
      ['GET', '/data/core/ups/export/jobs?limit=100', signal, 'list export jobs'],
      ['GET', '/data/core/ups/export/jobs/?offset=2', signal, 'list export jobs'],
      ['GET', '/data/core/ups/export/jobs/?offset=3', signal, 'list export jobs'],
    ]);
  });

  it('lists with the page size given and stops at a page without a next link', async () => {
    const { jobs, calls } = fakeHttp(() => ({ records: [wireJob(8)], link: {} }));
    expect((await all(jobs.list({ limit: 5 }))).map((j) => j.id)).toEqual(['8']);
    expect(calls.map((c) => c.req.path)).toEqual(['/data/core/ups/export/jobs?limit=5']);
    const empty = fakeHttp(() => ({}));
    expect(await all(empty.jobs.list())).toEqual([]);
    expect(empty.calls).toHaveLength(1);
  });

  it('stops when a page links to itself', async () => {
    const { jobs, calls } = fakeHttp(() => ({ records: [wireJob(8)], link: { next: '/export/jobs/?offset=0' } }));
    expect(await all(jobs.list())).toHaveLength(2);
    expect(calls.map((c) => c.req.path)).toEqual([
      '/data/core/ups/export/jobs?limit=100',
      '/data/core/ups/export/jobs/?offset=0',
    ]);
  });

  it('cancels with DELETE and reads the 204 and 200 answers', async () => {
    const signal = new AbortController().signal;
    const answers = [
      new Response(null, { status: 204 }),
      new Response(JSON.stringify({ status: 200, message: 'Job cancelled' }), { status: 200 }),
      new Response(JSON.stringify({ message: 7 }), { status: 200 }),
      new Response('ok', { status: 200 }),
    ];
    const { jobs, calls } = fakeHttp(() => answers.shift());
    expect(await jobs.cancel('9', signal)).toEqual({ answer: 204 });
    expect(await jobs.cancel('9')).toEqual({ answer: 200, message: 'Job cancelled' });
    expect(await jobs.cancel('9')).toStrictEqual({ answer: 200, message: undefined });
    expect(await jobs.cancel('9')).toStrictEqual({ answer: 200, message: undefined });
    expect(calls[0]).toEqual({
      via: 'send',
      req: { method: 'DELETE', path: '/data/core/ups/export/jobs/9', signal },
      operation: 'cancel export job 9',
    });
  });

  it('counts a job already gone (NotFound) as cancelled, and passes any other failure on', async () => {
    const gone = fakeHttp(() => {
      throw ApplicationFailure.nonRetryable('not found', FailureType.NotFound);
    });
    expect(await gone.jobs.cancel('9')).toEqual({ answer: 'gone' });
    const refused = ApplicationFailure.nonRetryable('refused', FailureType.ProviderRejected);
    const other = fakeHttp(() => {
      throw refused;
    });
    await expect(other.jobs.cancel('9')).rejects.toBe(refused);
    const lookalike = Object.assign(new Error('not an ApplicationFailure'), { type: FailureType.NotFound });
    const plain = fakeHttp(() => {
      throw lookalike;
    });
    await expect(plain.jobs.cancel('9')).rejects.toBe(lookalike);
  });
});

describe('AepJobs (the neutral adapter)', () => {
  function job(over: Partial<AepExportJob>): AepExportJob {
    return {
      id: '7',
      status: 'SUCCEEDED',
      datasetId: 'ds',
      segmentPerBatch: false,
      batches: [{ batchId: 'b1', segmentId: 's1', segmentNs: 'ups' }],
      errors: [],
      metrics: { totalTime: { startTimeInMs: 1_000, endTimeInMs: 5_000 } },
      creationTime: 1_000,
      ...over,
    };
  }

  function adapter(j: AepExportJob) {
    const seen: unknown[][] = [];
    const client = {
      http: { settings: { sandbox: 'sbx' } },
      jobs: {
        get: (...args: unknown[]) => {
          seen.push(['get', ...args]);
          return Promise.resolve(j);
        },
        list: (...args: unknown[]) => {
          seen.push(['list', ...args]);
          return (async function* () {
            await Promise.resolve();
            yield j;
          })();
        },
        cancel: (...args: unknown[]) => {
          seen.push(['cancel', ...args]);
          return Promise.resolve({ answer: 204 });
        },
      },
    } as unknown as AepClient;
    return { aep: new AepJobs(() => client), seen };
  }

  const ref = { kind: 'EXPORT' as const, applicationId: 'ignored', jobId: '7' };

  it('maps a finished job: the sandbox as container, dates, batches without namespace, codes only', async () => {
    const { aep } = adapter(job({ status: 'FAILED', errors: [{ code: 'E1', msg: 'secret@example.com' }] }));
    expect(await aep.getJob(ref)).toStrictEqual({
      snapshot: {
        provider: 'aep',
        kind: 'EXPORT',
        applicationId: 'sbx',
        jobId: '7',
        state: 'FAILED',
        rawStatus: 'FAILED',
        counters: {},
        failureSampleCount: 1,
        createdAt: new Date(1_000).toISOString(),
        completedAt: new Date(5_000).toISOString(),
      },
      location: '',
      output: { kind: 'batches', batches: [{ batchId: 'b1', segmentId: 's1' }] },
      failures: ['E1'],
    });
  });

  it('has no end time for a job still NEW or PROCESSING, and none without metrics or dates', async () => {
    for (const status of ['NEW', 'PROCESSING'] as const) {
      const { snapshot } = await adapter(job({ status })).aep.getJob(ref);
      expect(snapshot.completedAt).toBeUndefined();
    }
    for (const status of ['SUCCEEDED', 'CANCELLED'] as const) {
      const { snapshot } = await adapter(job({ status })).aep.getJob(ref);
      expect(snapshot.completedAt).toBe(new Date(5_000).toISOString());
    }
    const bare = await adapter(job({ metrics: {}, creationTime: undefined })).aep.getJob(ref);
    expect([bare.snapshot.createdAt, bare.snapshot.completedAt]).toEqual([undefined, undefined]);
  });

  it('passes the job id and the abort signal to the client', async () => {
    const { aep, seen } = adapter(job({}));
    const abortSignal = new AbortController().signal;
    await aep.getJob(ref, { abortSignal });
    expect((await all(aep.listJobs('EXPORT', 'x', { abortSignal }))).map((j) => j.snapshot.applicationId)).toEqual([
      'sbx',
    ]);
    await aep.cancelJob(ref, { abortSignal });
    expect(seen).toEqual([
      ['get', '7', abortSignal],
      ['list', { signal: abortSignal }],
      ['cancel', '7', abortSignal],
    ]);
  });

  it('refuses import jobs in every call, before the client is asked', async () => {
    const { aep, seen } = adapter(job({}));
    const imp = { ...ref, kind: 'IMPORT' as const };
    const expected = [
      FailureType.BadInput,
      true,
      'Adobe Experience Platform has no import jobs. Fix: AEP jobs are profile exports; look them up as EXPORT jobs',
    ];
    for (const f of [
      await rejection(aep.getJob(imp)),
      await rejection(aep.cancelJob(imp)),
      await rejection(all(aep.listJobs('IMPORT', 'x'))),
    ]) {
      expect([f.type, f.nonRetryable, f.message]).toEqual(expected);
    }
    expect(seen).toEqual([]);
  });

  it('names the command to use instead of what AEP does not have', async () => {
    const { aep } = adapter(job({}));
    expect(
      (await rejection(aep.createExportJob({ applicationId: 'a', s3UrlPrefix: 's3://b/', roleArn: 'r' }))).message,
    ).toBe(
      'Adobe Experience Platform has no endpoint export to an S3 prefix (application, S3 prefix, role are Pinpoint settings). Fix: export profiles of AEP segments with `audienceflow export --provider aep --segment <id> (--dataset <id> | --create-dataset) --download-dir <dir>`',
    );
    expect(
      (await rejection(aep.createImportJob({ applicationId: 'a', s3Url: 's3://b/k', roleArn: 'r', format: 'CSV' })))
        .message,
    ).toBe(
      'Adobe Experience Platform has no endpoint import jobs (audienceflow imports into Amazon Pinpoint only). Fix: import into a Pinpoint application with `audienceflow import --provider pinpoint --app <id> …`',
    );
    expect((await rejection(aep.findJobByLocation())).message).toBe(
      'Adobe Experience Platform has no job output location to find a job by (its jobs write to a dataset). Fix: the exportProfiles workflow finds its own job by request fingerprint; give the job id to find one',
    );
  });
});
