/**
 * The emulator leaves `Failures` out of import and export job responses while a job has no failure, as the
 * service's documented responses do (a client that prints "Failed to import the following entries:" for any
 * `Failures` field prints nothing then). Checked with the unmodified @aws-sdk/client-pinpoint and on the raw JSON.
 */
import {
  CreateAppCommand,
  CreateExportJobCommand,
  CreateImportJobCommand,
  GetImportJobsCommand,
} from '@aws-sdk/client-pinpoint';
import type { PinpointClient } from '@aws-sdk/client-pinpoint';
import { startS3 } from '../harness';
import type { S3Harness } from '../harness';
import type { RunningEmulator } from '../../src/emulator';
import { ROLE, emulatorOn, pinpoint, put, waitExport, waitImport } from './emulator-support';

let s3: S3Harness;
let emu: RunningEmulator;
let pp: PinpointClient;
let bucket: string;
let appId: string;

beforeAll(async () => {
  s3 = await startS3();
  bucket = await s3.newBucket();
  emu = await emulatorOn(s3);
  pp = pinpoint(emu.url);
  appId = (await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'failures' } }))).ApplicationResponse!
    .Id!;
});
afterAll(async () => {
  pp?.destroy();
  await emu?.close();
  await s3?.stop();
});

/** The response body as the service sends it (the emulator checks only that a SigV4 header is present). */
async function rawJson(p: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${emu.url}${p}`, {
    headers: {
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/mobiletargeting/aws4_request, SignedHeaders=host, Signature=0',
      'x-amz-date': '20260101T000000Z',
    },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function importCsv(key: string, csv: string): Promise<string> {
  await put(s3, bucket, key, csv);
  const out = await pp.send(
    new CreateImportJobCommand({
      ApplicationId: appId,
      ImportJobRequest: { Format: 'CSV', RoleArn: ROLE, S3Url: `s3://${bucket}/${key}` },
    }),
  );
  return out.ImportJobResponse!.Id!;
}

it('an import job without failures has no Failures field (SDK and raw JSON); one with failures lists them', async () => {
  const clean = await waitImport(
    pp,
    appId,
    await importCsv('clean.csv', 'Id,ChannelType,Address\na,EMAIL,a@example.com\nb,EMAIL,b@example.com\n'),
  );
  expect(clean).toMatchObject({ JobStatus: 'COMPLETED', TotalProcessed: 2, TotalFailures: 0 });
  expect(clean.Failures).toBeUndefined();
  const raw = await rawJson(`/v1/apps/${appId}/jobs/import/${clean.Id}`);
  expect(raw).toMatchObject({ JobStatus: 'COMPLETED', TotalFailures: 0 });
  expect(Object.keys(raw)).not.toContain('Failures');

  const listed = await rawJson(`/v1/apps/${appId}/jobs/import`);
  const items = (listed.Item ?? []) as Record<string, unknown>[];
  expect(items.find((j) => j.Id === clean.Id)).not.toHaveProperty('Failures');
  const viaSdk = await pp.send(new GetImportJobsCommand({ ApplicationId: appId }));
  expect(viaSdk.ImportJobsResponse?.Item?.find((j) => j.Id === clean.Id)?.Failures).toBeUndefined();

  const failing = await waitImport(
    pp,
    appId,
    await importCsv('bad.csv', 'Id,ChannelType,Address\nc,EMAIL,c@example.com\nd,NOT_A_CHANNEL,d@example.com\n'),
  );
  expect(failing.TotalFailures).toBe(1);
  expect(failing.Failures).toHaveLength(1);
});

it('an export job without failures has no Failures field (SDK and raw JSON)', async () => {
  const out = await pp.send(
    new CreateExportJobCommand({
      ApplicationId: appId,
      ExportJobRequest: { RoleArn: ROLE, S3UrlPrefix: `s3://${bucket}/export/` },
    }),
  );
  const done = await waitExport(pp, appId, out.ExportJobResponse!.Id!);
  expect(done).toMatchObject({ JobStatus: 'COMPLETED', TotalFailures: 0 });
  expect(done.Failures).toBeUndefined();
  const raw = await rawJson(`/v1/apps/${appId}/jobs/export/${done.Id}`);
  expect(raw).toMatchObject({ JobStatus: 'COMPLETED', TotalFailures: 0 });
  expect(Object.keys(raw)).not.toContain('Failures');
});
