/**
 * PinpointJobs against a stand-in client (its `send` records each command): the requests each method builds, the
 * paging of the job lists, the adoption lookup by S3 location, and the errors it classifies or raises itself.
 */
import type { PinpointClient } from '@aws-sdk/client-pinpoint';
import type { ApplicationFailure } from '@temporalio/common';
import { createPinpointClient } from '../../src/providers/pinpoint/client';
import { PinpointJobs, toProviderJob } from '../../src/providers/pinpoint/jobs';

const APP = '0123456789abcdef0123456789abcdef';
const ROLE = 'arn:aws:iam::123456789012:role/r';

interface Sent {
  command: string;
  input: Record<string, unknown>;
  opts: unknown;
}

/** A client whose `send` answers from `reply` (by command name) and records every call. */
function fakeClient(reply: (command: string, input: Record<string, unknown>) => unknown) {
  const sent: Sent[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }, opts: unknown) => {
      const name = command.constructor.name;
      sent.push({ command: name, input: command.input, opts });
      return Promise.resolve().then(() => reply(name, command.input));
    },
  };
  return { jobs: new PinpointJobs(client as unknown as PinpointClient, 'eu-west-1'), sent };
}

const exportJob = (id: string, prefix: string) => ({
  Id: id,
  ApplicationId: APP,
  JobStatus: 'PROCESSING',
  Definition: { S3UrlPrefix: prefix },
});
const importJob = (id: string, url: string) => ({
  Id: id,
  ApplicationId: APP,
  JobStatus: 'COMPLETED',
  Definition: { S3Url: url },
});

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('createPinpointClient', () => {
  it('uses the region given and leaves retries to Temporal (one attempt per call)', async () => {
    const client = createPinpointClient({ region: 'eu-west-3', s3ForcePathStyle: false });
    expect([await client.config.region(), await client.config.maxAttempts()]).toEqual(['eu-west-3', 1]);
    const overridden = createPinpointClient({ region: 'eu-west-3', s3ForcePathStyle: false }, { region: 'us-west-2' });
    expect(await overridden.config.region()).toBe('us-west-2');
    client.destroy();
    overridden.destroy();
  });
});

describe('PinpointJobs requests', () => {
  it('is the Pinpoint adapter, which cannot cancel a job', () => {
    const { jobs } = fakeClient(() => ({}));
    expect([jobs.name, jobs.canCancel]).toEqual(['pinpoint', false]);
  });

  it('creates an export job with the run’s prefix, role and segment, passing the abort signal on', async () => {
    const { jobs, sent } = fakeClient(() => ({ ExportJobResponse: exportJob('e1', 's3://b/run/') }));
    const opts = { abortSignal: new AbortController().signal };
    const spec = { applicationId: APP, s3UrlPrefix: 's3://b/run/', roleArn: ROLE, segmentId: 'seg', segmentVersion: 2 };
    const job = await jobs.createExportJob(spec, opts);
    expect(sent).toEqual([
      {
        command: 'CreateExportJobCommand',
        input: {
          ApplicationId: APP,
          ExportJobRequest: { S3UrlPrefix: 's3://b/run/', RoleArn: ROLE, SegmentId: 'seg', SegmentVersion: 2 },
        },
        opts,
      },
    ]);
    expect(job.snapshot).toMatchObject({ provider: 'pinpoint', kind: 'EXPORT', jobId: 'e1', state: 'RUNNING' });
    expect(job.location).toBe('s3://b/run/');
  });

  it('creates an import job that defines a segment only when given its name', async () => {
    const { jobs, sent } = fakeClient(() => ({ ImportJobResponse: importJob('i1', 's3://b/in/') }));
    const spec = { applicationId: APP, s3Url: 's3://b/in/', roleArn: ROLE, format: 'CSV' as const };
    const created = await jobs.createImportJob({ ...spec, registerEndpoints: true, segmentName: 'new' });
    expect([created.snapshot.kind, created.snapshot.jobId, created.location]).toEqual(['IMPORT', 'i1', 's3://b/in/']);
    await jobs.createImportJob({ ...spec, segmentId: 'seg' });
    expect(sent.map((s) => s.input)).toEqual([
      {
        ApplicationId: APP,
        ImportJobRequest: {
          S3Url: 's3://b/in/',
          RoleArn: ROLE,
          Format: 'CSV',
          RegisterEndpoints: true,
          DefineSegment: true,
          SegmentName: 'new',
          SegmentId: undefined,
        },
      },
      {
        ApplicationId: APP,
        ImportJobRequest: {
          S3Url: 's3://b/in/',
          RoleArn: ROLE,
          Format: 'CSV',
          RegisterEndpoints: undefined,
          DefineSegment: false,
          SegmentName: undefined,
          SegmentId: 'seg',
        },
      },
    ]);
    expect(sent.map((s) => [s.command, s.opts])).toEqual([
      ['CreateImportJobCommand', {}],
      ['CreateImportJobCommand', {}],
    ]);
  });

  it('gets an export or an import job by id, with the matching command', async () => {
    const { jobs, sent } = fakeClient((command) =>
      command === 'GetExportJobCommand'
        ? { ExportJobResponse: exportJob('e1', 's3://b/out/') }
        : { ImportJobResponse: importJob('i1', 's3://b/in/') },
    );
    const exported = await jobs.getJob({ kind: 'EXPORT', applicationId: APP, jobId: 'e1' });
    const imported = await jobs.getJob({ kind: 'IMPORT', applicationId: APP, jobId: 'i1' });
    expect(sent.map((s) => [s.command, s.input])).toEqual([
      ['GetExportJobCommand', { ApplicationId: APP, JobId: 'e1' }],
      ['GetImportJobCommand', { ApplicationId: APP, JobId: 'i1' }],
    ]);
    expect([exported.location, exported.snapshot.kind, imported.location, imported.snapshot.kind]).toEqual([
      's3://b/out/',
      'EXPORT',
      's3://b/in/',
      'IMPORT',
    ]);
  });

  it('checks an application with GetApp', async () => {
    const { jobs, sent } = fakeClient(() => ({ ApplicationResponse: { Id: APP } }));
    await expect(jobs.checkApplication(APP)).resolves.toBeUndefined();
    expect(sent.map((s) => [s.command, s.input])).toEqual([['GetAppCommand', { ApplicationId: APP }]]);
  });
});

