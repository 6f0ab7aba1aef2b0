/**
 * Import and export jobs of the emulator, run for real over SeaweedFS S3 and driven by the
 * unmodified SDK: round trip of every field, failure accounting, FAILED pieces, limits, queueing,
 * segments, paging and the error paths of job creation.
 */
import {
  BadRequestException,
  CreateAppCommand,
  CreateExportJobCommand,
  CreateImportJobCommand,
  CreateSegmentCommand,
  GetExportJobCommand,
  GetExportJobsCommand,
  GetImportJobCommand,
  GetImportJobsCommand,
  GetSegmentCommand,
  GetSegmentExportJobsCommand,
  GetSegmentImportJobsCommand,
  NotFoundException,
} from '@aws-sdk/client-pinpoint';
import type { EndpointBatchItem, ImportJobRequest, PinpointClient } from '@aws-sdk/client-pinpoint';
import { startS3 } from '../harness';
import type { S3Harness } from '../harness';
import type { RunningEmulator } from '../../src/emulator';
import { endpointsToCsv } from '../../src/formats';
import {
  ROLE,
  admin,
  counts,
  emulatorOn,
  expectError,
  pinpoint,
  put,
  readExport,
  waitExport,
  waitImport,
} from './emulator-support';

let s3: S3Harness;
let emu: RunningEmulator;
let pp: PinpointClient;
let bucket: string;

beforeAll(async () => {
  s3 = await startS3();
  bucket = await s3.newBucket();
  emu = await emulatorOn(s3);
  pp = pinpoint(emu.url);
});
afterAll(async () => {
  pp?.destroy();
  await emu?.close();
  await s3?.stop();
});

async function newApp(client = pp): Promise<string> {
  return (await client.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'jobs' } }))).ApplicationResponse!
    .Id!;
}

async function importJob(appId: string, req: Partial<ImportJobRequest>, client = pp): Promise<string> {
  const out = await client.send(
    new CreateImportJobCommand({
      ApplicationId: appId,
      ImportJobRequest: { Format: 'JSON', RoleArn: ROLE, S3Url: '', ...req },
    }),
  );
  expect(out.$metadata.httpStatusCode).toBe(201);
  return out.ImportJobResponse!.Id!;
}

async function exportJob(appId: string, prefix: string, extra: { SegmentId?: string; SegmentVersion?: number } = {}) {
  const out = await pp.send(
    new CreateExportJobCommand({
      ApplicationId: appId,
      ExportJobRequest: { RoleArn: ROLE, S3UrlPrefix: `s3://${bucket}/${prefix}`, ...extra },
    }),
  );
  expect(out.$metadata.httpStatusCode).toBe(202);
  return waitExport(pp, appId, out.ExportJobResponse!.Id!);
}

/** An endpoint with every documented field set. */
function fullEndpoint(i: number, channel: 'EMAIL' | 'SMS'): EndpointBatchItem {
  return {
    Id: `full-${channel}-${i}`,
    ChannelType: channel,
    Address: channel === 'EMAIL' ? `user${i}@example.com` : `+1555000${i}`,
    EffectiveDate: '2024-05-06T07:08:09.000Z',
    EndpointStatus: i % 2 ? 'INACTIVE' : 'ACTIVE',
    OptOut: i % 2 ? 'ALL' : 'NONE',
    RequestId: `req-${i}`,
    Attributes: { interests: ['cats, dogs', 'say "hi"'], tier: [`t${i}`] },
    Metrics: { score: i + 0.5, visits: i },
    User: { UserId: `user-${channel}-${i}`, UserAttributes: { plan: ['gold', 'yearly'] } },
    Location: { City: 'Paris', Country: 'FR', Latitude: 48.85, Longitude: 2.35, PostalCode: '75001', Region: 'IDF' },
    Demographic: {
      AppVersion: '1.2.3',
      Locale: 'fr_FR',
      Make: 'Apple',
      Model: 'iPhone',
      ModelVersion: '15',
      Platform: 'ios',
      PlatformVersion: '17.1',
      Timezone: 'Europe/Paris',
    },
  };
}

