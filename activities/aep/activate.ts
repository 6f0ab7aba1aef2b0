/**
 * Activities of the activateSegment workflow: the input check (with the mapping) and the
 * activation of the exported batches — each Parquet file is downloaded into the run's work folder,
 * read one row group at a time (hyparquet), its profiles mapped to endpoints and written as import
 * parts, then the file is deleted. Results carry counts and keys only.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { AsyncBuffer } from 'hyparquet';
import { z } from 'zod';
import { FailureType } from '../../src/contracts';
import type { ActivateSegmentInput, ActivationMapping, ActivationTotals } from '../../src/contracts/aep-activate';
import { absolutePath, applicationId, maxJobBytes, pollPolicy, roleArn, s3Prefix } from '../../src/inputs/fields';
import type { AepClient } from '../../src/providers/aep';
import { throwIfCancelled } from '../support/cancellation';
import { Heartbeater } from '../support/heartbeat';
import { ActivationWriter } from './activation-writer';
import type { ActivationTarget } from './activation-writer';
import { AEP_DATASET_ID, segmentsSchema } from '../../src/inputs/export-profiles-input';
import { mapProfile, mappingFields, resolveMapping } from './mapping';

const inputSchema = z
  .object({
    segments: segmentsSchema,
    datasetId: z.string().regex(AEP_DATASET_ID, 'must be a dataset id').optional(),
    createDataset: z.object({ name: z.string().min(1) }).optional(),
    mergePolicy: z.object({ id: z.string().min(1), version: z.number().int().min(1).optional() }).optional(),
    applicationId,
    s3Url: s3Prefix('s3Url'),
    roleArn,
    workDir: absolutePath('workDir'),
    mapping: z.unknown().optional(),
    maxJobBytes: maxJobBytes.optional(),
    dryRun: z.boolean().optional(),
    poll: pollPolicy.optional(),
  })
  .strict()
  .refine((i) => (i.datasetId === undefined) !== (i.createDataset === undefined), {
    message: 'give exactly one of datasetId (an existing dataset) or createDataset',
    path: ['datasetId'],
  });

export interface CheckedActivation {
  input: ActivateSegmentInput;
  mapping: ActivationMapping;
  /** The XDM fields the export must carry for the mapping. */
  fields: string[];
}

/** Checks an activateSegment input and its mapping before any remote call; each problem names the field. */
export function checkActivateInput(raw: unknown): CheckedActivation {
  const parsed = inputSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`);
  let mapping: ActivationMapping | undefined;
  try {
    mapping = resolveMapping((raw as { mapping?: unknown } | undefined)?.mapping);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (!parsed.success || !mapping) {
    throw ApplicationFailure.nonRetryable(
      `invalid activateSegment input: ${problems.join('; ')}`,
      FailureType.BadInput,
    );
  }
  return { input: parsed.data as ActivateSegmentInput, mapping, fields: mappingFields(mapping) };
}

export interface ActivateBatchesInput extends ActivationTarget {
  batchIds: string[];
  /** The run's local work folder (the AEP download; each file is deleted once read). */
  dir: string;
  mapping: ActivationMapping;
}

/** Maps the rows of one local Parquet file, one row group at a time (memory bounded by a row group). */
async function activateFile(file: string, label: string, mapping: ActivationMapping, out: ActivationWriter) {
  const handle = await fs.promises.open(file, 'r');
  try {
    await activateRows(await fileBuffer(handle), label, mapping, out);
  } finally {
    await handle.close();
  }
}

/** A hyparquet AsyncBuffer reading slices of an open file: only the footer and one row group's columns are in memory. */
async function fileBuffer(handle: fs.promises.FileHandle): Promise<AsyncBuffer> {
  const { size } = await handle.stat();
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const bytes = new Uint8Array(end - start);
      await handle.read(bytes, 0, bytes.length, start);
      return bytes.buffer;
    },
  };
}

async function activateRows(buffer: AsyncBuffer, label: string, mapping: ActivationMapping, out: ActivationWriter) {
  const metadata = await parquetMetadataAsync(buffer);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    throwIfCancelled();
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
    for (const [i, row] of rows.entries()) {
      const where = { file: label, line: rowStart + i + 1 };
      out.totals.profiles++;
      const mapped = mapProfile(row, mapping);
      for (const problem of mapped.problems) await out.reject(where, problem);
      if (mapped.endpoints.length === 0 && mapped.problems.length === 0) out.totals.withoutEndpoint++;
      for (const e of mapped.endpoints) await out.endpoint(e.channel, e.endpoint, where);
    }
    await out.flush();
    Context.current().heartbeat({ file: label, profiles: out.totals.profiles });
    rowStart = rowEnd;
  }
}

export function createActivateActivities(s3: S3Client | undefined, aep: () => AepClient) {
  const signal = (): AbortSignal => Context.current().cancellationSignal;
  return {
    aepCheckActivateInput(raw: ActivateSegmentInput): Promise<CheckedActivation> {
      return Promise.resolve(checkActivateInput(raw));
    },

    /** Streams every file of the batches into endpoints; parts under <prefix>parts/, counts and keys back. */
    async aepActivateBatches(input: ActivateBatchesInput): Promise<ActivationTotals> {
      if (!s3) throw ApplicationFailure.nonRetryable('this worker has no S3 client', FailureType.BadInput);
      const out = new ActivationWriter(s3, input);
      const hb = new Heartbeater<{ files: number; profiles: number }>(Context.current());
      try {
        for (const batchId of input.batchIds) {
          for await (const f of aep().dataAccess.batchFiles(batchId, signal())) {
            for (const entry of await aep().dataAccess.fileEntries(f.dataSetFileId, signal())) {
              const local = path.join(input.dir, batchId, f.dataSetFileId, entry.name);
              await aep().dataAccess.download(entry, local, {
                signal: signal(),
                onProgress: () => hb.beat(() => ({ files: out.totals.files, profiles: out.totals.profiles })),
              });
              await activateFile(local, `${batchId}/${f.dataSetFileId}/${entry.name}`, input.mapping, out);
              await fs.promises.rm(local, { force: true });
              out.totals.files++;
            }
          }
        }
        return await out.end();
      } catch (err) {
        await out.abort();
        throw err;
      }
    },
  };
}
