import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FailureType } from '../src/contracts';
import type { EndpointFileFormat, S3ObjectRef, TransferHeartbeat } from '../src/contracts';
import type { ActivityDeps } from './deps';
import { rethrowCancellation, throwIfCancelled } from './support/cancellation';
import { downloadObject } from './support/download-object';
import { Heartbeater } from './support/heartbeat';
import { classifyS3Error, classifyS3WriteError } from './support/s3-errors';
import { abortUploadsUnder, deleteObjectsUnder, listObjectsUnder } from './support/s3-objects';
import { localPathForKey, PARTIAL_SUFFIX } from './support/safe-path';
import { uploadEndpointFiles } from './support/upload-endpoints';
import type { UploadEndpointsResult } from './support/upload-endpoints';

export interface ListObjectsInput {
  bucket: string;
  prefix: string;
  /** Keep only keys ending with this (exports: ".gz"; other objects may appear under the prefix). */
  suffix?: string;
}

export interface ListObjectsResult {
  objects: S3ObjectRef[];
  totalBytes: number;
}

export interface DownloadInput {
  bucket: string;
  /**
   * Keys are placed in `dir` relative to this prefix. The export passes the user's base prefix, so files land in
   * `<dir>/<workflowId>/<runId>/…`: runs never share (or wrongly "resume") each other's files.
   */
  prefix: string;
  objects: S3ObjectRef[];
  dir: string;
}

export interface DownloadResult {
  files: string[];
  bytes: number;
  /** Files already complete from an earlier attempt. */
  skipped: number;
}

export interface CleanupInput {
  bucket: string;
  /** The run's own prefix (must be non-empty and end with '/'). */
  prefix: string;
  /** Local files this run downloaded (and their partial temp files) to delete; paths as in downloadObjects. */
  local?: { dir: string; prefix: string; keys: string[] };
  /** Delete only under these folders of the run's prefix (e.g. `parts/`), keeping the rest; unset: everything. */
  only?: string[];
}

export interface CleanupResult {
  deletedObjects: number;
  abortedUploads: number;
  deletedFiles: number;
}

export interface UploadInput {
  paths: string[];
  format: EndpointFileFormat;
  bucket: string;
  /** The run's staging prefix; parts go to `<prefix>parts/part-NNNN/`, rejected rows to `<prefix>rejected-rows.ndjson`. */
  prefix: string;
  maxJobBytes: number;
}

