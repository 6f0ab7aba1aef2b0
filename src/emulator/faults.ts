/**
 * Fault injection for tests (admin API: /_emulator/faults). Rates are probabilities per request;
 * the `*Next` counters hit exactly the next N matching requests or jobs.
 */
import { z } from 'zod';

export const faultsSchema = z
  .object({
    /** Probability (0–1) that a /v1 request is answered 429 TooManyRequestsException. */
    throttleRate: z.number().min(0).max(1),
    /** The next N /v1 requests are answered 429. */
    throttleNext: z.number().int().min(0),
    /** Probability (0–1) that a /v1 request is answered 500 InternalServerErrorException. */
    errorRate: z.number().min(0).max(1),
    /** The next N /v1 requests are answered 500. */
    errorNext: z.number().int().min(0),
    /** The next N matching requests are carried out, then answered 500 (a lost response). */
    errorAfterCommitNext: z.number().int().min(0),
    /** Added latency in ms before every /v1 answer. */
    latencyMs: z.number().int().min(0).max(600_000),
    /** Restrict request faults to these operations (e.g. ["CreateImportJob"]); all when absent. */
    operations: z.array(z.string()).optional(),
    /** The next N created jobs end FAILED. */
    failNextJobs: z.number().int().min(0),
    /** The next N created jobs stop in PROCESSING until released (POST /_emulator/jobs/<id>/release). */
    stallNextJobs: z.number().int().min(0),
    /** Limit failNextJobs/stallNextJobs to one kind of job. */
    jobKind: z.enum(['IMPORT', 'EXPORT']).optional(),
    /** Jobs using these role ARNs fail as if Pinpoint could not assume the role. */
    denyRoleArns: z.array(z.string()),
  })
  .partial()
  .strict();

export interface Faults {
  throttleRate: number;
  throttleNext: number;
  errorRate: number;
  errorNext: number;
  errorAfterCommitNext: number;
  latencyMs: number;
  operations?: string[];
  failNextJobs: number;
  stallNextJobs: number;
  jobKind?: 'IMPORT' | 'EXPORT';
  denyRoleArns: string[];
}

export function noFaults(): Faults {
  return {
    throttleRate: 0,
    throttleNext: 0,
    errorRate: 0,
    errorNext: 0,
    errorAfterCommitNext: 0,
    latencyMs: 0,
    failNextJobs: 0,
    stallNextJobs: 0,
    denyRoleArns: [],
  };
}

export type RequestFault = 'throttle' | 'error' | 'errorAfterCommit' | undefined;

/** Decides (and consumes) the fault for one /v1 request. */
export function requestFault(f: Faults, operation: string): RequestFault {
  if (f.operations && !f.operations.includes(operation)) return undefined;
  if (f.throttleNext > 0) {
    f.throttleNext--;
    return 'throttle';
  }
  if (f.errorNext > 0) {
    f.errorNext--;
    return 'error';
  }
  if (f.throttleRate > 0 && Math.random() < f.throttleRate) return 'throttle';
  if (f.errorRate > 0 && Math.random() < f.errorRate) return 'error';
  if (f.errorAfterCommitNext > 0) {
    f.errorAfterCommitNext--;
    return 'errorAfterCommit';
  }
  return undefined;
}

/** Decides (and consumes) the job faults of a new job. */
export function jobFaults(f: Faults, kind: 'IMPORT' | 'EXPORT'): { fail: boolean; stall: boolean } {
  if (f.jobKind && f.jobKind !== kind) return { fail: false, stall: false };
  const fail = f.failNextJobs > 0;
  if (fail) f.failNextJobs--;
  const stall = f.stallNextJobs > 0;
  if (stall) f.stallNextJobs--;
  return { fail, stall };
}
