/** Shared setup of the emulator conformance tests: real weed S3, the emulator, the unmodified SDK. */
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import type { EndpointResponse, ExportJobResponse, ImportJobResponse } from '@aws-sdk/client-pinpoint';
import { GetImportJobCommand, GetExportJobCommand } from '@aws-sdk/client-pinpoint';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { adminHeaders, startEmulator } from '../../src/emulator';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator';
import type { S3Harness } from '../harness';

export const ROLE = 'arn:aws:iam::123456789012:role/audienceflow';
const CREDS = { accessKeyId: 'test', secretAccessKey: 'test' };

function emulatorOptions(s3: S3Harness, extra: Partial<EmulatorOptions> = {}): EmulatorOptions {
  return {
    s3: { endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: CREDS },
    pace: 'instant',
    ...extra,
  };
}

export async function emulatorOn(s3: S3Harness, extra: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator(emulatorOptions(s3, extra));
}

export function pinpoint(url: string, maxAttempts = 3): PinpointClient {
  return new PinpointClient({ endpoint: url, region: 'us-east-1', credentials: CREDS, maxAttempts });
}

export interface AdminCounts {
  apps: number;
  endpoints: number;
  importJobs: number;
  exportJobs: number;
  byApp: Record<
    string,
    {
      endpoints: number;
      segments: number;
      jobs: { import: number; export: number; total: number; byStatus: Record<string, number> };
    }
  >;
}

/** What an admin call needs of a running emulator. */
export type AdminTarget = Pick<RunningEmulator, 'url' | 'adminToken'>;

export async function counts(emu: AdminTarget): Promise<AdminCounts> {
  return admin<AdminCounts>(emu, 'GET', 'counts');
}

export async function admin<T = unknown>(emu: AdminTarget, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    headers: {
      ...adminHeaders(emu.adminToken),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function put(s3: S3Harness, bucket: string, key: string, body: string): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
}

const TERMINAL = ['COMPLETED', 'FAILED'];

export async function waitImport(pp: PinpointClient, appId: string, jobId: string): Promise<ImportJobResponse> {
  for (let i = 0; i < 600; i++) {
    const r = (await pp.send(new GetImportJobCommand({ ApplicationId: appId, JobId: jobId }))).ImportJobResponse!;
    if (TERMINAL.includes(r.JobStatus!)) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`import job ${jobId} did not finish`);
}

export async function waitExport(pp: PinpointClient, appId: string, jobId: string): Promise<ExportJobResponse> {
  for (let i = 0; i < 600; i++) {
    const r = (await pp.send(new GetExportJobCommand({ ApplicationId: appId, JobId: jobId }))).ExportJobResponse!;
    if (TERMINAL.includes(r.JobStatus!)) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`export job ${jobId} did not finish`);
}

/** Every record of the gzipped NDJSON objects under a prefix (only `.gz` keys, as clients do). */
export async function readExport(s3: S3Harness, bucket: string, prefix: string): Promise<EndpointResponse[]> {
  const keys = (await s3.listKeys(bucket, prefix)).filter((k) => k.endsWith('.gz'));
  const out: EndpointResponse[] = [];
  for (const key of keys) {
    const obj = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = gunzipSync(Buffer.from(await obj.Body!.transformToByteArray())).toString('utf8');
    for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as EndpointResponse);
  }
  return out;
}

/** Asserts a rejected SDK call: the typed exception class, the HTTP status and a message part. */
interface SdkError {
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number; requestId?: string };
}

export async function expectError(
  p: Promise<unknown>,
  type: new (...args: never[]) => Error,
  status: number,
  message: string | RegExp,
): Promise<SdkError> {
  let caught: SdkError | undefined;
  try {
    await p;
  } catch (err) {
    caught = err as SdkError;
  }
  expect(caught).toBeInstanceOf(type);
  expect(caught!.name).toBe(type.name);
  expect(caught!.$metadata.httpStatusCode).toBe(status);
  expect(caught!.message).toMatch(message);
  expect(caught!.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  return caught!;
}
