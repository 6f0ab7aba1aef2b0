/**
 * A processing thread (src/engine/line-threads.ts) starts whatever the process's working directory: the thread loads
 * the TypeScript worker file through tsx, found from the engine's own folder — an installed `audienceflow worker`
 * runs from any directory, where no node_modules holds tsx. Real worker threads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineThread } from '../../src/engine/line-threads';

test('a thread started from a working directory without node_modules processes its input', async () => {
  const home = process.cwd();
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'cwd-'));
  let thread: LineThread | undefined;
  process.chdir(elsewhere);
  try {
    thread = new LineThread({
      gzipped: false,
      codec: { kind: 'endpoint-file', format: 'JSON' },
      maxPartBytes: 1 << 20,
    });
    const line = JSON.stringify({ Id: 'e-1', ChannelType: 'EMAIL', Address: 'someone@example.com' });
    // The answer comes once the thread has loaded its file: only then may the working directory change back.
    const pushed = await thread.send({ chunk: Buffer.from(`${line}\n`) }, []);
    const ended = await thread.send({ end: true }, []);
    expect(pushed.counts.read + ended.counts.read).toBe(1);
    expect(pushed.counts.written + ended.counts.written).toBe(1);
  } finally {
    process.chdir(home);
    await thread?.close();
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});
