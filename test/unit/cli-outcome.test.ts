import { WorkflowFailedError } from '@temporalio/client';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  RetryState,
  TerminatedFailure,
} from '@temporalio/common';
import { ExitCode } from '../../src/contracts/failures';
import { exitCodeForStatus, outcomeFromError, outcomeFromReport, outcomeJson } from '../../src/cli/outcome';

const failed = (cause: Error) =>
  new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE);

describe('run outcome', () => {
  it('maps report statuses to exit codes', () => {
    expect(exitCodeForStatus('COMPLETED')).toBe(ExitCode.Ok);
    expect(exitCodeForStatus('FAILED')).toBe(ExitCode.RunFailed);
    expect(exitCodeForStatus('CANCELLED')).toBe(ExitCode.Cancelled);
    const o = outcomeFromReport('w', { workflowId: 'w', runId: 'r', status: 'CANCELLED' });
    expect(o).toMatchObject({ status: 'CANCELLED', exitCode: ExitCode.Cancelled, runId: 'r' });
    expect(outcomeJson(o)).toEqual({ workflowId: 'w', runId: 'r', status: 'CANCELLED' });
  });

  it('reads failures: the innermost application failure explains', () => {
    const app = ApplicationFailure.nonRetryable('application id not found; check --app', 'NotFound');
    const activity = new ActivityFailure(
      'activity failed',
      'createExportJob',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      undefined,
      app,
    );
    const o = outcomeFromError('w', failed(activity));
    expect(o).toEqual({
      workflowId: 'w',
      status: 'FAILED',
      exitCode: ExitCode.RunFailed,
      message: 'application id not found; check --app',
      failureType: 'NotFound',
    });
    expect(outcomeJson(o!)).toEqual({
      workflowId: 'w',
      status: 'FAILED',
      message: 'application id not found; check --app',
      failureType: 'NotFound',
    });
  });

  it('reads Temporal cancellation and termination', () => {
    expect(outcomeFromError('w', failed(new CancelledFailure('cancelled')))).toMatchObject({
      status: 'CANCELLED',
      exitCode: ExitCode.Cancelled,
    });
    expect(outcomeFromError('w', failed(new TerminatedFailure('by operator')))).toMatchObject({
      status: 'TERMINATED',
      exitCode: ExitCode.RunFailed,
    });
  });

  it('leaves errors that are not the run’s own to the caller', () => {
    expect(outcomeFromError('w', new Error('UNAVAILABLE'))).toBeUndefined();
  });
});
