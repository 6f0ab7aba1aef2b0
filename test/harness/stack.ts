import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { LOCAL_S3_CREDENTIALS } from '../../src/stack/s3-server';
import { startEmulator } from './emulator';
import type { HarnessEmulator, HarnessEmulatorOptions } from './emulator';
import { startS3 } from './s3';
import type { S3Harness } from './s3';
import { startTemporal } from './temporal';

export const TEST_ROLE_ARN = 'arn:aws:iam::123456789012:role/audienceflow';

export interface TestStack {
  temporal: TestWorkflowEnvironment;
  s3: S3Harness;
  emulator: HarnessEmulator;
  /** A fresh bucket for this test file. */
  bucket: string;
  /** The variables a child process (worker, CLI) needs to reach this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Temporal + S3 + the Pinpoint emulator, all real and local, plus the environment that points
 * the AWS SDK and the Temporal client at them. The variables are also set on process.env so
 * code under test that reads config (src/config.ts) finds them.
 */
export async function startStack(opts: { emulator?: HarnessEmulatorOptions } = {}): Promise<TestStack> {
  const started = await Promise.allSettled([startTemporal(), startS3()]);
  const [t, s] = started;
  let emulator: HarnessEmulator | undefined;
  let bucket: string;
  try {
    if (t.status === 'rejected') throw t.reason;
    if (s.status === 'rejected') throw s.reason;
    emulator = await startEmulator(s.value, opts.emulator);
    bucket = await s.value.newBucket();
  } catch (err) {
    // Stop whatever did start, so a failed setup leaves no server behind.
    await emulator?.close().catch(() => undefined);
    await Promise.allSettled([
      t.status === 'fulfilled' ? t.value.teardown() : undefined,
      s.status === 'fulfilled' ? s.value.stop() : undefined,
    ]);
    throw err;
  }
  const temporal = t.value;
  const s3 = s.value;
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace ?? 'default',
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_PINPOINT: emulator.url,
    AWS_REGION: s3.region,
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    // A developer's running local stack must not leak into tests.
    AUDIENCEFLOW_NO_STACK_ENV: '1',
  };
  Object.assign(process.env, env);
  return {
    temporal,
    s3,
    emulator: emulator,
    bucket,
    env,
    async stop() {
      await emulator?.close().catch(() => undefined);
      await Promise.allSettled([temporal.teardown(), s3.stop()]);
    },
  };
}
