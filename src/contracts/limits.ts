/**
 * Amazon Pinpoint's documented limits: the one home of each, imported by the workflows, the
 * activities, the input schemas, the CLI's messages and the emulator.
 */

/**
 * Largest import job: the documentation says "1 GB"; the safer reading, 10^9 bytes, is used (a
 * job of 1 GiB = 1,073,741,824 bytes would be refused if "GB" means 10^9).
 */
export const PINPOINT_MAX_IMPORT_JOB_BYTES = 1_000_000_000;
/** How the limit reads in messages. */
export const PINPOINT_MAX_IMPORT_JOB_TEXT = '1 GB (1,000,000,000 bytes)';

/** Concurrent import jobs per account, the documented default quota (raisable); jobs over it wait in PENDING_JOB. */
export const PINPOINT_CONCURRENT_IMPORT_JOBS = 2;
/** The most `--max-concurrent-jobs` accepts, for accounts whose quota was raised. */
export const MAX_CONCURRENT_IMPORT_JOBS_SETTING = 10;
/** What the quota means, for messages and help texts. */
export const PINPOINT_CONCURRENT_IMPORT_JOBS_TEXT =
  'Pinpoint runs 2 import jobs at once per account (a quota you can raise); jobs over it wait in PENDING_JOB';
