import { importFolderPrefix, isImportFile } from '../../src/contracts';
import { shownKey } from '../../activities/import-source';
import { stagedCopyName } from '../../activities/transfer';
import { splitNote, splitStagingProblem } from '../../workflows/import-split';
import type { SplitSource } from '../../workflows/import-split';

describe('the files an import reads (shared with the emulator)', () => {
  it('keeps the files of the format in any case, never folder markers', () => {
    expect(['a.csv', 'b.CSV', 'x/c.csv'].every((k) => isImportFile(k, 'CSV'))).toBe(true);
    expect(['a.json', 'b.ndjson', 'c.JSONL'].every((k) => isImportFile(k, 'JSON'))).toBe(true);
    expect(['a.json', 'a.csv.gz', 'csv', 'dir.csv/', 'a.txt'].some((k) => isImportFile(k, 'CSV'))).toBe(false);
    expect(isImportFile('a.csv', 'JSON')).toBe(false);
  });

  it('reads a key that names no object as a folder', () => {
    expect(importFolderPrefix('')).toBe('');
    expect(importFolderPrefix('in/')).toBe('in/');
    expect(importFolderPrefix('in/batch')).toBe('in/batch/');
  });
});

describe('staged copies', () => {
  it('are named by index and file name, so equal names from different folders stay apart', () => {
    expect(stagedCopyName(0, 'in/a.csv')).toBe('00000-a.csv');
    expect(stagedCopyName(1, 'in/sub/a.csv')).toBe('00001-a.csv');
    expect(stagedCopyName(2, 'top.json')).toBe('00002-top.json');
  });

  it('treat the file name as untrusted: control characters replaced, long names cut keeping the extension', () => {
    expect(stagedCopyName(3, 'in/bad\nname\u0000.csv')).toBe('00003-bad_name_.csv');
    const long = stagedCopyName(4, `in/${'é'.repeat(300)}.ndjson`);
    expect(Array.from(long.slice('00004-'.length))).toHaveLength(100);
    expect(long.endsWith('é.ndjson')).toBe(true);
    expect(stagedCopyName(5, 'in/../x.csv')).toBe('00005-x.csv');
  });

  it('keys shown in messages lose control characters and length', () => {
    expect(shownKey('a\r\nb')).toBe('a??b');
    expect(Array.from(shownKey('k'.repeat(500))).length).toBe(181);
  });
});

describe('a source that must be split', () => {
  const source: SplitSource = {
    folder: { bucket: 'data', key: 'in/' },
    format: 'CSV',
    files: 3,
    totalBytes: 3000,
    maxJobBytes: 2048,
    jobs: 2,
  };

  it('needs a staging location, and says how to give one', () => {
    expect(splitStagingProblem(source, undefined)).toBe(
      's3://data/in/ holds 3 CSV file(s), 3000 bytes in all, over the per-job limit of 2048 bytes: it is imported as 2 jobs, ' +
        'each reading copies of its share of the files under a staging location (your objects are left as they are). ' +
        'Give one: --staging s3://bucket/prefix/ (input field stagingUrl)',
    );
  });

  it('refuses a staging location inside the source, accepts one beside or above it', () => {
    expect(splitStagingProblem(source, { bucket: 'data', key: 'in/stage/' })).toBe(
      's3://data/in/ holds 3 CSV file(s), 3000 bytes in all, over the per-job limit of 2048 bytes, so its files are ' +
        'copied into job folders under the staging location s3://data/in/stage/, which lies inside the source: later ' +
        'imports of s3://data/in/ would read those copies too. Choose a staging location outside it',
    );
    expect(
      splitStagingProblem({ ...source, folder: { bucket: 'data', key: '' } }, { bucket: 'data', key: 's/' }),
    ).toMatch(/lies inside the source/);
    expect(splitStagingProblem(source, { bucket: 'data', key: 'staging/' })).toBeUndefined();
    expect(splitStagingProblem(source, { bucket: 'data', key: '' })).toBeUndefined();
    expect(splitStagingProblem(source, { bucket: 'other', key: 'in/' })).toBeUndefined();
  });

  it('reports how many jobs the source became', () => {
    expect(splitNote(source, { bucket: 'stage', key: 'wf/run/' })).toBe(
      's3://data/in/: 3 file(s), 3000 bytes, over the per-job limit of 2048 bytes, split into 2 import jobs (copies under s3://stage/wf/run/jobs/)',
    );
  });
});
