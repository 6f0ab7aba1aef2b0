/** The cancel follow-up's id and texts (src/contracts/cancel-followup.ts): what operators search for and read. */
import { cancelFollowUpWorkflowId, graceText, jobLabel } from '../../src/contracts';

describe('cancel follow-up texts', () => {
  it('derives the follow-up id from the cancelled run', () => {
    expect(cancelFollowUpWorkflowId('export-abc-20261128T110000Z')).toBe('export-abc-20261128T110000Z-cancel-followup');
  });

  it('shows a grace in the largest unit that divides it', () => {
    expect(graceText(3_600_000)).toBe('1h');
    expect(graceText(7_200_000)).toBe('2h');
    expect(graceText(5_400_000)).toBe('90m');
    expect(graceText(2_000)).toBe('2s');
    expect(graceText(61_000)).toBe('61s');
    expect(graceText(1_500)).toBe('1500ms');
  });

  it('names a job with its kind, in lower case', () => {
    expect(jobLabel({ kind: 'EXPORT', jobId: '1a2b' })).toBe('export job 1a2b');
    expect(jobLabel({ kind: 'IMPORT', jobId: '3c4d' })).toBe('import job 3c4d');
  });
});
