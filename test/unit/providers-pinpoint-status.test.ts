import { JobStatus } from '@aws-sdk/client-pinpoint';
import { mapPinpointStatus } from '../../src/providers/pinpoint/status';
import { toProviderJob } from '../../src/providers/pinpoint/jobs';

describe('mapPinpointStatus', () => {
  it.each([
    ['CREATED', 'CREATED'],
    ['PREPARING_FOR_INITIALIZATION', 'RUNNING'],
    ['INITIALIZING', 'RUNNING'],
    ['PROCESSING', 'RUNNING'],
    ['PENDING_JOB', 'RUNNING'],
    ['COMPLETING', 'RUNNING'],
    ['FAILING', 'RUNNING'],
    ['CANCELLING', 'RUNNING'],
    ['COMPLETED', 'SUCCEEDED'],
    ['FAILED', 'FAILED'],
    ['CANCELLED', 'CANCELLED'],
  ])('%s → %s', (raw, state) => {
    expect(mapPinpointStatus(raw)).toBe(state);
  });

  it('maps every status of the SDK enum', () => {
    for (const raw of Object.values(JobStatus)) expect(mapPinpointStatus(raw)).not.toBeUndefined();
  });

  it('treats unknown or missing statuses as RUNNING instead of failing', () => {
    expect(mapPinpointStatus('SOMETHING_NEW')).toBe('RUNNING');
    expect(mapPinpointStatus('')).toBe('RUNNING');
    expect(mapPinpointStatus(undefined)).toBe('RUNNING');
  });
});

describe('toProviderJob', () => {
  it('keeps the raw status and counters, and keeps Failures out of the snapshot', () => {
    const job = toProviderJob('IMPORT', {
      ApplicationId: 'a'.repeat(32),
      Id: 'job1',
      JobStatus: 'COMPLETED',
      CreationDate: '2026-01-01T00:00:00Z',
      Type: 'IMPORT',
      TotalProcessed: 10,
      TotalFailures: 2,
      Failures: ['line 3: someone@example.com bad', 'line 4: x'],
      Definition: { S3Url: 's3://b/p/', RoleArn: 'arn', Format: 'CSV' },
    });
    expect(job.location).toBe('s3://b/p/');
    expect(job.failures).toHaveLength(2);
    expect(job.snapshot).toMatchObject({ state: 'SUCCEEDED', rawStatus: 'COMPLETED', failureSampleCount: 2 });
    expect(JSON.stringify(job.snapshot)).not.toContain('example.com');
  });

  it('reads the export location from S3UrlPrefix and survives an unknown status', () => {
    const job = toProviderJob('EXPORT', {
      ApplicationId: 'a',
      Id: 'e1',
      JobStatus: 'WEIRD' as JobStatus,
      CreationDate: 'x',
      Type: 'EXPORT',
      Definition: { S3UrlPrefix: 's3://b/out/', RoleArn: 'arn' },
    });
    expect(job.location).toBe('s3://b/out/');
    expect(job.snapshot.state).toBe('RUNNING');
    expect(job.snapshot.rawStatus).toBe('WEIRD');
  });
});
