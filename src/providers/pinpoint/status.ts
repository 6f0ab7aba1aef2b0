import type { JobState } from '../../contracts';

/**
 * Pinpoint JobStatus → the shared lifecycle. The service model lists CREATED, PREPARING_FOR_INITIALIZATION,
 * INITIALIZING, PROCESSING, PENDING_JOB, COMPLETING, COMPLETED, FAILING, FAILED; the REST reference adds
 * CANCELLING and CANCELLED. FAILING is still running (pieces are finishing). Anything else — a status this code
 * has never seen — counts as RUNNING so a poll never crashes on it; the raw status is kept beside the state.
 */
const PINPOINT_STATES: Record<string, JobState> = {
  CREATED: 'CREATED',
  PREPARING_FOR_INITIALIZATION: 'RUNNING',
  INITIALIZING: 'RUNNING',
  PROCESSING: 'RUNNING',
  PENDING_JOB: 'RUNNING',
  COMPLETING: 'RUNNING',
  FAILING: 'RUNNING',
  CANCELLING: 'RUNNING',
  COMPLETED: 'SUCCEEDED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
};

export function mapPinpointStatus(raw: string | undefined): JobState {
  if (raw === undefined) return 'RUNNING';
  return PINPOINT_STATES[raw.toUpperCase()] ?? 'RUNNING';
}
