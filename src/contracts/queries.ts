import { defineQuery } from '@temporalio/workflow';
import type { PipelineProgress } from './progress';

export const progressQuery = defineQuery<PipelineProgress>('progress');

/** Default task queue of workers and starters (override: AUDIENCEFLOW_TASK_QUEUE). */
export const DEFAULT_TASK_QUEUE = 'audienceflow';
