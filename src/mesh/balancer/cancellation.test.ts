import { describe, expect, it } from 'vitest';
import { Balancer } from './balancer.js';
import { Cancellation } from './cancellation.js';

const balancer = () => new Balancer({ maxInFlight: 4, maxQueue: 4, failureThreshold: 3, openMs: 1000, alpha: 0.3 });

describe('Cancellation', () => {
  it('aborts the attempt in flight with its reason, as an AbortSignal would', async () => {
    const gone = new Cancellation();
    const seen: unknown[] = [];
    const call = balancer().call(
      [{ instanceId: 'a' }],
      (_i, signal) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            seen.push(signal.reason);
            reject(signal.reason);
          });
        }),
      { retries: 2, idempotent: true, deadlineMs: Date.now() + 10_000, signal: gone },
    );
    const why = new Error('the client went away');
    setImmediate(() => gone.abort(why));
    await expect(call).rejects.toBe(why);
    expect(seen).toEqual([why]);
    expect(gone.aborted).toBe(true);
  });

  it('calls a listener at most once, and never one that was removed', () => {
    const gone = new Cancellation();
    let kept = 0;
    let removed = 0;
    const keep = () => kept++;
    const drop = () => removed++;
    gone.addEventListener('abort', keep);
    gone.addEventListener('abort', drop);
    gone.removeEventListener('abort', drop);
    gone.abort('first');
    gone.abort('second');
    expect([kept, removed, gone.reason]).toEqual([1, 0, 'first']);
  });
});
