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
import { FailureType } from '../../src/contracts';
import type { ActivateSegmentInput, ActivationMapping, ActivationTotals } from '../../src/contracts/aep-activate';
import { validateActivateSegmentInput } from '../../src/inputs/activate-segment-input';
import type { CheckedActivation } from '../../src/inputs/activate-segment-input';
import { InputError } from '../../src/inputs/errors';
import type { AepClient } from '../../src/providers/aep';
import { throwIfCancelled } from '../support/cancellation';
import { Heartbeater } from '../support/heartbeat';
import { ActivationWriter } from './activation-writer';
import type { ActivationTarget } from './activation-writer';
import { mapProfile } from './mapping';

/** Checks an activateSegment input and its mapping before any remote call (src/inputs); each problem names the field. */
export function checkActivateInput(raw: unknown): CheckedActivation {
  try {
    return validateActivateSegmentInput(raw);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const problems = err.issues.map((i) => `${i.field}: ${i.message}`);
    throw ApplicationFailure.nonRetryable(
      `invalid activateSegment input: ${problems.join('; ')}`,
      FailureType.BadInput,
    );
  }
}

export interface ActivateBatchesInput extends ActivationTarget {
  batchIds: string[];
  /** The run's local work folder (the AEP download; each file is deleted once read). */
  dir: string;
  mapping: ActivationMapping;
}

/** Maps the rows of one local Parquet file, one row group at a time (memory bounded by a row group). */
export async function activateFile(file: string, label: string, mapping: ActivationMapping, out: ActivationWriter) {
  const handle = await fs.promises.open(file, 'r');
  try {
    await activateRows(await fileBuffer(handle), label, mapping, out);
  } finally {
    await handle.close();
  }
}

/** A hyparquet AsyncBuffer reading slices of an open file: only the footer and one row group's columns are in memory. */
export async function fileBuffer(handle: fs.promises.FileHandle): Promise<AsyncBuffer> {
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
