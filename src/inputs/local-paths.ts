import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './errors';
import type { InputIssue } from './errors';

/** Every input file exists, is a regular file and is readable (on the host that runs this). Throws InputError. */
export async function checkLocalFiles(paths: string[], field = 'source.paths'): Promise<void> {
  const issues: InputIssue[] = [];
  await Promise.all(
    paths.map(async (p, i) => {
      try {
        const st = await fs.stat(p);
        if (!st.isFile())
          issues.push({
            field: `${field}.${i}`,
            message: `"${p}" is not a regular file; name the CSV/NDJSON files themselves`,
          });
        else await fs.access(p, fs.constants.R_OK);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        issues.push({
          field: `${field}.${i}`,
          message:
            code === 'ENOENT'
              ? `"${p}" does not exist; check the path`
              : `"${p}" cannot be read (${code ?? 'error'}); check its permissions`,
        });
      }
    }),
  );
  if (issues.length > 0) throw new InputError('import input', issues);
}

/** The download directory exists (or can be created) and is writable. Throws InputError. */
export async function checkDownloadDir(dir: string, field = 'downloadDir'): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, fs.constants.W_OK);
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const message =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? `download directory "${path.resolve(dir)}" is a file, not a directory; name a directory`
        : `cannot write to download directory "${path.resolve(dir)}" (${code}); choose a writable directory`;
    throw new InputError('export input', [{ field, message }]);
  }
}
