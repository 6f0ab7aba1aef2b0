/**
 * Durability under --data-dir. Small state (apps, segments, jobs) lives in meta.json, rewritten
 * atomically (temp file, fsync, rename). Endpoints of each app go to an append-only log
 * (apps/<appId>.log: `"<id>"\t<json>` puts and `"<id>"\t` deletes) compacted on start; IMPORT segment
 * members go to segments/<segmentId>.ndjson, written atomically when the import job commits.
 * A torn last line of a log (crash mid-write) is ignored.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { readLines } from '../formats/lines';
import type { AppRecord, JobState, SegmentState } from './state';

export interface MetaSnapshot {
  version: 1;
  seq: number;
  apps: Array<{
    app: AppRecord;
    segments: Array<{ response: SegmentState['response']; hasMembers: boolean; hasPrivate: boolean }>;
    jobs: Array<Omit<JobState, 'stalled'>>;
  }>;
}

const FLUSH_BYTES = 1024 * 1024;

/** Data directories locked by emulators of this process (several can run in one test process). */
const lockedHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
}

class AppLog {
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  constructor(readonly file: string) {}

  append(line: string): void {
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= FLUSH_BYTES) void this.flush();
  }

  flush(): Promise<void> {
    if (this.buffer.length > 0) {
      const data = this.buffer.join('');
      this.buffer = [];
      this.bufferedBytes = 0;
      this.chain = this.chain.then(() => fsp.appendFile(this.file, data));
    }
    return this.chain;
  }
}

