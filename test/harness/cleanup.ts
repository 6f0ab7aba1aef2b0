/**
 * Children a test process started are killed when it ends — normally, after a failed test, or
 * when Jest stops the worker with a signal — so no server outlives the run.
 */
import fs from 'node:fs';

const pids = new Set<number>();
let installed = false;

function killAll(): void {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
  pids.clear();
}

export function killOnExit(pid: number): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', killAll);
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.once(signal, () => {
        killAll();
        process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
      });
    }
  }
  if (pid > 0) pids.add(pid);
  return () => pids.delete(pid);
}

/**
 * Pids of this process's direct children whose command line contains every one of `needles`
 * (Linux /proc). Used to find the Temporal dev server the SDK spawned for us.
 */
export function ownChildrenMatching(...needles: string[]): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      if (needles.every((n) => cmd.includes(n))) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** Visible evidence in the test output of which real servers a test file started. */
export function say(line: string): void {
  if (process.env.AUDIENCEFLOW_QUIET_HARNESS !== '1') process.stderr.write(`[harness] ${line}\n`);
}
