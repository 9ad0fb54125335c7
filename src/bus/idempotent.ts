/**
 * Idempotent handlers for at-least-once delivery: a message id (or any key) is claimed before the
 * handler runs; a redelivered or duplicated message finds it claimed and is acknowledged without
 * running again. A handler that fails releases its claim, so the redelivery does run.
 */
import type { BusHandler, BusJson, BusMessage } from './types.js';

/** Where claims are kept (in memory here; a Store table or KV bucket for claims that outlive the process). */
export interface IdempotencyStore {
  /** True when `key` was not claimed before (the caller now owns it). */
  claim(key: string): boolean | Promise<boolean>;
  /** Gives a claim back (the work failed and may be retried). */
  release(key: string): void | Promise<void>;
}

/**
 * Claims in memory, the oldest forgotten beyond `max`.
 * @example
 * ```ts
 * const seen = new MemoryIdempotency(10_000);
 * seen.claim('m-1'); // true
 * seen.claim('m-1'); // false
 * ```
 */
export class MemoryIdempotency implements IdempotencyStore {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 100_000) {}

  /** @inheritDoc */
  claim(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }

  /** @inheritDoc */
  release(key: string): void {
    this.keys.delete(key);
  }

  /** Keys claimed now. */
  get size(): number {
    return this.keys.size;
  }
}

/**
 * Wraps `handler` so each message key runs it at most once (successfully).
 * @example
 * ```ts
 * await bus.subscribe('payments.>', idempotent(async (m) => pay(m.data)), { durable: 'payer' });
 * ```
 */
export function idempotent<T extends BusJson = BusJson>(
  handler: BusHandler<T>,
  store: IdempotencyStore = new MemoryIdempotency(),
  keyOf: (m: BusMessage<T>) => string = (m) => m.id,
): BusHandler<T> {
  return async (m) => {
    const key = keyOf(m);
    if (!(await store.claim(key))) return;
    try {
      await handler(m);
    } catch (e) {
      await store.release(key);
      throw e;
    }
  };
}
