/**
 * Activities of the exportProfiles workflow (Adobe Experience Platform). The AEP client is built
 * from the environment (aepClientFromEnv) on first use, so a worker without AEP_* variables still
 * runs every other pipeline; tests pass their own client.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { parseS3Url } from '../../src/contracts/s3-location';
import type { ExportProfilesBatch, ExportProfilesInput } from '../../src/contracts/aep-export';
import { aepClientFromEnv } from '../../src/providers';
import type { AepClient } from '../../src/providers/aep';
import type { AepDeleteOutcome, AepExportJob, AepExportJobSpec } from '../../src/providers/aep';
import type { ActivityDeps } from '../deps';
import { createActivateActivities } from './activate';
import { matchesRun } from './fingerprint';
import { checkExportProfilesInput } from './input';
import { classifyS3WriteError, requireBucket } from '../support/s3-errors';

/** The job as the workflow keeps it: ids, status and error codes only (no profile data). */
export interface AepJobView {
  jobId: string;
  status: AepExportJob['status'];
  datasetId: string;
  batches: { batchId: string; segmentId?: string }[];
  errorCodes: string[];
}

export interface CreateOrFindInput {
  spec: AepExportJobSpec;
  /** The run's start: a job created since then with the same fingerprint is this run's. */
  notBeforeMs: number;
}

function view(job: AepExportJob): AepJobView {
  return {
    jobId: job.id,
    status: job.status,
    datasetId: job.datasetId,
    batches: job.batches.map((b) => ({ batchId: b.batchId, segmentId: b.segmentId })),
    errorCodes: job.errors.map((e) => e.code),
  };
}

async function findRunJob(aep: AepClient, input: CreateOrFindInput): Promise<AepExportJob | undefined> {
  for await (const job of aep.jobs.list({ signal: Context.current().cancellationSignal })) {
    if ((job.creationTime ?? 0) < input.notBeforeMs) return undefined; // newest first: older ones are not ours
    if (matchesRun(job, input.spec, input.notBeforeMs)) return job;
  }
  return undefined;
}

/** Every file under dir (recursively), as paths relative to it with '/' separators, sorted. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

export function createAepActivities(deps?: Pick<ActivityDeps, 's3'>, client?: AepClient) {
  let lazy = client;
  // A worker without AEP_* fails an AEP run (not retried) with the variables to set.
  const aep = (): AepClient => (lazy ??= aepClientFromEnv());
  const signal = (): AbortSignal => Context.current().cancellationSignal;

  return {
    ...createActivateActivities(deps?.s3, aep),

    /** The input, checked; with copyTo, its bucket must exist (before any AEP call: the files would have nowhere to go). */
    async aepCheckExportInput(raw: ExportProfilesInput): Promise<ExportProfilesInput> {
      const input = checkExportProfilesInput(raw);
      if (input.copyTo && deps) await requireBucket(deps.s3, parseS3Url(input.copyTo).bucket, `copyTo ${input.copyTo}`);
      return input;
    },

    async aepCreateDataset(name: string): Promise<string> {
      return aep().catalog.createProfileDataset(name, signal());
    },

    /** Finds the job an earlier attempt of this run created (lost answer), or creates it: never two. */
    async aepCreateOrFindExportJob(input: CreateOrFindInput): Promise<AepJobView> {
      const found = await findRunJob(aep(), input);
      return view(found ?? (await aep().jobs.create(input.spec, signal())));
    },

    async aepGetExportJob(jobId: string): Promise<AepJobView> {
      return view(await aep().jobs.get(jobId, signal()));
    },

    /** DELETEs the job (by id, or the run's job found by fingerprint when the create answer never came). */
    async aepCancelExportJob(input: { jobId?: string } & CreateOrFindInput): Promise<AepDeleteOutcome | undefined> {
      const id = input.jobId ?? (await findRunJob(aep(), input))?.id;
      return id ? aep().jobs.cancel(id) : undefined;
    },

    /** Downloads every file of a batch into dir/<batchId>/, heartbeating; files already complete are kept. */
    async aepDownloadBatch(input: { batchId: string; segmentId?: string; dir: string }): Promise<ExportProfilesBatch> {
      const ctx = Context.current();
      const out: ExportProfilesBatch = {
        batchId: input.batchId,
        segmentId: input.segmentId,
        files: 0,
        bytes: 0,
        records: 0,
      };
      for await (const f of aep().dataAccess.batchFiles(input.batchId, signal())) {
        out.records += f.records ?? 0;
        for (const entry of await aep().dataAccess.fileEntries(f.dataSetFileId, signal())) {
          const dest = path.join(input.dir, input.batchId, f.dataSetFileId, entry.name);
          if (!fs.existsSync(dest) || fs.statSync(dest).size !== entry.length) {
            await aep().dataAccess.download(entry, dest, {
              signal: signal(),
              onProgress: (bytes) =>
                ctx.heartbeat({ batchId: input.batchId, files: out.files, bytes: out.bytes + bytes }),
            });
          }
          out.files++;
          out.bytes += entry.length;
          ctx.heartbeat({ batchId: input.batchId, files: out.files, bytes: out.bytes });
        }
      }
      return out;
    },

    /** Where a run without a download folder stages its files before copying them to S3 (the worker's temp folder). */
    aepStagingDir(): Promise<string> {
      return Promise.resolve(path.join(os.tmpdir(), 'audienceflow-aep'));
    },

    /** Copies every file of the run's folder to <bucket>/<prefix><relative path> (idempotent: a retry overwrites). */
    async aepCopyToS3(input: {
      dir: string;
      bucket: string;
      prefix: string;
    }): Promise<{ objects: number; bytes: number }> {
      if (!deps) throw new Error('aepCopyToS3 needs an S3 client (activity deps)');
      const ctx = Context.current();
      let objects = 0;
      let bytes = 0;
      for (const rel of filesUnder(input.dir)) {
        const file = path.join(input.dir, rel);
        const size = fs.statSync(file).size;
        await deps.s3
          .send(
            new PutObjectCommand({
              Bucket: input.bucket,
              Key: `${input.prefix}${rel}`,
              Body: fs.createReadStream(file),
              ContentLength: size,
            }),
            { abortSignal: signal() },
          )
          .catch(async (err: unknown) => {
            throw await classifyS3WriteError(
              deps.s3,
              err,
              `copying to s3://${input.bucket}/${input.prefix}`,
              input.bucket,
            );
          });
        objects++;
        bytes += size;
        ctx.heartbeat({ objects, bytes });
      }
      return { objects, bytes };
    },

    /** Removes what the run downloaded (cancellation): its folder, and the workflow's folder when left empty. */
    async aepRemoveDownloads(dir: string): Promise<void> {
      await fs.promises.rm(dir, { recursive: true, force: true });
      await fs.promises.rmdir(path.dirname(dir)).catch(() => undefined);
    },
  };
}
