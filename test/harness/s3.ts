import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopPid } from '../../src/stack/processes';
import { ensureBucket, freeWeedPorts, localS3Client, startWeed } from '../../src/stack/s3-server';
import { requireTool } from '../../src/stack/tools';
import { killOnExit, say } from './cleanup';

export interface S3Harness {
  endpoint: string;
  region: string;
  client: S3Client;
  /** Creates a fresh, empty bucket with a unique name. */
  newBucket(prefix?: string): Promise<string>;
  /** Every key under a prefix (for assertions). */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** Removes every object under a prefix. */
  emptyPrefix(bucket: string, prefix?: string): Promise<void>;
  stop(): Promise<void>;
}

export { freeWeedPorts };

let bucketCounter = 0;

/** A real SeaweedFS S3 server on free ports, with its data in a temporary folder. */
export async function startS3(): Promise<S3Harness> {
  const binary = requireTool('weed');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-s3-'));
  const ports = await freeWeedPorts();
  const started = await startWeed({ binary, dataDir, ports, logFile: path.join(dataDir, 'weed.log') });
  const pid = started.child.pid ?? 0;
  const forget = killOnExit(pid);
  say(`SeaweedFS S3 at ${started.endpoint} (pid ${pid})`);
  const region = 'us-east-1';
  const client = localS3Client(started.endpoint, region);

  const listKeys = async (bucket: string, prefix = ''): Promise<string[]> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  };

  return {
    endpoint: started.endpoint,
    region,
    client,
    async newBucket(prefix = 'test') {
      const name = `${prefix}-${process.pid}-${Date.now().toString(36)}-${bucketCounter++}`.toLowerCase();
      await ensureBucket(client, name);
      return name;
    },
    listKeys,
    async emptyPrefix(bucket, prefix = '') {
      const keys = await listKeys(bucket, prefix);
      for (let i = 0; i < keys.length; i += 1000) {
        await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) },
          }),
        );
      }
    },
    async stop() {
      client.destroy();
      await stopPid(pid, 5_000);
      forget();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
