import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { FinalizeRequestMiddleware } from '@aws-sdk/types';
import { awsSettings } from '../config';
import type { AwsSettings } from '../config';

/** Commands whose bodies are endpoint data in bulk. */
const UPLOADS = new Set(['PutObjectCommand', 'UploadPartCommand']);

/**
 * Whether an upload request can be signed with `UNSIGNED-PAYLOAD`: it carries a flexible checksum (the SDK adds CRC32
 * to every upload by default), so S3 still verifies every byte, and the worker need not hash every byte a second time
 * with SHA-256 for the signature.
 */
export function mayUnsignPayload(commandName: string | undefined, headers: Record<string, string>): boolean {
  return (
    UPLOADS.has(String(commandName)) && Object.keys(headers).some((h) => h.toLowerCase().startsWith('x-amz-checksum-'))
  );
}

const unsignChecksummedUploads: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
  (next, context) => async (args) => {
    const headers = (args.request as { headers?: Record<string, string> }).headers;
    if (headers && mayUnsignPayload(context.commandName, headers)) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return next(args);
  };

/**
 * The S3 client the activities use. Endpoint from AWS_ENDPOINT_URL_S3 (read by the SDK), path-style addressing when a
 * custom endpoint is set (SeaweedFS, MinIO); `overrides` for tests. Checksummed uploads are signed with
 * UNSIGNED-PAYLOAD (mayUnsignPayload): every other request is signed as usual.
 */
export function createS3Client(
  settings: AwsSettings = awsSettings(),
  overrides: Partial<S3ClientConfig> = {},
): S3Client {
  const client = new S3Client({ region: settings.region, forcePathStyle: settings.s3ForcePathStyle, ...overrides });
  client.middlewareStack.addRelativeTo(unsignChecksummedUploads, {
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
    name: 'audienceflowUnsignedChecksummedUploads',
  });
  return client;
}
