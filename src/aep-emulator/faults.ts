/**
 * Fault injection (admin `POST /_emulator/faults`): the next N requests of an operation answered 429
 * with Retry-After, 5xx, or carried out and then answered 500 / cut off (a lost response); the next N
 * jobs failed or held in PROCESSING until released. Token expiry: `POST /_emulator/tokens/expire`.
 */
import { z } from 'zod';

const OPERATIONS = [
  'ims.token',
  'catalog.createDataSet',
  'jobs.create',
  'jobs.list',
  'jobs.get',
  'jobs.delete',
  'dataAccess.listBatchFiles',
  'dataAccess.getFile',
] as const;
export type Operation = (typeof OPERATIONS)[number];

const ruleSchema = z
  .object({
    /** The operation hit; every platform operation when absent. */
    operation: z.enum(OPERATIONS).optional(),
    /**
     * throttle: 429 + Retry-After; error: `status` (default 500) before the call is carried out;
     * errorAfterCommit: carried out, then 500; dropAfterCommit: carried out, then the connection is cut;
     * cutBody (file bytes only): the answer's headers and its first `bytes` bytes, then the connection is cut;
     * delay: the answer comes `delayMs` later.
     */
    kind: z.enum(['throttle', 'error', 'errorAfterCommit', 'dropAfterCommit', 'cutBody', 'delay']),
    count: z.number().int().min(1).default(1),
    retryAfterSeconds: z.number().int().min(0).default(1),
    status: z.number().int().min(500).max(599).default(500),
    bytes: z.number().int().min(0).default(100),
    delayMs: z.number().int().min(0).max(60_000).default(0),
  })
  .strict();

export const faultsSchema = z
  .object({
    rules: z.array(ruleSchema).default([]),
    /** The next N created jobs end FAILED (errors[] set). */
    failNextJobs: z.number().int().min(0).default(0),
    /** The next N created jobs stop in PROCESSING until POST /_emulator/jobs/<id>/release. */
    stallNextJobs: z.number().int().min(0).default(0),
    /** How DELETE /export/jobs/{id} answers from now on. */
    deleteAnswer: z.union([z.literal(204), z.literal(200)]).optional(),
  })
  .strict();

export type FaultRule = z.infer<typeof ruleSchema>;
export type Faults = z.infer<typeof faultsSchema>;

export function noFaults(): Faults {
  return { rules: [], failNextJobs: 0, stallNextJobs: 0 };
}

/** The fault for this request, if one is due; counts it down. */
export function takeFault(faults: Faults, operation: Operation): FaultRule | undefined {
  const rule = faults.rules.find((r) => r.count > 0 && (r.operation === undefined || r.operation === operation));
  if (!rule) return undefined;
  rule.count--;
  faults.rules = faults.rules.filter((r) => r.count > 0);
  return { ...rule };
}

/** Counts down a job fault counter; true when this job takes it. */
export function takeJobFault(faults: Faults, which: 'failNextJobs' | 'stallNextJobs'): boolean {
  if (faults[which] <= 0) return false;
  faults[which]--;
  return true;
}
