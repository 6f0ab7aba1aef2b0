/**
 * createS3Client signs checksummed uploads with UNSIGNED-PAYLOAD and everything else as usual: checked on the
 * requests the unmodified SDK sends to a local HTTP server that records their headers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client, mayUnsignPayload } from '../../src/providers/s3-client';

let server: http.Server;
const seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { ETag: '"abc"' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client() {
  const { port } = server.address() as AddressInfo;
  return createS3Client(
    { region: 'us-east-1', s3ForcePathStyle: true },
    { endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
  );
}

test('an upload with a checksum is signed with UNSIGNED-PAYLOAD; other requests keep their payload hash', async () => {
  const s3 = client();
  seen.length = 0;
  await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k.json', Body: Buffer.from('{"a":1}\n') }));
  await s3.send(new HeadBucketCommand({ Bucket: 'b' }));
  s3.destroy();
  const [put, head] = seen;
  expect(put!['x-amz-checksum-crc32']).toBeDefined();
  expect(put!['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
  expect(put!.authorization).toMatch(/SignedHeaders=.*x-amz-content-sha256/);
  expect(head!['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
});

test('only uploads that carry a checksum qualify', () => {
  expect(mayUnsignPayload('UploadPartCommand', { 'x-amz-checksum-crc32': 'x' })).toBe(true);
  expect(mayUnsignPayload('UploadPartCommand', { 'content-md5': 'x' })).toBe(false);
  expect(mayUnsignPayload('DeleteObjectsCommand', { 'x-amz-checksum-crc32': 'x' })).toBe(false);
});

test('a checksum header counts in any letter case and among other headers; its prefix must be whole', () => {
  expect(mayUnsignPayload('PutObjectCommand', { 'content-type': 'text/plain', 'X-Amz-Checksum-Crc32': 'x' })).toBe(
    true,
  );
  expect(mayUnsignPayload('PutObjectCommand', { 'x-amz-checksum': 'x', 'content-md5': 'x' })).toBe(false);
  expect(mayUnsignPayload('PutObjectCommand', {})).toBe(false);
  expect(mayUnsignPayload(undefined, { 'x-amz-checksum-crc32': 'x' })).toBe(false);
});

test('the client takes its region and path-style addressing from the settings, and the caller’s overrides', async () => {
  const pathStyle = createS3Client({ region: 'eu-central-1', s3ForcePathStyle: true });
  const virtualHosts = createS3Client({ region: 'eu-central-1', s3ForcePathStyle: false }, { region: 'ap-south-2' });
  expect([await pathStyle.config.region(), pathStyle.config.forcePathStyle]).toEqual(['eu-central-1', true]);
  expect([await virtualHosts.config.region(), virtualHosts.config.forcePathStyle]).toEqual(['ap-south-2', false]);
  pathStyle.destroy();
  virtualHosts.destroy();
});
