import { ApplicationFailure, condition, patched } from '@temporalio/workflow';
import { FailureType } from '../../src/contracts';
import type { JobSnapshot } from '../../src/contracts';

/** The change "a split import makes one segment"; runs started before it made one segment per part. */
const ONE_SEGMENT_PATCH = 'one-segment-per-split-import';

export interface SegmentFields {
  segmentName?: string;
  segmentId?: string;
}

/**
 * The segment fields of each job of an import with `--segment-name`. A split import makes one segment:
 * the first job defines it (DefineSegment + SegmentName) and every other job waits for that job's
 * SegmentId, then imports into it. Deterministic (workflow code).
 */
export class ImportSegment {
  private segmentId: string | undefined;
  private readonly shared: boolean;

  constructor(
    private readonly name: string | undefined,
    private readonly jobs: number,
  ) {
    this.shared = name !== undefined && jobs > 1 && patched(ONE_SEGMENT_PATCH);
  }

  /** The fields of job `i` (0-based); undefined when the import stopped before the segment existed. */
  async fieldsFor(i: number, stopped: () => boolean): Promise<SegmentFields | undefined> {
    if (this.name === undefined) return {};
    if (!this.shared) return { segmentName: this.jobs > 1 ? `${this.name} (part ${i + 1})` : this.name };
    if (i === 0) return { segmentName: this.name };
    await condition(() => this.segmentId !== undefined || stopped());
    return this.segmentId === undefined ? undefined : { segmentId: this.segmentId };
  }

  /** Takes the segment id from the first job's create answer. */
  created(i: number, job: JobSnapshot): void {
    if (!this.shared || i !== 0) return;
    if (!job.segmentId) {
      throw ApplicationFailure.nonRetryable(
        `import job ${job.jobId} was asked to define segment "${this.name}" but its answer names no segment id`,
        FailureType.ProviderRejected,
      );
    }
    this.segmentId = job.segmentId;
  }
}