describe('round trip', () => {
  it('imports CSV and NDJSON with every field, exports them and preserves every field', async () => {
    const appId = await newApp();
    const csvEndpoints = [0, 1, 2].map((i) => fullEndpoint(i, 'EMAIL'));
    const jsonEndpoints = [3, 4].map((i) => fullEndpoint(i, 'SMS'));
    await put(s3, bucket, 'rt/in/a.csv', endpointsToCsv(csvEndpoints.slice(0, 2)));
    await put(
      s3,
      bucket,
      'rt/in/sub/deeper/b.CSV',
      `\uFEFF${endpointsToCsv(csvEndpoints.slice(2)).replace(/\n/g, '\r\n')}`,
    );
    await put(s3, bucket, 'rt/in/c.json', jsonEndpoints.map((e) => JSON.stringify(e)).join('\n') + '\n');
    await put(s3, bucket, 'rt/in/readme.txt', 'not an endpoint file');

    const csvJob = await waitImport(
      pp,
      appId,
      await importJob(appId, { Format: 'CSV', S3Url: `s3://${bucket}/rt/in/` }),
    );
    expect(csvJob).toMatchObject({
      JobStatus: 'COMPLETED',
      Type: 'IMPORT',
      ApplicationId: appId,
      TotalPieces: 2,
      CompletedPieces: 2,
      FailedPieces: 0,
      TotalProcessed: 3,
      TotalFailures: 0,
      Definition: { Format: 'CSV', RoleArn: ROLE, S3Url: `s3://${bucket}/rt/in/` },
    });
    expect(csvJob.Id).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(csvJob.CompletionDate!)).toBeGreaterThanOrEqual(Date.parse(csvJob.CreationDate!));
    const jsonJob = await waitImport(pp, appId, await importJob(appId, { S3Url: `s3://${bucket}/rt/in` }));
    expect(jsonJob).toMatchObject({ JobStatus: 'COMPLETED', TotalPieces: 1, TotalProcessed: 2, TotalFailures: 0 });

    const exported = await exportJob(appId, 'rt/out/');
    expect(exported).toMatchObject({
      JobStatus: 'COMPLETED',
      Type: 'EXPORT',
      TotalPieces: 1,
      CompletedPieces: 1,
      FailedPieces: 0,
      TotalProcessed: 5,
      Definition: { RoleArn: ROLE, S3UrlPrefix: `s3://${bucket}/rt/out/` },
    });
    const keys = await s3.listKeys(bucket, 'rt/out/');
    expect(keys).toEqual([`rt/out/${exported.Id}/part-00000.json.gz`]);
    const back = await readExport(s3, bucket, 'rt/out/');
    const byId = new Map(back.map((e) => [e.Id, e]));
    for (const input of [...csvEndpoints, ...jsonEndpoints]) {
      const out = byId.get(input.Id)!;
      expect(out).toEqual({
        ...input,
        ApplicationId: appId,
        CohortId: expect.stringMatching(/^\d{1,2}$/),
        CreationDate: expect.any(String),
      });
    }
    expect(back).toHaveLength(5);
  });
});

