/** Checks an exportProfiles input before any remote call (the rules live in src/inputs/export-profiles-input.ts). */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/contracts';
import type { ExportProfilesInput } from '../../src/contracts/aep-export';
import { InputError } from '../../src/inputs/errors';
import { validateExportProfilesInput } from '../../src/inputs/export-profiles-input';

export function checkExportProfilesInput(raw: unknown): ExportProfilesInput {
  try {
    return validateExportProfilesInput(raw);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const issues = err.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    throw ApplicationFailure.nonRetryable(`invalid exportProfiles input: ${issues}`, FailureType.BadInput);
  }
}
