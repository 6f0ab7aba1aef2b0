/**
 * A chunk-signed PutObject as the AWS SDKs for Java send it over http (SigV4 streaming, `aws-chunked`):
 * `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (SDK for Java 1.x) and `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` with a
 * CRC32 trailer (SDK for Java 2.x). The JavaScript SDK does not send either, so the test builds the request itself,
 * byte for byte as the SigV4 streaming specification lays it out.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const EMPTY_SHA256 = sha256('');

export interface ChunkSignedPut {
  endpoint: string;
  bucket: string;
  key: string;
  body: Buffer;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  chunkBytes: number;
  /** Adds the CRC32 trailer (…-PAYLOAD-TRAILER), as the SDK for Java 2.x does. */
  trailer: boolean;
}

function crc32Base64(body: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlib.crc32(body) >>> 0);
  return out.toString('base64');
}

/** Sends the request (node:http, which sends the headers exactly as signed); answers the status and body text. */
export async function putChunkSigned(o: ChunkSignedPut): Promise<{ status: number; text: string }> {
  const url = new URL(`${o.endpoint}/${o.bucket}/${o.key.split('/').map(encodeURIComponent).join('/')}`);
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${o.region}/s3/aws4_request`;
  const signingKey = ['s3', 'aws4_request'].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac(`AWS4${o.credentials.secretAccessKey}`, day), o.region),
  );
  const contentSha = o.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';

  // The chunks first: the encoded length is a signed header.
  const chunks: Buffer[] = [];
  for (let i = 0; i < o.body.length; i += o.chunkBytes) chunks.push(o.body.subarray(i, i + o.chunkBytes));
  chunks.push(Buffer.alloc(0));
  const trailerLine = `x-amz-checksum-crc32:${crc32Base64(o.body)}`;

  const headers: Record<string, string> = {
    host: url.host,
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': contentSha,
    'x-amz-date': amzDate,
    'x-amz-decoded-content-length': String(o.body.length),
    ...(o.trailer ? { 'x-amz-trailer': 'x-amz-checksum-crc32' } : {}),
  };
  const names = Object.keys(headers).sort();
  const seedRequest = [
    'PUT',
    url.pathname,
    '',
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    contentSha,
  ].join('\n');
  const sign = (stringToSign: string): string => createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  let previous = sign(['AWS4-HMAC-SHA256', amzDate, scope, sha256(seedRequest)].join('\n'));
  const authorization = `AWS4-HMAC-SHA256 Credential=${o.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${previous}`;

  const parts: Buffer[] = [];
  for (const chunk of chunks) {
    const signature = sign(
      ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, sha256(chunk)].join('\n'),
    );
    previous = signature;
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`), chunk);
    // The final zero-length chunk ends with CRLF only when no trailer follows.
    if (chunk.length > 0 || !o.trailer) parts.push(Buffer.from('\r\n'));
  }
  if (o.trailer) {
    const trailerSignature = sign(
      ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, sha256(`${trailerLine}\n`)].join('\n'),
    );
    parts.push(Buffer.from(`${trailerLine}\r\nx-amz-trailer-signature:${trailerSignature}\r\n\r\n`));
  }
  const encoded = Buffer.concat(parts);

  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'PUT', headers: { ...headers, authorization, 'content-length': String(encoded.length) } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(encoded);
  });
}