describe('record failures', () => {
  it('counts every bad row and keeps exactly the first 100 failure strings', async () => {
    const appId = await newApp();
    const lines: string[] = [];
    const expected: string[] = [];
    let good = 0;
    for (let i = 1; i <= 160; i++) {
      if (i % 8 === 0) {
        lines.push(JSON.stringify({ ChannelType: 'SMS', Address: `+1${i}` }));
        good++;
      } else if (i % 3 === 0) {
        lines.push('{"ChannelType": "SMS", broken');
        expected.push(`s3://${bucket}/bad/rows.json line ${i}: invalid JSON`);
      } else {
        lines.push(JSON.stringify({ ChannelType: 'PIGEON', Address: `+1${i}` }));
        expected.push(`s3://${bucket}/bad/rows.json line ${i}: ChannelType "PIGEON" is not valid`);
      }
    }
    await put(s3, bucket, 'bad/rows.json', lines.join('\n'));
    const job = await waitImport(pp, appId, await importJob(appId, { S3Url: `s3://${bucket}/bad/rows.json` }));
    expect(job.JobStatus).toBe('COMPLETED');
    expect(job.TotalProcessed).toBe(good);
    expect(job.TotalFailures).toBe(160 - good);
    expect(job.Failures).toHaveLength(100);
    job.Failures!.forEach((f, i) => expect(f.startsWith(expected[i]!)).toBe(true));
    expect((await counts(emu)).byApp[appId]!.endpoints).toBe(good);
  });

  it('a second job of the same file updates rows with an Id, and adds new endpoints for rows without one', async () => {
    const appId = await newApp();
    await put(s3, bucket, 'rerun/ids.csv', 'Id,ChannelType,Address\nr1,SMS,+1\nr2,SMS,+2\n');
    await waitImport(pp, appId, await importJob(appId, { Format: 'CSV', S3Url: `s3://${bucket}/rerun/ids.csv` }));
    await waitImport(pp, appId, await importJob(appId, { Format: 'CSV', S3Url: `s3://${bucket}/rerun/ids.csv` }));
    expect((await counts(emu)).byApp[appId]!.endpoints).toBe(2); // same ids: updated, not duplicated

    await put(s3, bucket, 'rerun/a.csv', 'ChannelType,Address\nSMS,+1\nSMS,+2\n');
    await waitImport(pp, appId, await importJob(appId, { Format: 'CSV', S3Url: `s3://${bucket}/rerun/a.csv` }));
    await waitImport(pp, appId, await importJob(appId, { Format: 'CSV', S3Url: `s3://${bucket}/rerun/a.csv` }));
    // No Id: the id derives from job, file and line, so each job adds endpoints of its own.
    expect((await counts(emu)).byApp[appId]!.endpoints).toBe(6);
  });
});

