/** Where the emulator keeps the Parquet files its jobs write: in memory, or under a data dir. */
import fs from 'node:fs/promises';
import path from 'node:path';

export interface FileStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes every file whose key starts with `prefix`. */
  removePrefix(prefix: string): Promise<void>;
}

export class MemoryFileStore implements FileStore {
  private files = new Map<string, Uint8Array>();
  put(key: string, bytes: Uint8Array): Promise<void> {
    this.files.set(key, bytes);
    return Promise.resolve();
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.files.get(key));
  }
  removePrefix(prefix: string): Promise<void> {
    for (const key of [...this.files.keys()]) if (key.startsWith(prefix)) this.files.delete(key);
    return Promise.resolve();
  }
}

/** Keys are `<batchId>/<dataSetFileId>/<name>`: made of ids the emulator generates, never of request input. */
export class DirFileStore implements FileStore {
  constructor(private readonly root: string) {}
  private file(key: string): string {
    return path.join(this.root, 'files', ...key.split('/'));
  }
  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, file);
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(this.file(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
  async removePrefix(prefix: string): Promise<void> {
    await fs.rm(this.file(prefix.replace(/\/+$/, '')), { recursive: true, force: true });
  }
}
