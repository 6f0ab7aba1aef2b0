/**
 * Stored bytes → text bytes: the optional gunzip in front of the line processing (an exported piece, a .gz file),
 * shared by the one-stream feeder (line-feeder.ts) and the several-thread runner (parallel-runner.ts). The
 * gunzipped text is handed to `onData` as zlib produces it; a zlib error is kept for the next push to throw.
 */
import { createGunzip } from 'node:zlib';
import type { Gunzip } from 'node:zlib';

/**
 * zlib's default output chunk here. Larger chunks cost fewer callbacks (the sync transfer uses 1 MiB) but raise the
 * peak RSS on the activity's thread: freed buffers of 256 KiB and more fragment the allocator (1.5 M endpoints
 * uploaded: 64 KiB → 223 MB, 256 KiB → 241–253 MB).
 */
const GUNZIP_CHUNK_BYTES = 64 * 1024;

/** A gunzip with output chunks of `chunkBytes` (default GUNZIP_CHUNK_BYTES) that hands its text to `onData`. */
export function openGunzip(
  chunkBytes: number | undefined,
  onData: (text: Buffer) => void,
  onError: (err: Error) => void,
): Gunzip {
  const gunzip = createGunzip({ chunkSize: chunkBytes ?? GUNZIP_CHUNK_BYTES });
  gunzip.on('data', onData);
  gunzip.on('error', onError);
  return gunzip;
}

/**
 * Writes `chunk` into `gunzip` and waits until zlib has consumed it and every 'data' for it has been handled (the
 * write callback); a zlib error destroys the stream instead, and the callback may then never run: 'close' ends the wait.
 */
export function gunzipWrite(gunzip: Gunzip, chunk: Uint8Array): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      gunzip.off('close', done);
      resolve();
    };
    gunzip.once('close', done);
    gunzip.write(chunk, done);
  });
}

/** Ends `gunzip` and waits for its last 'data' ('end'), or for 'close' after an error. */
export function gunzipEnd(gunzip: Gunzip): Promise<void> {
  return new Promise<void>((resolve) => {
    gunzip.once('end', resolve);
    gunzip.once('close', resolve);
    gunzip.end();
  });
}
