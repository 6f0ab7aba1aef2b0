/** Children a test process started are killed when it exits, even after a failed test. */
const pids = new Set<number>();
let installed = false;

export function killOnExit(pid: number): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', () => {
      for (const p of pids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone already */
        }
      }
    });
  }
  pids.add(pid);
  return () => pids.delete(pid);
}

/** Visible evidence in the test output of which real servers a test file started. */
export function say(line: string): void {
  if (process.env.AUDIENCEFLOW_QUIET_HARNESS !== '1') process.stderr.write(`[harness] ${line}\n`);
}
