import {
  compactUtc,
  defaultScheduleId,
  exportWorkflowId,
  idSegment,
  importWorkflowId,
  syncWorkflowId,
  withAttempt,
} from '../../src/cli/workflow-ids';

const at = new Date('2026-11-23T13:25:01.987Z');
const app = '0123456789abcdef0123456789abcdef';

describe('workflow ids', () => {
  it('formats UTC time as yyyyMMddTHHmmssZ', () => {
    expect(compactUtc(at)).toBe('20261123T132501Z');
    expect(compactUtc(new Date('2027-01-02T03:04:05Z'))).toBe('20270102T030405Z');
  });

  it('builds readable ids per pipeline', () => {
    expect(exportWorkflowId(app, at)).toBe(`export-${app}-20261123T132501Z`);
    expect(importWorkflowId(app, at)).toBe(`import-${app}-20261123T132501Z`);
    expect(syncWorkflowId('aaa', 'bbb', at)).toBe('sync-aaa-to-bbb-20261123T132501Z');
  });

  it('keeps segments safe', () => {
    expect(idSegment('a b/c')).toBe('a_b_c');
    expect(exportWorkflowId('x/../y', at)).toBe('export-x_.._y-20261123T132501Z');
  });

  it('derives schedule ids and retry suffixes', () => {
    expect(defaultScheduleId('export', [app])).toBe(`export-${app}`);
    expect(defaultScheduleId('sync', ['s', 't'])).toBe('sync-s-to-t');
    expect(withAttempt('id', 1)).toBe('id');
    expect(withAttempt('id', 3)).toBe('id-3');
  });
});
