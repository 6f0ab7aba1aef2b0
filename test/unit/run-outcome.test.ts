/**
 * How a run's end is told: reject limits (--max-rejected), the sync's verdict, and the CLI reading a failed run's
 * report from the failure details and a cancelled run's report from its memo.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, RetryState } from '@temporalio/common';
import { ExitCode, FailureType, REPORT_MEMO_KEY, rejectLimitExceeded } from '../../src/contracts';
import type { JobSnapshot, SyncCounts } from '../../src/contracts';
import { outcomeFromError, withCancelledReport } from '../../src/cli/outcome';
import { parseRejectLimit } from '../../src/cli/parse';
import { syncVerdict } from '../../workflows/sync-verdict';
import { maskAddresses } from '../../activities/support/mask';

const failed = (cause: Error) =>
  new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE);

const counts = (over: Partial<SyncCounts> = {}): SyncCounts => ({
  exported: 100,
  transformed: 90,
  filtered: 5,
  rejected: 5,
  processed: 90,
  failed: 0,
  ...over,
});

const job = (state: JobSnapshot['state']): JobSnapshot => ({
  provider: 'pinpoint',
  kind: 'IMPORT',
  applicationId: 'app',
  jobId: 'job-1',
  state,
  rawStatus: state,
  counters: {},
});

describe('--max-rejected', () => {
  it('parses a row count or a percentage, and refuses anything else', () => {
    expect(parseRejectLimit('100')).toEqual({ count: 100 });
    expect(parseRejectLimit('0')).toEqual({ count: 0 });
    expect(parseRejectLimit('2.5%')).toEqual({ percent: 2.5 });
    expect(parseRejectLimit('101%')).toBeUndefined();
    expect(parseRejectLimit('-1')).toBeUndefined();
    expect(parseRejectLimit('ten')).toBeUndefined();
    expect(parseRejectLimit('1.5')).toBeUndefined();
  });

  it('is exceeded only above the limit', () => {
    expect(rejectLimitExceeded(undefined, 1000, 1000)).toBe(false);
    expect(rejectLimitExceeded({ count: 5 }, 5, 100)).toBe(false);
    expect(rejectLimitExceeded({ count: 5 }, 6, 100)).toBe(true);
    expect(rejectLimitExceeded({ percent: 10 }, 10, 100)).toBe(false);
    expect(rejectLimitExceeded({ percent: 10 }, 11, 100)).toBe(true);
    expect(rejectLimitExceeded({ percent: 10 }, 0, 0)).toBe(false);
  });
});

describe('sync verdict', () => {
  it('completes when the valid rows were imported', () => {
    expect(syncVerdict(counts(), [job('SUCCEEDED')], { dryRun: false })).toBeUndefined();
  });

  it('fails JobFailed when an import job failed', () => {
    expect(syncVerdict(counts(), [job('FAILED')], { dryRun: false })).toMatchObject({
      type: FailureType.JobFailed,
      reason: expect.stringContaining('job-1 ended FAILED'),
    });
  });

  it('fails NothingToImport when every row left after the filters was rejected', () => {
    const v = syncVerdict(counts({ transformed: 0, rejected: 95, processed: 0 }), [], { dryRun: false });
    expect(v?.type).toBe(FailureType.NothingToImport);
    // Filtering everything is what the user asked for: not a failure.
    expect(syncVerdict(counts({ transformed: 0, filtered: 100, rejected: 0 }), [], { dryRun: false })).toBeUndefined();
  });

  it('fails TooManyRejected over --max-rejected (rejected + provider failures of the unfiltered rows)', () => {
    expect(
      syncVerdict(counts({ failed: 1 }), [job('SUCCEEDED')], { dryRun: false, maxRejected: { count: 5 } }),
    ).toMatchObject({
      type: FailureType.TooManyRejected,
      reason: expect.stringContaining('6 of 95 endpoint(s) were rejected'),
    });
    expect(syncVerdict(counts(), [job('SUCCEEDED')], { dryRun: false, maxRejected: { count: 5 } })).toBeUndefined();
  });

  it('never fails a dry run', () => {
    expect(
      syncVerdict(counts({ transformed: 0, rejected: 95 }), [], { dryRun: true, maxRejected: { count: 0 } }),
    ).toBeUndefined();
  });
});

describe('the CLI reads the report of every ending', () => {
  it('a failed run: the report is the failure detail, the type and reason are kept', () => {
    const report = { workflowId: 'w', runId: 'r', status: 'FAILED', message: 'no valid rows' };
    const failure = ApplicationFailure.create({
      type: FailureType.NothingToImport,
      message: 'no valid rows',
      nonRetryable: true,
      details: [report],
    });
    expect(outcomeFromError('w', failed(failure))).toEqual({
      workflowId: 'w',
      status: 'FAILED',
      exitCode: ExitCode.RunFailed,
      report,
      message: 'no valid rows',
      failureType: FailureType.NothingToImport,
    });
  });

  it('a cancelled run: the report comes from the memo', () => {
    const o = outcomeFromError('w', failed(new CancelledFailure('cancelled')))!;
    const report = { workflowId: 'w', status: 'CANCELLED', message: 'Cancelled.' };
    expect(withCancelledReport(o, { [REPORT_MEMO_KEY]: report })).toMatchObject({
      status: 'CANCELLED',
      exitCode: ExitCode.Cancelled,
      report,
    });
    expect(withCancelledReport(o, undefined).report).toBeUndefined();
  });
});

describe('texts shown from whole-file rejections and job failures', () => {
  it('mask addresses and phone numbers, keep the rest', () => {
    expect(maskAddresses('header column 1 "someone@example.test" is not an endpoint field')).toBe(
      'header column 1 "<address>" is not an endpoint field',
    );
    expect(maskAddresses('column 2 "+49 170 1234567" x')).toBe('column 2 "<number>" x');
    expect(maskAddresses('s3://b/k/part-00000.json.gz: could not be written: NoSuchBucket')).toBe(
      's3://b/k/part-00000.json.gz: could not be written: NoSuchBucket',
    );
  });
});
