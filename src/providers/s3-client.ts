import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { awsSettings } from '../config';
import type { AwsSettings } from '../config';

/**
 * The S3 client the activities use. Endpoint from AWS_ENDPOINT_URL_S3 (read by the SDK), path-style addressing when a
 * custom endpoint is set (SeaweedFS, MinIO); `overrides` for tests.
 */
export function createS3Client(
  settings: AwsSettings = awsSettings(),
  overrides: Partial<S3ClientConfig> = {},
): S3Client {
  return new S3Client({ region: settings.region, forcePathStyle: settings.s3ForcePathStyle, ...overrides });
}
