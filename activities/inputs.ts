import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../src/contracts';
import type { ExportInput, ImportInput } from '../src/contracts';
import { checkDownloadDir, checkLocalFiles, InputError, validateExportInput, validateImportInput } from '../src/inputs';

function badInput(err: unknown): unknown {
  return err instanceof InputError ? ApplicationFailure.nonRetryable(err.message, FailureType.BadInput) : err;
}

/**
 * First step of every pipeline: the same validation the CLI runs before starting, repeated on the worker (a run may be
 * started by another client) plus the checks only the worker's host can make (files exist, directory writable).
 * Returns the normalised input; bad input fails the run at once, naming the field and the fix.
 */
export function createInputActivities() {
  return {
    async checkExportInput(input: ExportInput): Promise<ExportInput> {
      try {
        const valid = validateExportInput(input);
        if (valid.downloadDir) await checkDownloadDir(valid.downloadDir);
        return valid;
      } catch (err) {
        throw badInput(err);
      }
    },

    async checkImportInput(input: ImportInput): Promise<ImportInput> {
      try {
        const valid = validateImportInput(input);
        if (valid.source.kind === 'local') await checkLocalFiles(valid.source.paths);
        return valid;
      } catch (err) {
        throw badInput(err);
      }
    },
  };
}
