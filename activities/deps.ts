import type { PinpointClient } from '@aws-sdk/client-pinpoint';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ProcessBudget } from '../src/engine';

/** What the activities need from outside; the worker builds it, tests inject their own clients. */
export interface ActivityDeps {
  s3: S3Client;
  pinpoint: PinpointClient;
  /** AWS region of the provider clients (for messages such as "application … not found in region …"). */
  region: string;
  /**
   * Inputs (an exported piece, a local endpoint file) of at least this many bytes are parsed and validated in a
   * worker thread, overlapping with the S3 reads and writes; 0: always. Unset: DEFAULT_THREAD_MIN_BYTES (4 MiB).
   */
  threadMinBytes?: number;
  /**
   * Worker threads that process one exported piece of the sync or one local endpoint file of an import (at least
   * threadMinBytes) at once; 1: one thread, which also gunzips. Unset: DEFAULT_TRANSFER_THREADS (two, or one on a one-CPU machine).
   */
  transferThreads?: number;
  /** The process's budget of threads and transfers at once; unset: processBudget() (sized from this machine). */
  budget?: ProcessBudget;
}