export function createStorageActivities(deps: ActivityDeps) {
  const { s3 } = deps;

  return {
    /** Every object under the prefix (paginated), sizes included. */
    async listObjects(input: ListObjectsInput): Promise<ListObjectsResult> {
      const objects: S3ObjectRef[] = [];
      try {
        for await (const o of listObjectsUnder(s3, input.bucket, input.prefix, {
          abortSignal: Context.current().cancellationSignal,
        })) {
          if (input.suffix === undefined || o.key.endsWith(input.suffix)) objects.push(o);
        }
      } catch (err) {
        if (Context.current().cancellationSignal.aborted) rethrowCancellation(err);
        throw classifyS3Error(err, `listing s3://${input.bucket}/${input.prefix}`, input.bucket);
      }
      objects.sort((a, b) => a.key.localeCompare(b.key));
      return { objects, totalBytes: objects.reduce((sum, o) => sum + o.size, 0) };
    },

    /**
     * Streams the objects into `dir` (on this worker's host). Resumable: files already complete are skipped. Every
     * key is checked before anything is written; one that would escape the directory fails the run.
     */
    async downloadObjects(input: DownloadInput): Promise<DownloadResult> {
      const ctx = Context.current();
      const targets = input.objects.map((o) => {
        const target = localPathForKey(input.dir, input.prefix, o.key);
        if (!target) {
          throw ApplicationFailure.nonRetryable(
            `refusing to download S3 key "${o.key}": it would be written outside ${input.dir}; remove or rename that object`,
            FailureType.BadInput,
          );
        }
        return { ...o, target };
      });
      const bytesTotal = targets.reduce((s, t) => s + t.size, 0);
      let bytesDone = 0;
      let filesDone = 0;
      let skipped = 0;
      const progress: { stream?: fs.WriteStream } = {};
      const details = (): TransferHeartbeat => ({
        bytesDone: bytesDone + (progress.stream?.bytesWritten ?? 0),
        bytesTotal,
        filesDone,
        filesTotal: targets.length,
      });
      const hb = new Heartbeater<TransferHeartbeat>(ctx);
      const timer = setInterval(() => hb.beat(details), 1_000);
      try {
        for (const t of targets) {
          throwIfCancelled(ctx);
          const r = await downloadObject(
            s3,
            { bucket: input.bucket, key: t.key, size: t.size, target: t.target },
            ctx.cancellationSignal,
            progress,
          );
          if (r === 'skipped') skipped++;
          bytesDone += t.size;
          filesDone++;
          hb.beat(details, true);
        }
      } catch (err) {
        if (ctx.cancellationSignal.aborted) rethrowCancellation(err);
        throw classifyS3Error(err, `downloading from s3://${input.bucket}/${input.prefix}`, input.bucket);
      } finally {
        clearInterval(timer);
      }
      return { files: targets.map((t) => t.target), bytes: bytesDone, skipped };
    },

    /**
     * Validates local endpoint files and streams the valid rows to S3 under the run's prefix, split into parts no
     * larger than maxJobBytes (one import job each); rejected rows (file, line, reason) go to a report object.
     */
    async uploadLocalFiles(input: UploadInput): Promise<UploadEndpointsResult> {
      try {
        return await uploadEndpointFiles(
          s3,
          input,
          Context.current(),
          deps.threadMinBytes,
          deps.transferThreads,
          deps.budget,
        );
      } catch (err) {
        if (Context.current().cancellationSignal.aborted) rethrowCancellation(err);
        throw await classifyS3WriteError(s3, err, `uploading to s3://${input.bucket}/${input.prefix}`, input.bucket);
      }
    },

    /**
     * Removes what this run wrote: every object under its own prefix, unfinished multipart uploads there, and the
     * local files it downloaded (with their partial temp files). Safe to repeat.
     */
    async deleteRunData(input: CleanupInput): Promise<CleanupResult> {
      if (input.prefix === '' || !input.prefix.endsWith('/')) {
        throw ApplicationFailure.nonRetryable(
          `refusing to delete under "${input.prefix}": not a run prefix`,
          FailureType.BadInput,
        );
      }
      let abortedUploads = 0;
      let deletedObjects = 0;
      for (const sub of input.only ?? ['']) {
        if (sub !== '' && (!sub.endsWith('/') || sub.startsWith('/') || sub.includes('..'))) {
          throw ApplicationFailure.nonRetryable(
            `refusing to delete under "${sub}": not a run folder`,
            FailureType.BadInput,
          );
        }
        abortedUploads += await abortUploadsUnder(s3, input.bucket, input.prefix + sub).catch(() => 0);
        // A bucket that no longer exists holds nothing of the run: nothing to delete, not a reason to retry forever.
        deletedObjects += await deleteObjectsUnder(s3, input.bucket, input.prefix + sub).catch((err: unknown) => {
          if ((err as { name?: string } | null)?.name === 'NoSuchBucket') return 0;
          throw err;
        });
      }
      let deletedFiles = 0;
      if (input.local) {
        for (const key of input.local.keys) {
          const target = localPathForKey(input.local.dir, input.local.prefix, key);
          if (!target) continue;
          for (const file of [target, target + PARTIAL_SUFFIX]) {
            const existed = await fsp.rm(file).then(
              () => true,
              () => false,
            );
            if (existed) deletedFiles++;
          }
          await removeEmptyDirs(path.dirname(target), input.local.dir);
        }
      }
      return { deletedObjects, abortedUploads, deletedFiles };
    },
  };
}

/** Removes now-empty folders between `from` and `root` (exclusive). */
async function removeEmptyDirs(from: string, root: string): Promise<void> {
  const top = path.resolve(root);
  for (let dir = path.resolve(from); dir.startsWith(top + path.sep); dir = path.dirname(dir)) {
    const ok = await fsp.rmdir(dir).then(
      () => true,
      () => false,
    );
    if (!ok) return;
  }
}
