/**
 * SeaweedFS (`weed server -s3`) as the local S3: every port explicit and bound to 127.0.0.1,
 * telemetry off, the Iceberg and Lance side servers off. gRPC ports are port + 10000.
 * It runs with one identity (LOCAL_S3_CREDENTIALS, an S3 config file given with -s3.config): without one, SeaweedFS
 * refuses chunk-signed uploads (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, the AWS SDKs' default over http).
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createS3Client } from '../providers/s3-client';
import { isPortFree } from './ports';
import { GaveUp, spawnLogged, waitUntil } from './processes';

export interface WeedPorts {
  s3: number;
  master: number;
  volume: number;
  filer: number;
}

/**
 * Free ports for a throwaway SeaweedFS server (tests, benchmarks): the S3 port, the ones derived from it and their
 * gRPC twins, all below Linux's ephemeral range (from 32768). An OS-assigned port lies inside that range, where any
 * outgoing connection — weed's own, between its master, volume and filer — may take a derived port between our check
 * and weed's bind (a CI run lost a test server that way: its filer stopped at start, in startFiler's Fatalf).
 */
export async function freeWeedPorts(): Promise<WeedPorts> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // S3 port in [11000, 21000): master at +1000 and every gRPC port at +10000 stay below 32768.
    const ports = weedPortsFor(11_000 + Math.floor(Math.random() * 10_000));
    const all = [ports.s3, ports.master, ports.volume, ports.filer].flatMap((p) => [p, p + 10_000]);
    const free = await Promise.all(all.map((p) => isPortFree(p)));
    if (free.every(Boolean)) return ports;
  }
  throw new Error('could not find free ports for SeaweedFS below 32768');
}

/** The ports a weed server on `s3Port` uses besides it (documented in the README). */
export function weedPortsFor(s3Port: number): WeedPorts {
  return { s3: s3Port, master: s3Port + 1000, volume: s3Port + 1, filer: s3Port + 2 };
}

/**
 * The local S3's one identity, allowed everything. The same keys go to stack.env (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY), the emulator and the test harness: dummy values for a server bound to 127.0.0.1.
 */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** The S3 config SeaweedFS reads with -s3.config: the identity and what it may do. */
export function s3IdentityConfig(): object {
  return {
    identities: [
      {
        name: 'audienceflow',
        credentials: [{ accessKey: LOCAL_S3_CREDENTIALS.accessKeyId, secretKey: LOCAL_S3_CREDENTIALS.secretAccessKey }],
        actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'],
      },
    ],
  };
}

/** The S3 config file of a server whose data lives in `dataDir` (written by startWeed). */
function s3ConfigFile(dataDir: string): string {
  return path.join(dataDir, 's3-identity.json');
}

export function weedArgs(dataDir: string, ports: WeedPorts): string[] {
  return [
    'server',
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-dir=${dataDir}`,
    `-master.port=${ports.master}`,
    '-master.telemetry=false',
    // With -volume.max=0 weed allows (free disk ÷ volume size) volumes, one or more per bucket: at the default 30 GB
    // a disk with 77 GB free took two buckets and refused the third. 1 GB volumes leave room for many buckets.
    '-master.volumeSizeLimitMB=1024',
    `-volume.port=${ports.volume}`,
    '-volume.max=0',
    '-filer',
    `-filer.port=${ports.filer}`,
    '-s3',
    `-s3.port=${ports.s3}`,
    `-s3.config=${s3ConfigFile(dataDir)}`,
    // An admin identity would create a missing bucket on upload; S3 answers NoSuchBucket, and so must the local one.
    '-s3.autoCreateBucket=false',
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
  ];
}

/**
 * Each bucket is a SeaweedFS collection; growing 1 volume (not 7) for a new one keeps a
 * local server small and makes a new bucket writable sooner.
 */
const WEED_ENV: Record<string, string> = { WEED_MASTER_VOLUME_GROWTH_COPY_1: '1' };

export function s3Endpoint(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** Healthy: a signed ListBuckets with the local identity succeeds (the filer is up and the identity loaded). */
export async function s3Healthy(endpoint: string): Promise<boolean> {
  const client = localS3Client(endpoint, 'us-east-1', {
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 2_000 },
  });
  try {
    await client.send(new ListBucketsCommand({}));
    return true;
  } finally {
    client.destroy();
  }
}

export interface StartedWeed {
  child: ChildProcess;
  endpoint: string;
  ports: WeedPorts;
}

export async function startWeed(opts: {
  binary: string;
  dataDir: string;
  ports: WeedPorts;
  logFile: string;
  detached?: boolean;
  onSpawn?: (pid: number | undefined) => void;
}): Promise<StartedWeed> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  fs.writeFileSync(s3ConfigFile(opts.dataDir), JSON.stringify(s3IdentityConfig(), null, 2), { mode: 0o600 });
  const child = spawnLogged(opts.binary, weedArgs(opts.dataDir, opts.ports), {
    logFile: opts.logFile,
    detached: opts.detached,
    env: { ...process.env, ...WEED_ENV },
  });
  opts.onSpawn?.(child.pid);
  const endpoint = s3Endpoint(opts.ports.s3);
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitUntil(
    async () => {
      if (exited) throw new GaveUp('weed exited');
      return s3Healthy(endpoint);
    },
    `SeaweedFS S3 on ${endpoint}`,
    { timeoutMs: 60_000, logFile: opts.logFile },
  );
  return { child, endpoint, ports: opts.ports };
}

/** A client for the local S3 server: the activities' own client (createS3Client) with the local endpoint and keys. */
export function localS3Client(
  endpoint: string,
  region = 'us-east-1',
  overrides: Partial<S3ClientConfig> = {},
): S3Client {
  return createS3Client(
    { region, s3ForcePathStyle: true },
    { endpoint, credentials: { ...LOCAL_S3_CREDENTIALS }, ...overrides },
  );
}

/**
 * Creates the bucket unless it exists, and waits until it takes writes: SeaweedFS answers 500
 * to the first writes of a new bucket while it grows the bucket's volume.
 */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch {
    /* create it */
  }
  await waitUntil(
    async () => {
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        return true;
      } catch (err) {
        const name = (err as Error).name;
        return name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists';
      }
    },
    `bucket ${bucket}`,
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  const probe = { Bucket: bucket, Key: '.audienceflow-bucket-ready' };
  await waitUntil(
    async () => {
      await client.send(new PutObjectCommand({ ...probe, Body: 'ready' }));
      return true;
    },
    `bucket ${bucket} writable`,
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  await client.send(new DeleteObjectCommand(probe));
}
