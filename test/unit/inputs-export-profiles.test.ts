/** The exportProfiles input (AEP profile export): RFC 3339 times, dataset ids, XDM paths, segments and its either/or rules. */
import {
  AEP_DATASET_ID,
  XDM_PATH,
  isRfc3339,
  segmentsSchema,
  validateExportProfilesInput,
} from '../../src/inputs/export-profiles-input';
import { InputError } from '../../src/inputs';

const good = { segments: [{ segmentId: 'seg-a' }], createDataset: { name: 'members' }, downloadDir: '/tmp/out' };

function issues(raw: unknown): Record<string, string> {
  try {
    validateExportProfilesInput(raw);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return Object.fromEntries(err.issues.map((i) => [i.field, i.message]));
  }
  return {};
}

describe('isRfc3339', () => {
  it('accepts real moments in UTC, with an offset, with fractions and a leap second', () => {
    for (const t of [
      '2026-01-31T00:00:00Z',
      '2026-06-15T23:59:59+05:30',
      '2026-12-31T12:30:60.123-23:59',
      '2024-02-29T00:00:00Z',
      '2026-01-31t00:00:00z',
    ]) {
      expect([t, isRfc3339(t)]).toEqual([t, true]);
    }
  });

  it('refuses days, months, hours, minutes, seconds and offsets out of range', () => {
    for (const t of [
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-15T00:00:00Z',
      '2026-00-15T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-31T24:00:00Z',
      '2026-01-31T00:60:00Z',
      '2026-01-31T00:00:61Z',
      '2026-01-31T00:00:00+24:00',
      '2026-01-31T00:00:00+05:60',
    ]) {
      expect([t, isRfc3339(t)]).toEqual([t, false]);
    }
  });

  it('refuses text around a time and times without a zone or with short fields', () => {
    for (const t of [
      'x2026-01-31T00:00:00Z',
      '2026-01-31T00:00:00Zx',
      '2026-01-31T00:00:00',
      '2026-1-31T00:00:00Z',
      '2026-01-31T00:00:00.Z',
      '2026-01-31 00:00:00Z',
      '',
    ]) {
      expect([t, isRfc3339(t)]).toEqual([t, false]);
    }
  });
});

describe('AEP dataset ids and XDM paths', () => {
  it('a dataset id is letters, digits, _ and - only', () => {
    expect(AEP_DATASET_ID.test('AZaz09_-')).toBe(true);
    for (const id of ['', 'a b', '.ab', 'ab.', 'a/b']) expect([id, AEP_DATASET_ID.test(id)]).toEqual([id, false]);
  });

  it('an XDM path is dot-separated names of letters, digits and _', () => {
    for (const p of ['personalEmail.address', 'a_1.B2.c9', 'Z']) expect([p, XDM_PATH.test(p)]).toEqual([p, true]);
    for (const p of ['', '.a', 'a.', 'a..b', 'a-b', 'a.b-', '-a.b', 'a b']) {
      expect([p, XDM_PATH.test(p)]).toEqual([p, false]);
    }
  });
});

describe('segmentsSchema', () => {
  it('accepts each membership status and refuses an empty status list, id, namespace or segment list', () => {
    const ok = [{ segmentId: 's', segmentNs: 'ups', status: ['realized', 'existing', 'exited'] }];
    expect(segmentsSchema.parse(ok)).toEqual(ok);
    const messages = (v: unknown) => segmentsSchema.safeParse(v).error?.issues.map((i) => i.message) ?? [];
    expect(messages([])).toEqual(['is empty. Fix: give at least one segment']);
    expect(messages([{ segmentId: '' }])).toEqual(['is empty. Fix: give the segment definition id']);
    expect(messages([{ segmentId: 's', status: [] }])).toHaveLength(1);
    expect(messages([{ segmentId: 's', segmentNs: '' }])).toHaveLength(1);
    expect(messages([{ segmentId: 's', status: ['gone'] }])).toHaveLength(1);
  });
});

describe('validateExportProfilesInput', () => {
  it('accepts an existing dataset or a new one, with a download folder, an S3 copy or both', () => {
    expect(validateExportProfilesInput(good)).toEqual(good);
    const existing = { segments: good.segments, datasetId: 'ds_1-a', copyTo: 's3://bucket/aep' };
    expect(validateExportProfilesInput(existing)).toEqual({ ...existing, copyTo: 's3://bucket/aep/' });
    const both = { ...good, copyTo: 's3://bucket/aep/' };
    expect(validateExportProfilesInput(both)).toEqual(both);
  });

  it('wants exactly one of datasetId and createDataset, saying which of both or neither was given', () => {
    const fix = 'Fix: name either an existing dataset (on the profile union schema) or one to create';
    expect(issues({ ...good, datasetId: 'ds' })).toEqual({
      datasetId: `given together with a dataset to create. ${fix}`,
    });
    expect(issues({ segments: good.segments, downloadDir: '/tmp/out' })).toEqual({
      datasetId: `no target dataset. ${fix}`,
    });
  });

  it('wants a download folder or an S3 copy', () => {
    expect(issues({ segments: good.segments, createDataset: { name: 'm' } })).toEqual({
      downloadDir:
        "is required unless the files are copied to S3. Fix: give a folder on the worker's host, an S3 prefix to copy the files to, or both",
    });
  });

  it('names each bad field, quotes its value and gives the fix', () => {
    expect(
      issues({
        ...good,
        createDataset: undefined,
        datasetId: 'a b',
        fields: ['personalEmail.address', 'bad path'],
        since: '2026-02-31T00:00:00Z',
        qualifiedBetween: { startTime: 'yesterday', endTime: '2026-01-31T00:00:00Z' },
        downloadDir: 'relative/out',
        copyTo: 'https://bucket/x',
      }),
    ).toEqual({
      datasetId: '"a b" is not a dataset id. Fix: copy the id Catalog shows (letters, digits, _ and -)',
      'fields.1': '"bad path" is not an XDM dot path. Fix: write e.g. personalEmail.address',
      since: '"2026-02-31T00:00:00Z" is not an RFC 3339 time. Fix: write e.g. 2026-01-31T00:00:00Z',
      'qualifiedBetween.startTime': '"yesterday" is not an RFC 3339 time. Fix: write e.g. 2026-01-31T00:00:00Z',
      downloadDir: `"relative/out" is not an absolute path. Fix: give the absolute path on the worker's host`,
      copyTo:
        'S3 prefix to copy the files to "https://bucket/x" is not an s3:// URL. Fix: write it as s3://bucket/prefix/',
    });
  });

  it('lists the problems under the name of the input', () => {
    expect(() => validateExportProfilesInput({ ...good, segments: [] })).toThrow(
      'invalid exportProfiles input:\n  - segments: is empty. Fix: give at least one segment',
    );
  });
});
