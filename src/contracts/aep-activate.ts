/** Input and report of the activateSegment workflow (AEP segment → Pinpoint application). */
import type { AepMembershipStatus } from './aep-export';
import type { JobSnapshot } from './lifecycle';
import type { PollPolicy } from './poll';

/** A Pinpoint channel an activation can write. */
export type ActivationChannel = 'EMAIL' | 'SMS';

/**
 * How a profile becomes endpoints: one endpoint per channel whose source field holds a value.
 * Fields are XDM dot paths (as exported). Endpoint Id = `<profile id>-<idSuffix>`.
 */
export interface ActivationMapping {
  /** Dot path of the profile id (User.UserId and the endpoint Id prefix). Default `_id`. */
  profileId: string;
  channels: { channel: ActivationChannel; address: string; idSuffix: string }[];
  /** Endpoint attribute name → dot path; the value becomes a one-string list. */
  attributes: Record<string, string>;
}

export interface ActivateSegmentInput {
  /** AEP segment definitions (members with the given statuses; default realized + existing). */
  segments: { segmentId: string; segmentNs?: string; status?: AepMembershipStatus[] }[];
  /** AEP export dataset (profile union schema); or createDataset. */
  datasetId?: string;
  createDataset?: { name: string };
  mergePolicy?: { id: string; version?: number };
  /** Target Pinpoint application (32 hex). */
  applicationId: string;
  /** Staging area for the import parts: s3://bucket/prefix/ (the run writes under <prefix><workflowId>/<runId>/). */
  s3Url: string;
  /** IAM role Pinpoint assumes to read the parts. */
  roleArn: string;
  /** Local folder on the worker's host for the AEP download (removed at the end of the run); default: the worker's temporary folder. */
  workDir?: string;
  /** Overrides the default mapping (parts absent keep their default; idSuffix defaults to the channel in lower case). */
  mapping?: {
    profileId?: string;
    channels?: { channel: ActivationChannel; address: string; idSuffix?: string }[];
    attributes?: Record<string, string>;
  };
  maxJobBytes?: number;
  /** Count only: no part written, no import job. */
  dryRun?: boolean;
  /** Poll policy of the AEP job and of the Pinpoint import jobs. */
  poll?: Partial<PollPolicy>;
}

/** What one activation activity produced: counts and keys only, never profile values. */
export interface ActivationTotals {
  profiles: number;
  /** Endpoints written (or, in a dry run, that would be written) per channel. */
  endpoints: Record<ActivationChannel, number>;
  /** Profiles without a profile id, and endpoints rejected by the validation; reasons in the rejected-rows object. */
  rejected: number;
  /** Profiles that gave no endpoint (no address in any mapped channel). */
  withoutEndpoint: number;
  parts: { s3Url: string; key: string; bytes: number; records: number }[];
  rejectedRowsKey?: string;
  files: number;
}

/** Totals before any profile was read. */
export function emptyActivationTotals(): ActivationTotals {
  return { profiles: 0, endpoints: { EMAIL: 0, SMS: 0 }, rejected: 0, withoutEndpoint: 0, parts: [], files: 0 };
}

export interface ActivateSegmentReport {
  workflowId: string;
  runId: string;
  /** FAILED only in a failed run's failure details (an import job that did not succeed). */
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  dryRun: boolean;
  aepJobId: string;
  applicationId: string;
  totals: Omit<ActivationTotals, 'parts'>;
  importJobs: JobSnapshot[];
  imported: { processed: number; failed: number };
  durationsMs: Record<string, number>;
  message?: string;
}