describe('failed jobs', () => {
  it('is FAILED when a piece cannot be processed', async () => {
    const appId = await newApp();
    const missing = await waitImport(pp, appId, await importJob(appId, { S3Url: `s3://${bucket}/nothing/here.json` }));
    expect(missing).toMatchObject({ JobStatus: 'FAILED', TotalPieces: 1, FailedPieces: 1 });
    expect(missing.Failures).toEqual([
      `s3://${bucket}/nothing/here.json: no JSON files found (an object, or a folder holding files ending in .json, .ndjson, .jsonl)`,
    ]);

    const noBucket = await waitImport(pp, appId, await importJob(appId, { S3Url: 's3://no-such-bucket-af/x/' }));
    expect(noBucket.JobStatus).toBe('FAILED');
    expect(noBucket.Failures![0]).toMatch(/^s3:\/\/no-such-bucket-af\/x\/: could not list the files: NoSuchBucket/);

    await put(s3, bucket, 'hdr/ok.csv', 'ChannelType,Address\nSMS,+1\n');
    await put(s3, bucket, 'hdr/bad.csv', 'ChannelType,Adress\nSMS,+1\n');
    const header = await waitImport(pp, appId, await importJob(appId, { Format: 'CSV', S3Url: `s3://${bucket}/hdr/` }));
    expect(header).toMatchObject({
      JobStatus: 'FAILED',
      TotalPieces: 2,
      CompletedPieces: 1,
      FailedPieces: 1,
      TotalProcessed: 1,
    });
    expect(header.Failures).toEqual([
      `s3://${bucket}/hdr/bad.csv line 1: CSV header (line 1): header column 2 "Adress" is not an endpoint field; ` +
        'use Id, Address, ChannelType, EffectiveDate, EndpointStatus, OptOut, RequestId, User.UserId, Location.*, ' +
        'Demographic.*, Attributes.<name>, Metrics.<name> or User.UserAttributes.<name>',
    ]);

    await admin(emu, 'POST', 'faults', { denyRoleArns: ['arn:aws:iam::123456789012:role/nope'] });
    const role = await waitImport(
      pp,
      appId,
      await importJob(appId, {
        Format: 'CSV',
        S3Url: `s3://${bucket}/hdr/ok.csv`,
        RoleArn: 'arn:aws:iam::123456789012:role/nope',
      }),
    );
    expect(role.JobStatus).toBe('FAILED');
    expect(role.Failures).toEqual([
      `s3://${bucket}/hdr/ok.csv: could not assume role arn:aws:iam::123456789012:role/nope to read the files (AccessDenied)`,
    ]);
    await admin(emu, 'POST', 'faults', { failNextJobs: 1, jobKind: 'EXPORT' });
    const injected = await exportJob(appId, 'inj/');
    expect(injected.JobStatus).toBe('FAILED');
    expect(injected.Failures).toEqual(['the job failed: injected by the emulator (failNextJobs fault)']);
    const noBucketExport = await pp.send(
      new CreateExportJobCommand({
        ApplicationId: appId,
        ExportJobRequest: { RoleArn: ROLE, S3UrlPrefix: 's3://no-such-bucket-af/out/' },
      }),
    );
    const nb = await waitExport(pp, appId, noBucketExport.ExportJobResponse!.Id!);
    expect(nb).toMatchObject({ JobStatus: 'FAILED', FailedPieces: 1 });
    expect(nb.Failures![0]).toMatch(
      /^s3:\/\/no-such-bucket-af\/out\/[0-9a-f]{32}\/part-00000\.json\.gz: could not be written: (NoSuchBucket|AccessDenied)/,
    );
    await admin(emu, 'DELETE', 'faults');
  });

  it('refuses bad job requests before creating anything', async () => {
    const appId = await newApp();
    const create = (req: object, app = appId) =>
      pp.send(new CreateImportJobCommand({ ApplicationId: app, ImportJobRequest: req as ImportJobRequest }));
    await expectError(
      create({ S3Url: `s3://${bucket}/x`, RoleArn: ROLE }),
      BadRequestException,
      400,
      'Format is required: CSV or JSON',
    );
    await expectError(
      create({ Format: 'XML', S3Url: `s3://${bucket}/x`, RoleArn: ROLE }),
      BadRequestException,
      400,
      'Format "XML" is not valid',
    );
    await expectError(
      create({ Format: 'CSV', S3Url: 'https://x/y', RoleArn: ROLE }),
      BadRequestException,
      400,
      /is not an s3:\/\/ URL/,
    );
    await expectError(
      create({ Format: 'CSV', S3Url: `s3://${bucket}/x` }),
      BadRequestException,
      400,
      'RoleArn is required',
    );
    await expectError(
      create({ Format: 'CSV', S3Url: `s3://${bucket}/x`, RoleArn: 'admin' }),
      BadRequestException,
      400,
      /not an IAM role ARN/,
    );
    await expectError(
      create({ Format: 'CSV', S3Url: `s3://${bucket}/x`, RoleArn: ROLE }, 'nope'),
      NotFoundException,
      404,
      /application nope/,
    );
    await expectError(
      create({ Format: 'CSV', S3Url: `s3://${bucket}/x`, RoleArn: ROLE, SegmentId: 'nope' }),
      NotFoundException,
      404,
      /segment nope/,
    );
    const exp = (req: object) =>
      pp.send(new CreateExportJobCommand({ ApplicationId: appId, ExportJobRequest: req as never }));
    await expectError(exp({ RoleArn: ROLE }), BadRequestException, 400, 'S3UrlPrefix is required');
    await expectError(
      exp({ RoleArn: ROLE, S3UrlPrefix: `s3://${bucket}/o/`, SegmentId: 'nope' }),
      NotFoundException,
      404,
      /segment nope/,
    );
    await expectError(
      exp({ RoleArn: ROLE, S3UrlPrefix: `s3://${bucket}/o/`, SegmentVersion: 1 }),
      BadRequestException,
      400,
      'SegmentVersion needs SegmentId',
    );
    await expectError(
      pp.send(new GetImportJobCommand({ ApplicationId: appId, JobId: 'nope' })),
      NotFoundException,
      404,
      /import job nope/,
    );
    await expectError(
      pp.send(new GetExportJobCommand({ ApplicationId: appId, JobId: 'nope' })),
      NotFoundException,
      404,
      /export job nope/,
    );
    expect((await counts(emu)).byApp[appId]!.jobs.total).toBe(0);
  });
});

