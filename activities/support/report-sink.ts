import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Writable } from 'node:stream';
import { parseS3Url } from '../../src/contracts';

/** A streaming text destination: an S3 object (multipart upload) or a local file (written to a temp name, renamed). */
export interface TextSink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

async function writeTo(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

export function openTextSink(location: string, s3: S3Client, contentType = 'application/json'): TextSink {
  if (location.startsWith('s3://')) {
    const { bucket, key } = parseS3Url(location, 'report location');
    const stream = new PassThrough();
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: stream, ContentType: contentType },
    });
    const done = upload.done();
    done.catch((err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err))));
    return {
      write: (text) => writeTo(stream, text),
      async close() {
        stream.end();
        await done;
      },
      async abort() {
        await upload.abort().catch(() => undefined);
        await done.catch(() => undefined);
      },
    };
  }
  const target = path.resolve(location);
  const temp = `${target}.af-partial`;
  let file: fs.WriteStream | undefined;
  const open = async () => {
    if (!file) {
      await fsp.mkdir(path.dirname(target), { recursive: true });
      file = fs.createWriteStream(temp);
    }
    return file;
  };
  return {
    write: async (text) => writeTo(await open(), text),
    async close() {
      const f = await open();
      f.end();
      await once(f, 'finish');
      await fsp.rename(temp, target);
    },
    async abort() {
      file?.destroy();
      await fsp.rm(temp, { force: true });
    },
  };
}
