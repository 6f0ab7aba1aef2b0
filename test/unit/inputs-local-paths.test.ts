/** Local input files and the download folder, checked on the host before anything is uploaded or exported. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, checkDownloadDir, checkLocalFiles } from '../../src/inputs';

let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inputs-local-paths-'));
  await fs.writeFile(path.join(dir, 'a.csv'), 'Address\n');
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

afterEach(() => jest.restoreAllMocks());

async function issuesOf(check: Promise<void>): Promise<InputError> {
  const err: unknown = await check.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof InputError)) throw new Error(`expected an InputError, got ${String(err)}`);
  return err;
}

describe('checkLocalFiles', () => {
  it('accepts readable regular files', async () => {
    await expect(checkLocalFiles([path.join(dir, 'a.csv')])).resolves.toBeUndefined();
  });

  it('names each missing file and folder by its index under the field', async () => {
    const missing = path.join(dir, 'missing.csv');
    const err = await issuesOf(checkLocalFiles([path.join(dir, 'a.csv'), missing, dir]));
    expect(err.what).toBe('import input');
    // The files are checked at once: the issues come in the order the checks finished.
    expect([...err.issues].sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { field: 'source.paths.1', message: `"${missing}" does not exist; check the path` },
      { field: 'source.paths.2', message: `"${dir}" is not a regular file; name the CSV/NDJSON files themselves` },
    ]);
  });

  it('names a file it may not read, with the error code, under the field given', async () => {
    const file = path.join(dir, 'a.csv');
    jest.spyOn(fs, 'access').mockRejectedValue(Object.assign(new Error('denied'), { code: 'EACCES' }));
    const err = await issuesOf(checkLocalFiles([file], 'files'));
    expect(err.issues).toEqual([
      { field: 'files.0', message: `"${file}" cannot be read (EACCES); check its permissions` },
    ]);
    jest.spyOn(fs, 'access').mockRejectedValue(new Error('no code'));
    expect((await issuesOf(checkLocalFiles([file]))).issues[0]?.message).toBe(
      `"${file}" cannot be read (error); check its permissions`,
    );
  });
});

describe('checkDownloadDir', () => {
  it('creates a missing folder, nested', async () => {
    const nested = path.join(dir, 'out', 'run');
    await checkDownloadDir(nested);
    expect((await fs.stat(nested)).isDirectory()).toBe(true);
  });

  it('names a file given as the folder, and a folder below a file', async () => {
    const file = path.join(dir, 'a.csv');
    const asDir = await issuesOf(checkDownloadDir(file));
    expect(asDir.what).toBe('export input');
    expect(asDir.issues).toEqual([
      { field: 'downloadDir', message: `download directory "${file}" is a file, not a directory; name a directory` },
    ]);
    const below = path.join(file, 'sub');
    expect((await issuesOf(checkDownloadDir(below, 'options.downloadDir'))).issues).toEqual([
      {
        field: 'options.downloadDir',
        message: `download directory "${below}" is a file, not a directory; name a directory`,
      },
    ]);
  });

  it('names a file that mkdir accepts but stat shows is no folder', async () => {
    const file = path.join(dir, 'a.csv');
    jest.spyOn(fs, 'mkdir').mockResolvedValue(undefined);
    expect((await issuesOf(checkDownloadDir(file))).issues[0]?.message).toBe(
      `download directory "${file}" is a file, not a directory; name a directory`,
    );
  });

  it('names a folder it may not write to, with the error code, resolved', async () => {
    jest.spyOn(fs, 'access').mockRejectedValue(Object.assign(new Error('denied'), { code: 'EACCES' }));
    const relative = path.relative(process.cwd(), dir);
    expect((await issuesOf(checkDownloadDir(relative))).issues[0]?.message).toBe(
      `cannot write to download directory "${dir}" (EACCES); choose a writable directory`,
    );
    jest.spyOn(fs, 'access').mockRejectedValue(new Error('no code'));
    expect((await issuesOf(checkDownloadDir(dir))).issues[0]?.message).toBe(
      `cannot write to download directory "${dir}" (error); choose a writable directory`,
    );
  });
});
