import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startS3, startTemporal } from '../harness';
import type { S3Harness } from '../harness';
import { SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';

describe('test harness: real servers', () => {
  let temporal: TestWorkflowEnvironment;
  let s3: S3Harness;

  beforeAll(async () => {
    [temporal, s3] = await Promise.all([startTemporal(), startS3()]);
  });
  afterAll(async () => {
    await Promise.allSettled([temporal?.teardown(), s3?.stop()]);
  });

  it('starts a Temporal dev server with the project search attributes registered', async () => {
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const res = await connection.operatorService.listSearchAttributes({ namespace: temporal.namespace ?? 'default' });
      for (const name of Object.keys(SEARCH_ATTRIBUTES)) expect(Object.keys(res.customAttributes)).toContain(name);
    } finally {
      await connection.close();
    }
  });

  it('starts an S3 server that stores and returns objects in a fresh bucket', async () => {
    const bucket = await s3.newBucket();
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b.txt', Body: 'hello' }));
    const got = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    expect(await s3.listKeys(bucket)).toEqual(['a/b.txt']);
    await s3.emptyPrefix(bucket, 'a/');
    expect(await s3.listKeys(bucket)).toEqual([]);
  });
});
