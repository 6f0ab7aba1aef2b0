import { Writable } from 'node:stream';
import type { PollHeartbeat, TransferHeartbeat } from '../../src/contracts';
import {
  PlainProgressView,
  createProgressView,
  formatProgressLine,
  mergeProgress,
  progressFraction,
  BarProgressView,
} from '../../src/cli/progress-view';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const poll: PollHeartbeat = {
  jobId: 'job-7',
  state: 'RUNNING',
  rawStatus: 'IN_PROGRESS',
  counters: { totalPieces: 4, completedPieces: 1, totalProcessed: 500, totalFailures: 2 },
  polls: 3,
  nextPollInMs: 2000,
};

describe('progress snapshot', () => {
  it('uses the query answer when no activity heartbeats', () => {
    const s = mergeProgress(
      { pipeline: 'export', phase: 'listing', jobId: 'j', jobStatus: 'COMPLETED', pieces: { completed: 2, total: 2 } },
      [],
    );
    expect(s).toEqual({
      pipeline: 'export',
      phase: 'listing',
      jobId: 'j',
      jobStatus: 'COMPLETED',
      pieces: { completed: 2, total: 2 },
    });
    expect(progressFraction(s)).toBe(1);
  });

  it('prefers the fresher heartbeat of the wait activity', () => {
    const s = mergeProgress({ pipeline: 'import', phase: 'waiting', jobId: 'job-7', jobStatus: 'CREATED' }, [poll]);
    expect(s.jobStatus).toBe('IN_PROGRESS');
    expect(s.pieces).toEqual({ completed: 1, total: 4 });
    expect(s.processed).toBe(500);
    expect(s.failed).toBe(2);
    expect(progressFraction(s)).toBe(0.25);
    expect(formatProgressLine(s)).toBe('waiting · job job-7 IN_PROGRESS · pieces 1/4 · processed 500 · failed 2');
  });

  it('adds up parallel transfer heartbeats', () => {
    const t = (done: number, total: number): TransferHeartbeat => ({
      bytesDone: done,
      bytesTotal: total,
      filesDone: 0,
      filesTotal: 1,
      records: 10,
    });
    const s = mergeProgress({ pipeline: 'sync', phase: 'transferring' }, [t(1_000, 4_000), t(1_000, 4_000)]);
    expect(s.bytes).toEqual({ done: 2_000, total: 8_000 });
    expect(s.files).toEqual({ done: 0, total: 2 });
    expect(s.records).toBe(20);
    expect(progressFraction(s)).toBe(0.25);
    expect(formatProgressLine(s)).toBe('transferring · files 0/2 · records 20 · 2.0 kB / 8.0 kB');
  });

  it('starts from "starting" with nothing known', () => {
    const s = mergeProgress(undefined, [undefined, 'garbage']);
    expect(s).toEqual({ phase: 'starting' });
    expect(progressFraction(s)).toBeUndefined();
  });
});

describe('progress views', () => {
  it('prints plain lines without ANSI, only when something changed', () => {
    const out = new Capture();
    const view = new PlainProgressView(out);
    view.update({ phase: 'waiting', jobId: 'j', jobStatus: 'CREATED' });
    view.update({ phase: 'waiting', jobId: 'j', jobStatus: 'CREATED' });
    view.update({ phase: 'waiting', jobId: 'j', jobStatus: 'IN_PROGRESS' });
    view.stop();
    const lines = out.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d+ ms\] waiting · job j CREATED$/);
    expect(lines[1]).toMatch(/job j IN_PROGRESS$/);
    expect(out.text.includes(String.fromCharCode(27))).toBe(false);
  });

  it('picks the bar only for a terminal', () => {
    const tty = Object.assign(new Capture(), { isTTY: true });
    expect(createProgressView(new Capture())).toBeInstanceOf(PlainProgressView);
    expect(createProgressView(tty)).toBeInstanceOf(BarProgressView);
  });
});
