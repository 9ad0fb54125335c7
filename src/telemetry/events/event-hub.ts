/**
 * The EventHub: in-process publish/subscribe for live dashboards (`GET /api/events`).
 *
 * Publishers call `publish(type, data)`; each event is serialised once as an SSE frame and queued
 * to every subscriber. A subscriber's queue is bounded: when a slow client lags, new events are
 * dropped for it (and counted) instead of growing memory, and once it catches up it receives one
 * `event: dropped` frame saying how many it missed. Publishing never blocks and never throws.
 */

/** Options of an {@link EventHub}. */
export interface EventHubOptions {
  /** Frames buffered per subscriber before new ones are dropped (default 1000). */
  maxBuffered?: number;
}

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Only these event types (default: all). */
  types?: readonly string[];
  /** Overrides the hub's per-subscriber bound. */
  maxBuffered?: number;
}

/** One subscriber's bounded queue of SSE frames. */
export class Subscription {
  private queue: string[] = [];
  private waiter: ((frame: string | null) => void) | null = null;
  private unreported = 0;
  private closed = false;
  /** Events dropped for this subscriber because its queue was full. */
  dropped = 0;

  /** @internal */
  constructor(
    private readonly max: number,
    private readonly types: ReadonlySet<string> | null,
    private readonly onClose: (s: Subscription) => void,
  ) {}

  /** @internal Queues a frame (or drops it when the queue is full). Returns false when dropped. */
  offer(type: string, frame: string): boolean {
    if (this.closed || (this.types && !this.types.has(type))) return true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(frame);
      return true;
    }
    if (this.queue.length >= this.max) {
      this.dropped++;
      this.unreported++;
      return false;
    }
    this.queue.push(frame);
    return true;
  }

  /** Queues an SSE comment (`: ping`) when nothing else is waiting, to keep idle connections open. */
  heartbeat(): void {
    if (this.closed || this.queue.length > 0) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(': ping\n\n');
    } else this.queue.push(': ping\n\n');
  }

  /** Frames waiting to be read. */
  get buffered(): number {
    return this.queue.length;
  }

  /**
   * The next SSE frame, waiting for one if needed; null once the subscription is closed.
   *
   * @example
   * ```ts
   * for (let f = await sub.next(); f !== null; f = await sub.next()) res.write(f);
   * ```
   */
  next(): Promise<string | null> {
    const f = this.queue.shift();
    if (f !== undefined) return Promise.resolve(f);
    if (this.unreported > 0) {
      const n = this.unreported;
      this.unreported = 0;
      return Promise.resolve(sseFrame('dropped', JSON.stringify({ dropped: n, total: this.dropped })));
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Ends the subscription; a pending `next()` resolves to null. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    const w = this.waiter;
    this.waiter = null;
    w?.(null);
    this.onClose(this);
  }
}

/**
 * Fan-out of live events to SSE subscribers.
 *
 * @example
 * ```ts
 * const hub = new EventHub();
 * const sub = hub.subscribe({ types: ['alert'] });
 * hub.publish('alert', { rule: 'big-spender' });
 * await sub.next(); // 'event: alert\nid: 1\ndata: {"rule":"big-spender"}\n\n'
 * ```
 */
export class EventHub {
  private readonly subs = new Set<Subscription>();
  private readonly max: number;
  private seq = 0;
  /** Events dropped across all subscribers. */
  droppedTotal = 0;
  /** Events published. */
  published = 0;

  constructor(opts: EventHubOptions = {}) {
    this.max = Math.max(1, opts.maxBuffered ?? 1000);
  }

  /** Current subscribers. */
  get subscribers(): number {
    return this.subs.size;
  }

  /** Publishes an event to every subscriber; serialises only when someone listens. */
  publish(type: string, data: unknown): void {
    this.published++;
    this.seq++;
    if (this.subs.size === 0) return;
    let json: string;
    try {
      json = JSON.stringify(data);
    } catch {
      return;
    }
    const frame = sseFrame(type, json, this.seq);
    for (const s of this.subs) if (!s.offer(type, frame)) this.droppedTotal++;
  }

  /** Adds a subscriber. Close it when the client goes away. */
  subscribe(opts: SubscribeOptions = {}): Subscription {
    const s = new Subscription(opts.maxBuffered ?? this.max, opts.types ? new Set(opts.types) : null, (x) => this.subs.delete(x));
    this.subs.add(s);
    return s;
  }

  /** Closes every subscription (shutdown). */
  close(): void {
    for (const s of [...this.subs]) s.close();
  }
}

/** One SSE frame (`data` must be a single line, as JSON is). */
export function sseFrame(type: string, data: string, id?: number): string {
  return `event: ${type}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${data}\n\n`;
}