describe('PinpointJobs lists and adoption', () => {
  it('pages through every export job, 100 a page, following NextToken', async () => {
    const pages: Record<string, unknown> = {
      first: { ExportJobsResponse: { Item: [exportJob('e1', 's3://b/1/')], NextToken: 't2' } },
      t2: { ExportJobsResponse: { Item: [exportJob('e2', 's3://b/2/'), exportJob('e3', 's3://b/3/')] } },
    };
    const { jobs, sent } = fakeClient((_, input) => pages[(input.Token as string | undefined) ?? 'first']);
    const listed = await all(jobs.listJobs('EXPORT', APP));
    expect(listed.map((j) => j.snapshot.jobId)).toEqual(['e1', 'e2', 'e3']);
    expect(sent.map((s) => [s.command, s.input])).toEqual([
      ['GetExportJobsCommand', { ApplicationId: APP, PageSize: '100', Token: undefined }],
      ['GetExportJobsCommand', { ApplicationId: APP, PageSize: '100', Token: 't2' }],
    ]);
  });

  it('pages through import jobs, and takes a page without items as empty', async () => {
    const pages: Record<string, unknown> = {
      first: { ImportJobsResponse: { NextToken: 'n' } },
      n: { ImportJobsResponse: { Item: [importJob('i1', 's3://b/in/')] } },
    };
    const { jobs, sent } = fakeClient((_, input) => pages[(input.Token as string | undefined) ?? 'first']);
    expect((await all(jobs.listJobs('IMPORT', APP))).map((j) => j.snapshot.jobId)).toEqual(['i1']);
    expect(sent.map((s) => s.command)).toEqual(['GetImportJobsCommand', 'GetImportJobsCommand']);
    const empty = fakeClient(() => ({}));
    expect(await all(empty.jobs.listJobs('EXPORT', APP))).toEqual([]);
    expect(await all(empty.jobs.listJobs('IMPORT', APP))).toEqual([]);
  });

  it('adopts the job at the same location, whatever its trailing slash, and stops listing there', async () => {
    const pages: Record<string, unknown> = {
      first: { ImportJobsResponse: { Item: [importJob('i1', 's3://b/other/')], NextToken: 't2' } },
      t2: { ImportJobsResponse: { Item: [importJob('i2', 's3://b/run')], NextToken: 't3' } },
      t3: { ImportJobsResponse: { Item: [importJob('i3', 's3://b/run/')] } },
    };
    const { jobs, sent } = fakeClient((_, input) => pages[(input.Token as string | undefined) ?? 'first']);
    expect((await jobs.findJobByLocation('IMPORT', APP, 's3://b/run/'))?.snapshot.jobId).toBe('i2');
    expect(sent).toHaveLength(2);
    expect(await jobs.findJobByLocation('IMPORT', APP, 's3://b/none/')).toBeUndefined();
  });

  it("atOrBelow adopts the newest export job in any attempt's folder of the run's root, never a sibling's", async () => {
    const listing = {
      ExportJobsResponse: {
        Item: [
          exportJob('e1', 's3://b/run/export-other/attempt-1/'),
          exportJob('e2', 's3://b/run/export/attempt-2/'),
          exportJob('e3', 's3://b/run/export/attempt-1/'),
        ],
      },
    };
    const { jobs } = fakeClient(() => listing);
    const found = await jobs.findJobByLocation('EXPORT', APP, 's3://b/run/export/', { atOrBelow: true });
    expect(found?.snapshot).toMatchObject({ jobId: 'e2', location: 's3://b/run/export/attempt-2/' });
    expect(await jobs.findJobByLocation('EXPORT', APP, 's3://b/run/export/')).toBeUndefined();
    expect(await jobs.findJobByLocation('EXPORT', APP, 's3://b/run/exp', { atOrBelow: true })).toBeUndefined();
  });
});

