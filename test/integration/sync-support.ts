/** Shared pieces of the sync integration tests: inputs, expected counts from the generator, reading reports. */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SyncInput } from '../../src/contracts';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import type { GeneratorOptions } from '../../src/demo/generate-endpoints';
import { TEST_ROLE_ARN } from '../harness';

/** Test data: a few invalid endpoints (Address cleared) among a few hundred. */
export const GEN: GeneratorOptions = { seed: 7, invalidEvery: 97 };

export function syncInput(bucket: string, source: string, target: string, extra: Partial<SyncInput> = {}): SyncInput {
  return {
    provider: 'pinpoint',
    sourceApplicationId: source,
    targetApplicationId: target,
    s3Url: `s3://${bucket}/sync/`,
    roleArn: TEST_ROLE_ARN,
    poll: { initialIntervalMs: 100, maxIntervalMs: 300, maxWaitMs: 120_000 },
    ...extra,
  };
}

/** What the generator produced, counted with plain predicates (not with the transform code under test). */
export function generated(count: number, opts: GeneratorOptions = GEN) {
  return Array.from({ length: count }, (_, i) => generateEndpoint(i, opts));
}

export async function readJson<T>(s3: S3Client, url: string): Promise<T> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new Error(`not an s3 URL: ${url}`);
  const got = await s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
  return JSON.parse((await got.Body?.transformToString('utf8')) ?? 'null') as T;
}

export interface SyncReportFile {
  summary: { status: string; counts: Record<string, number>; importJobIds: string[] };
  importReports: { jobs: { jobId: string; totalProcessed: number; totalFailures: number; failures: string[] }[] }[];
  rejectedRows: { source: string; line: number; id?: string; reason: string }[];
}