export class Persistence {
  private logs = new Map<string, AppLog>();
  private metaChain: Promise<void> = Promise.resolve();
  private metaPending: (() => MetaSnapshot) | undefined;
  private metaTimer: NodeJS.Timeout | undefined;

  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'apps'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'segments'), { recursive: true });
  }

  /**
   * Takes the data directory for this process (a `lock` file with our pid); a second emulator on the
   * same directory would corrupt it. A lock left by a process that is gone is taken over.
   */
  lock(): void {
    const file = path.join(this.dir, 'lock');
    const key = path.resolve(this.dir);
    if (lockedHere.has(key)) {
      throw new Error(
        `--data-dir ${this.dir} is in use by another emulator (pid ${process.pid}); stop it or pick another directory`,
      );
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        lockedHere.add(key);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(fs.readFileSync(file, 'utf8'));
        if (pid && pid !== process.pid && isAlive(pid)) {
          throw new Error(
            `--data-dir ${this.dir} is in use by another emulator (pid ${pid}); stop it or pick another directory`,
          );
        }
        fs.rmSync(file, { force: true });
      }
    }
  }

  unlock(): void {
    const file = path.join(this.dir, 'lock');
    if (!lockedHere.delete(path.resolve(this.dir))) return;
    try {
      if (Number(fs.readFileSync(file, 'utf8')) === process.pid) fs.rmSync(file, { force: true });
    } catch {
      /* not locked */
    }
  }

  private logFile(appId: string): string {
    return path.join(this.dir, 'apps', `${appId}.log`);
  }

  private segmentFile(segmentId: string): string {
    return path.join(this.dir, 'segments', `${segmentId}.ndjson`);
  }

  private log(appId: string): AppLog {
    let log = this.logs.get(appId);
    if (!log) {
      log = new AppLog(this.logFile(appId));
      this.logs.set(appId, log);
    }
    return log;
  }

  putEndpoint(appId: string, id: string, json: string): void {
    this.log(appId).append(`${JSON.stringify(id)}\t${json}\n`);
  }

  deleteEndpoint(appId: string, id: string): void {
    this.log(appId).append(`${JSON.stringify(id)}\t\n`);
  }

  async flushEndpoints(appId?: string): Promise<void> {
    if (appId) await this.logs.get(appId)?.flush();
    else await Promise.all([...this.logs.values()].map((l) => l.flush()));
  }

  /** Schedules an atomic rewrite of meta.json (coalesced: at most one write in flight). */
  saveMeta(snapshot: () => MetaSnapshot, immediate = false): Promise<void> {
    this.metaPending = snapshot;
    if (immediate) return this.writeMetaNow();
    this.metaTimer ??= setTimeout(() => void this.writeMetaNow(), 25);
    return this.metaChain;
  }

  writeMetaNow(): Promise<void> {
    if (this.metaTimer) clearTimeout(this.metaTimer);
    this.metaTimer = undefined;
    const pending = this.metaPending;
    this.metaPending = undefined;
    if (pending) {
      const data = JSON.stringify(pending());
      this.metaChain = this.metaChain.then(() => writeFileAtomic(path.join(this.dir, 'meta.json'), data));
    }
    return this.metaChain;
  }

  async readMeta(): Promise<MetaSnapshot | undefined> {
    try {
      return JSON.parse(await fsp.readFile(path.join(this.dir, 'meta.json'), 'utf8')) as MetaSnapshot;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Replays an app's log into `into` and compacts the log to the resulting puts. */
  async loadEndpoints(appId: string, into: Map<string, string>): Promise<void> {
    const file = this.logFile(appId);
    if (!fs.existsSync(file)) return;
    for await (const { text } of readLines(fs.createReadStream(file), { maxLineBytes: 64 * 1024 * 1024 })) {
      const tab = text.indexOf('\t');
      if (tab < 0) continue;
      let id: string;
      try {
        id = JSON.parse(text.slice(0, tab)) as string;
      } catch {
        continue;
      }
      const json = text.slice(tab + 1);
      if (json === '') into.delete(id);
      else if (json.endsWith('}')) into.set(id, json);
    }
    await this.writeEndpoints(file, into);
  }

  private async writeEndpoints(file: string, endpoints: Map<string, string>): Promise<void> {
    const tmp = `${file}.${process.pid}.tmp`;
    const out = fs.createWriteStream(tmp);
    for (const [id, json] of endpoints) {
      if (!out.write(`${JSON.stringify(id)}\t${json}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await fsp.rename(tmp, file);
  }

  async saveSegmentMembers(segmentId: string, seg: SegmentState): Promise<void> {
    const lines: string[] = [];
    for (const [id, version] of seg.members ?? []) {
      const priv = seg.privateEndpoints?.get(id);
      lines.push(`${JSON.stringify(id)}\t${version}${priv ? `\t${priv}` : ''}\n`);
    }
    await writeFileAtomic(this.segmentFile(segmentId), lines.join(''));
  }

  async loadSegmentMembers(segmentId: string, seg: SegmentState): Promise<void> {
    const file = this.segmentFile(segmentId);
    if (!fs.existsSync(file)) return;
    seg.members = new Map();
    for await (const { text } of readLines(fs.createReadStream(file), { maxLineBytes: 64 * 1024 * 1024 })) {
      const [idJson, version, ...rest] = text.split('\t');
      if (!idJson || !version) continue;
      const id = JSON.parse(idJson) as string;
      seg.members.set(id, Number(version));
      if (rest.length > 0) (seg.privateEndpoints ??= new Map()).set(id, rest.join('\t'));
    }
  }

  async removeApp(appId: string, segmentIds: string[]): Promise<void> {
    await this.logs.get(appId)?.flush();
    this.logs.delete(appId);
    await fsp.rm(this.logFile(appId), { force: true });
    await Promise.all(segmentIds.map((id) => fsp.rm(this.segmentFile(id), { force: true })));
  }

  async wipe(): Promise<void> {
    await this.flushEndpoints();
    this.logs.clear();
    await fsp.rm(path.join(this.dir, 'apps'), { recursive: true, force: true });
    await fsp.rm(path.join(this.dir, 'segments'), { recursive: true, force: true });
    fs.mkdirSync(path.join(this.dir, 'apps'), { recursive: true });
    fs.mkdirSync(path.join(this.dir, 'segments'), { recursive: true });
  }

  async close(): Promise<void> {
    await this.flushEndpoints();
    await this.writeMetaNow();
    this.unlock();
  }
}
