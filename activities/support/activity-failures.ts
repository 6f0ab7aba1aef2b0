/** Failures the activities share: bad input (non-retryable, says what to fix) and error names. */
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../../src/contracts/failures';

export function badInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FailureType.BadInput, nonRetryable: true });
}

export function errorName(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'name' in err ? String(err.name) : undefined;
}

/** A run's key prefix must be a relative folder: non-empty, ending with '/', no '..' segment. */
export function checkPrefix(prefix: string, what: string): void {
  if (prefix.length === 0 || !prefix.endsWith('/') || prefix.startsWith('/') || prefix.split('/').includes('..')) {
    throw badInput(`${what} "${prefix}" must be a non-empty key prefix ending with '/' (and without '..')`);
  }
}