describe('segments, listing and limits', () => {
  it('defines IMPORT segments, versions them and exports a segment version', async () => {
    const appId = await newApp();
    await put(
      s3,
      bucket,
      'seg/1.json',
      ['+1', '+2'].map((a) => JSON.stringify({ ChannelType: 'SMS', Address: a })).join('\n'),
    );
    await put(s3, bucket, 'seg/2.json', JSON.stringify({ ChannelType: 'EMAIL', Address: 'x@y.z' }));
    await put(s3, bucket, 'seg/other.json', JSON.stringify({ ChannelType: 'EMAIL', Address: 'other@y.z' }));
    const j1 = await waitImport(
      pp,
      appId,
      await importJob(appId, {
        S3Url: `s3://${bucket}/seg/1.json`,
        DefineSegment: true,
        SegmentName: 'vip',
        RegisterEndpoints: true,
      }),
    );
    const segmentId = j1.Definition!.SegmentId!;
    expect(segmentId).toMatch(/^[0-9a-f]{32}$/);
    await waitImport(pp, appId, await importJob(appId, { S3Url: `s3://${bucket}/seg/2.json`, SegmentId: segmentId }));
    await waitImport(pp, appId, await importJob(appId, { S3Url: `s3://${bucket}/seg/other.json` }));
    const seg = (await pp.send(new GetSegmentCommand({ ApplicationId: appId, SegmentId: segmentId }))).SegmentResponse!;
    expect(seg).toMatchObject({
      Name: 'vip',
      SegmentType: 'IMPORT',
      Version: 2,
      ImportDefinition: {
        Format: 'JSON',
        Size: 3,
        ChannelCounts: { SMS: 2, EMAIL: 1 },
        S3Url: `s3://${bucket}/seg/2.json`,
      },
    });
    const v1 = await exportJob(appId, 'segout/v1/', { SegmentId: segmentId, SegmentVersion: 1 });
    expect(v1.TotalProcessed).toBe(2);
    expect((await readExport(s3, bucket, 'segout/v1/')).map((e) => e.Address).sort()).toEqual(['+1', '+2']);
    const latest = await exportJob(appId, 'segout/latest/', { SegmentId: segmentId });
    expect(latest.TotalProcessed).toBe(3);
    const all = await exportJob(appId, 'segout/all/');
    expect(all.TotalProcessed).toBe(4);
    await expectError(
      pp.send(
        new CreateExportJobCommand({
          ApplicationId: appId,
          ExportJobRequest: {
            RoleArn: ROLE,
            S3UrlPrefix: `s3://${bucket}/x/`,
            SegmentId: segmentId,
            SegmentVersion: 3,
          },
        }),
      ),
      BadRequestException,
      400,
      "SegmentVersion 3 does not exist; the segment's latest version is 2",
    );
    const segImports = await pp.send(
      new GetSegmentImportJobsCommand({ ApplicationId: appId, SegmentId: segmentId, PageSize: '1' }),
    );
    expect(segImports.ImportJobsResponse!.Item).toHaveLength(1);
    const segImports2 = await pp.send(
      new GetSegmentImportJobsCommand({
        ApplicationId: appId,
        SegmentId: segmentId,
        PageSize: '1',
        Token: segImports.ImportJobsResponse!.NextToken,
      }),
    );
    expect(segImports2.ImportJobsResponse!.NextToken).toBeUndefined();
    expect(
      [...segImports.ImportJobsResponse!.Item!, ...segImports2.ImportJobsResponse!.Item!].map((j) => j.Id),
    ).toEqual([expect.any(String), j1.Id]);
    const segExports = await pp.send(new GetSegmentExportJobsCommand({ ApplicationId: appId, SegmentId: segmentId }));
    expect(segExports.ExportJobsResponse!.Item!.map((j) => j.Id)).toEqual([latest.Id, v1.Id]);
    await expectError(
      pp.send(new GetSegmentImportJobsCommand({ ApplicationId: appId, SegmentId: 'nope' })),
      NotFoundException,
      404,
      /segment nope/,
    );
  });

  it('keeps segment-only endpoints out of the app when RegisterEndpoints is false; evaluates dimensional segments', async () => {
    const appId = await newApp();
    await put(s3, bucket, 'private/p.json', JSON.stringify({ ChannelType: 'SMS', Address: '+7' }));
    const j = await waitImport(
      pp,
      appId,
      await importJob(appId, { S3Url: `s3://${bucket}/private/p.json`, DefineSegment: true, RegisterEndpoints: false }),
    );
    expect(j.JobStatus).toBe('COMPLETED');
    expect((await counts(emu)).byApp[appId]!.endpoints).toBe(0);
    const seg = await exportJob(appId, 'private/out/', { SegmentId: j.Definition!.SegmentId! });
    expect(seg.TotalProcessed).toBe(1);

    await put(
      s3,
      bucket,
      'dim/d.json',
      ['SMS', 'EMAIL', 'SMS'].map((c, i) => JSON.stringify({ ChannelType: c, Address: `a${i}@x.y` })).join('\n'),
    );
    await waitImport(pp, appId, await importJob(appId, { S3Url: `s3://${bucket}/dim/d.json` }));
    const dim = await pp.send(
      new CreateSegmentCommand({
        ApplicationId: appId,
        WriteSegmentRequest: {
          Name: 'sms',
          Dimensions: { Demographic: { Channel: { DimensionType: 'INCLUSIVE', Values: ['SMS'] } } },
        },
      }),
    );
    const out = await exportJob(appId, 'dim/out/', { SegmentId: dim.SegmentResponse!.Id! });
    expect(out.TotalProcessed).toBe(2);
    expect((await readExport(s3, bucket, 'dim/out/')).every((e) => e.ChannelType === 'SMS')).toBe(true);
  });

  it('pages job lists newest first', async () => {
    const appId = await newApp();
    await put(s3, bucket, 'page/a.json', JSON.stringify({ ChannelType: 'SMS', Address: '+1' }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await importJob(appId, { S3Url: `s3://${bucket}/page/a.json` }));
    for (const id of ids) await waitImport(pp, appId, id);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await pp.send(new GetImportJobsCommand({ ApplicationId: appId, PageSize: '2', Token: token }));
      seen.push(...page.ImportJobsResponse!.Item!.map((j) => j.Id!));
      token = page.ImportJobsResponse!.NextToken;
    } while (token);
    expect(seen).toEqual([...ids].reverse());
    const e1 = await exportJob(appId, 'page/o1/');
    const e2 = await exportJob(appId, 'page/o2/');
    const p1 = await pp.send(new GetExportJobsCommand({ ApplicationId: appId, PageSize: '1' }));
    const p2 = await pp.send(
      new GetExportJobsCommand({ ApplicationId: appId, PageSize: '1', Token: p1.ExportJobsResponse!.NextToken }),
    );
    expect([p1, p2].map((p) => p.ExportJobsResponse!.Item![0]!.Id)).toEqual([e2.Id, e1.Id]);
    expect(p2.ExportJobsResponse!.NextToken).toBeUndefined();
    expect((await counts(emu)).byApp[appId]!.jobs).toMatchObject({ import: 3, export: 2, total: 5 });
  });

  it('queues imports beyond the concurrent limit in PENDING_JOB, enforces the size limit and moves through the statuses', async () => {
    const limited = await emulatorOn(s3, { pace: 'fast', maxConcurrentImports: 1, maxImportJobBytes: 200 });
    const lp = pinpoint(limited.url);
    try {
      const appId = await newApp(lp);
      await put(s3, bucket, 'lim/small.json', JSON.stringify({ ChannelType: 'SMS', Address: '+1' }));
      await put(s3, bucket, 'lim/big/x.json', JSON.stringify({ ChannelType: 'SMS', Address: 'x'.repeat(300) }));
      await admin(limited, 'POST', 'faults', { stallNextJobs: 1 });
      const first = await importJob(appId, { S3Url: `s3://${bucket}/lim/small.json` }, lp);
      const second = await importJob(appId, { S3Url: `s3://${bucket}/lim/small.json` }, lp);
      const seen: string[] = [];
      let firstStatus = '';
      for (let i = 0; i < 400; i++) {
        const s = (await lp.send(new GetImportJobCommand({ ApplicationId: appId, JobId: second }))).ImportJobResponse!
          .JobStatus!;
        if (seen[seen.length - 1] !== s) seen.push(s);
        firstStatus = (await lp.send(new GetImportJobCommand({ ApplicationId: appId, JobId: first })))
          .ImportJobResponse!.JobStatus!;
        if (firstStatus === 'PROCESSING' && s === 'PENDING_JOB') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      // The first job holds the only slot (stalled in PROCESSING); the second waits for it.
      expect(firstStatus).toBe('PROCESSING');
      expect(seen[seen.length - 1]).toBe('PENDING_JOB');
      await admin(limited, 'POST', `jobs/${first}/release`);
      const statuses: string[] = [];
      for (let i = 0; i < 200; i++) {
        const s = (await lp.send(new GetImportJobCommand({ ApplicationId: appId, JobId: second }))).ImportJobResponse!
          .JobStatus!;
        if (statuses[statuses.length - 1] !== s) statuses.push(s);
        if (s === 'COMPLETED' || s === 'FAILED') break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const order = ['CREATED', 'PENDING_JOB', 'INITIALIZING', 'PROCESSING', 'COMPLETING', 'COMPLETED'];
      expect(statuses[statuses.length - 1]).toBe('COMPLETED');
      expect(statuses.map((s) => order.indexOf(s))).toEqual(
        [...statuses.map((s) => order.indexOf(s))].sort((a, b) => a - b),
      );
      expect(statuses.length).toBeGreaterThanOrEqual(2);
      expect((await waitImport(lp, appId, first)).JobStatus).toBe('COMPLETED');

      const big = await waitImport(lp, appId, await importJob(appId, { S3Url: `s3://${bucket}/lim/big/` }, lp));
      expect(big).toMatchObject({ JobStatus: 'FAILED', TotalPieces: 1, FailedPieces: 1 });
      expect(big.Failures![0]).toMatch(
        /the files total \d+ bytes; an import job accepts at most 200 bytes: split them into several jobs$/,
      );
    } finally {
      lp.destroy();
      await limited.close();
    }
  });
});

describe('reset', () => {
  it('ends stalled and queued jobs of deleted apps and frees their import slots', async () => {
    const appId = await newApp();
    await put(s3, bucket, 'reset/a.json', JSON.stringify({ ChannelType: 'SMS', Address: '+1' }));
    await admin(emu, 'POST', 'faults', { stallNextJobs: 3, jobKind: 'IMPORT' });
    for (let i = 0; i < 3; i++) await importJob(appId, { S3Url: `s3://${bucket}/reset/a.json` });
    await admin(emu, 'POST', 'reset');
    expect(await counts(emu)).toMatchObject({ apps: 0, endpoints: 0, importJobs: 0 });
    // Both import slots are free again: a new job runs at once.
    const fresh = await newApp();
    const job = await waitImport(pp, fresh, await importJob(fresh, { S3Url: `s3://${bucket}/reset/a.json` }));
    expect(job).toMatchObject({ JobStatus: 'COMPLETED', TotalProcessed: 1 });
  });
});
