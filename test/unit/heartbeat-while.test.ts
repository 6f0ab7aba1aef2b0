/** heartbeatWhile (activities/support/heartbeat.ts): a slow remote call keeps heartbeating; a hung one is given up. */
import { heartbeatWhile } from '../../activities/support/heartbeat';

function fakeContext() {
  const beats: unknown[] = [];
  const cancel = new AbortController();
  return { beats, cancel, ctx: { heartbeat: (d?: unknown) => void beats.push(d), cancellationSignal: cancel.signal } };
}

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('heartbeatWhile', () => {
  it('heartbeats the latest details while a call is slower than the heartbeat interval', async () => {
    const { beats, ctx } = fakeContext();
    let details = { polls: 1 };
    const answer = await heartbeatWhile(
      ctx,
      () => details,
      async () => {
        await after(250, undefined);
        details = { polls: 2 };
        return after(300, 'SUCCEEDED');
      },
      { everyMs: 100 },
    );
    expect(answer).toBe('SUCCEEDED');
    expect(beats.length).toBeGreaterThanOrEqual(4);
    expect(beats[0]).toEqual({ polls: 1 });
    expect(beats[beats.length - 1]).toEqual({ polls: 2 });
  });

  it('stops heartbeating once the call has answered', async () => {
    const { beats, ctx } = fakeContext();
    await heartbeatWhile(
      ctx,
      () => 'd',
      () => after(150, 1),
      { everyMs: 50 },
    );
    const count = beats.length;
    await after(200, undefined);
    expect(beats).toHaveLength(count);
  });

  it('aborts a call that gets no answer within the time limit and says which call, so the activity is retried', async () => {
    const { ctx } = fakeContext();
    let seen: AbortSignal | undefined;
    const hung = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    await expect(heartbeatWhile(ctx, () => 'd', hung, { everyMs: 50, timeoutMs: 200, what: 'GetJob' })).rejects.toThrow(
      'GetJob got no answer within 0.2 s; it will be retried',
    );
    expect(seen?.aborted).toBe(true);
  });

  it("passes the activity's cancellation on to the call and rethrows the call's own error", async () => {
    const { cancel, ctx } = fakeContext();
    const call = (signal: AbortSignal) =>
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('cancelled by caller'))),
      );
    const running = heartbeatWhile(ctx, () => 'd', call, { everyMs: 50, timeoutMs: 10_000 });
    cancel.abort();
    await expect(running).rejects.toThrow('cancelled by caller');
  });
});
