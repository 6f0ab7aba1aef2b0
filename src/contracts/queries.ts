import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { JobCounters } from './lifecycle';
import type { PipelineProgress } from './progress';

export const progressQuery = defineQuery<PipelineProgress>('progress');

/** A job's status as a wait activity just saw it change: ids, status and counts only. */
export interface JobStatusUpdate {
  jobId: string;
  rawStatus: string;
  counters: JobCounters;
}

/**
 * Sent by the wait activity to its own run when the job's status changes (best effort), so the run's details in the
 * UI show the live status of the job in focus, not the one it had when created.
 */
export const jobStatusSignal = defineSignal<[JobStatusUpdate]>('jobStatus');

/** Default task queue of workers and starters (override: AUDIENCEFLOW_TASK_QUEUE). */
export const DEFAULT_TASK_QUEUE = 'audienceflow';