describe('PinpointJobs errors', () => {
  it('classifies a failed call with the operation, application and region', async () => {
    const notFound = Object.assign(new Error('gone'), { name: 'NotFoundException' });
    const { jobs } = fakeClient(() => {
      throw notFound;
    });
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as ApplicationFailure,
      );
    const job = await failure(jobs.getJob({ kind: 'IMPORT', applicationId: APP, jobId: 'i9' }));
    expect([job?.type, job?.message]).toEqual([
      'NotFound',
      `import job i9 of application ${APP} not found in region eu-west-1; check the job id, --app and AWS_REGION`,
    ]);
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    const { jobs: refusing } = fakeClient(() => {
      throw denied;
    });
    const spec = { applicationId: APP, s3UrlPrefix: 's3://b/run/', roleArn: ROLE };
    expect((await failure(refusing.createExportJob(spec)))?.message).toBe(
      `Pinpoint create export job for application ${APP} was refused (403 AccessDeniedException: no); check that the worker's AWS identity may call mobiletargeting:* on this application and that role ${ROLE} exists and trusts Pinpoint`,
    );
    const importSpec = { applicationId: APP, s3Url: 's3://b/in/', roleArn: ROLE, format: 'CSV' as const };
    expect((await failure(refusing.createImportJob(importSpec)))?.message).toMatch(
      /^Pinpoint create import job for application .* and that role arn:aws:iam::123456789012:role\/r exists/,
    );
    expect((await failure(refusing.getJob({ kind: 'EXPORT', applicationId: APP, jobId: 'e' })))?.message).toMatch(
      /^Pinpoint get export job for application /,
    );
    expect((await failure(refusing.checkApplication(APP)))?.message).toMatch(/^Pinpoint get application for /);
    expect((await failure(all(refusing.listJobs('IMPORT', APP))))?.message).toMatch(/^Pinpoint list import jobs for /);
    expect((await failure(all(refusing.listJobs('EXPORT', APP))))?.message).toMatch(/^Pinpoint list export jobs for /);
  });

  it('names the call that answered with an empty body', async () => {
    const { jobs } = fakeClient(() => ({}));
    const spec = { applicationId: APP, s3UrlPrefix: 's3://b/run/', roleArn: ROLE };
    await expect(jobs.createExportJob(spec)).rejects.toThrow('CreateExportJob returned an empty body');
    const importSpec = { applicationId: APP, s3Url: 's3://b/in/', roleArn: ROLE, format: 'CSV' as const };
    await expect(jobs.createImportJob(importSpec)).rejects.toThrow('CreateImportJob returned an empty body');
    const ref = { applicationId: APP, jobId: 'j' };
    await expect(jobs.getJob({ ...ref, kind: 'EXPORT' })).rejects.toThrow('GetExportJob returned an empty body');
    await expect(jobs.getJob({ ...ref, kind: 'IMPORT' })).rejects.toThrow('GetImportJob returned an empty body');
  });
});

describe('toProviderJob', () => {
  it('copies the ids, dates, counters and an import’s segment', () => {
    const job = toProviderJob('IMPORT', {
      ApplicationId: APP,
      Id: 'i1',
      JobStatus: 'COMPLETED',
      CreationDate: '2026-01-01T00:00:00Z',
      CompletionDate: '2026-01-01T00:05:00Z',
      Type: 'IMPORT',
      TotalPieces: 4,
      CompletedPieces: 3,
      FailedPieces: 1,
      TotalProcessed: 10,
      TotalFailures: 2,
      Definition: { S3Url: 's3://b/in/', RoleArn: ROLE, Format: 'CSV', SegmentId: 'seg' },
    });
    expect(job).toEqual({
      snapshot: {
        provider: 'pinpoint',
        kind: 'IMPORT',
        applicationId: APP,
        jobId: 'i1',
        state: 'SUCCEEDED',
        rawStatus: 'COMPLETED',
        counters: { totalPieces: 4, completedPieces: 3, failedPieces: 1, totalProcessed: 10, totalFailures: 2 },
        failureSampleCount: 0,
        createdAt: '2026-01-01T00:00:00Z',
        completedAt: '2026-01-01T00:05:00Z',
        segmentId: 'seg',
        location: 's3://b/in/',
      },
      location: 's3://b/in/',
      failures: [],
    });
  });

  it('leaves out the segment of an export and of an import without one, and fills missing ids and status', () => {
    const exported = toProviderJob('EXPORT', {
      JobStatus: undefined,
      Definition: { S3UrlPrefix: 's3://b/out/', RoleArn: ROLE, SegmentId: 'seg' },
    } as never);
    expect(exported.snapshot).not.toHaveProperty('segmentId');
    expect(exported.snapshot).toMatchObject({ applicationId: '', jobId: '', rawStatus: 'UNKNOWN', state: 'RUNNING' });
    const imported = toProviderJob('IMPORT', { Definition: { S3Url: 's3://b/in/' } } as never);
    expect(imported.snapshot).not.toHaveProperty('segmentId');
    expect(toProviderJob('IMPORT', {} as never).location).toBe('');
    expect(toProviderJob('EXPORT', {} as never).location).toBe('');
  });
});
