/**
 * The in-process bus (the embedded default): one retained stream of messages, consumers with
 * positions, at-least-once delivery with redelivery on handler failure, durable consumers that
 * keep their position across unsubscribe, replay from a sequence or a time, and publish-side
 * deduplication by message id. Nothing survives the process: that is what the NATS bus is for.
 */
import { randomUUID } from 'node:crypto';
import { InvalidRequestError } from '../../errors.js';
import { checkSubject, subjectMatcher, type SubjectMatcher } from '../subject.js';
import type { Bus, BusHandler, BusJson, BusMessage, PublishAck, PublishOptions, ReplayFrom, SubscribeOptions, Subscription } from '../types.js';

/** Options of the in-process bus. */
export interface MemoryBusOptions {
  /** Messages kept for replay (oldest dropped first; default 100 000). */
  maxMessages?: number;
  /** Window in which a repeated message id is a duplicate, ms (default 120 000, like JetStream). */
  duplicateWindowMs?: number;
  /** Clock, ms since the epoch. */
  now?: () => number;
}

interface Stored {
  subject: string;
  data: BusJson;
  id: string;
  seq: number;
  publishedAt: number;
}

interface Pending {
  m: Stored;
  deliveries: number;
}

interface Attached {
  handler: BusHandler<BusJson>;
  concurrency: number;
  inFlight: number;
}

class Consumer {
  readonly queue: Pending[] = [];
  head = 0;
  readonly subs: Attached[] = [];
  rr = 0;
  scheduled = false;
  constructor(
    readonly name: string | null,
    readonly matcher: SubjectMatcher,
    readonly maxDeliver: number,
    readonly retryDelayMs: number,
    readonly onDeadLetter: SubscribeOptions['onDeadLetter'],
  ) {}
  get backlog(): number {
    return this.queue.length - this.head;
  }
}

const DURABLE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The in-process bus.
 * @example
 * ```ts
 * const bus = new MemoryBus();
 * await bus.subscribe('jobs.>', (m) => console.log(m.subject, m.data), { durable: 'workers' });
 * await bus.publish('jobs.resize', { file: 'a.png' }, { id: 'job-1' });
 * ```
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly log: Stored[] = [];
  private logHead = 0;
  private seq = 0;
  private readonly seen = new Map<string, { seq: number; at: number }>();
  private readonly consumers = new Set<Consumer>();
  private readonly durables = new Map<string, Consumer>();
  private readonly bySubject = new Map<string, Consumer[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly maxMessages: number;
  private readonly window: number;
  private readonly now: () => number;
  private closed = false;
  private burst = 0;
  private yielding = false;

  constructor(opts: MemoryBusOptions = {}) {
    this.maxMessages = opts.maxMessages ?? 100_000;
    this.window = opts.duplicateWindowMs ?? 120_000;
    this.now = opts.now ?? Date.now;
  }

  /** Messages waiting for (or being redelivered to) consumers, by consumer name (`~n` for ephemeral ones). */
  backlog(): Record<string, number> {
    const out: Record<string, number> = {};
    let i = 0;
    for (const c of this.consumers) out[c.name ?? `~${i++}`] = c.backlog;
    return out;
  }

  /** @inheritDoc */
  async publish<T extends BusJson>(subject: string, data: T, opts: PublishOptions = {}): Promise<PublishAck> {
    return this.publishNow(subject, data, opts);
  }

  /** `publish` without the promise (for hot in-process paths). */
  publishNow(subject: string, data: BusJson, opts: PublishOptions = {}): PublishAck {
    if (this.closed) throw new InvalidRequestError('the bus is closed');
    checkSubject(subject);
    const at = this.now();
    if (opts.id !== undefined) {
      const prev = this.seen.get(opts.id);
      if (prev && at - prev.at < this.window) return { seq: prev.seq, duplicate: true };
    }
    const m: Stored = { subject, data, id: opts.id ?? randomUUID(), seq: ++this.seq, publishedAt: at };
    if (opts.id !== undefined) {
      this.seen.set(opts.id, { seq: m.seq, at });
      if (this.seen.size > 4 * this.maxMessages) this.pruneSeen(at);
    }
    this.log.push(m);
    if (this.log.length - this.logHead > this.maxMessages) this.logHead++;
    if (this.logHead > 4096 && this.logHead * 2 > this.log.length) {
      this.log.splice(0, this.logHead);
      this.logHead = 0;
    }
    for (const c of this.matching(subject)) {
      c.queue.push({ m, deliveries: 0 });
      this.pump(c);
    }
    return { seq: m.seq, duplicate: false };
  }

  /** @inheritDoc */
  async subscribe<T extends BusJson = BusJson>(subject: string, handler: BusHandler<T>, opts: SubscribeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new InvalidRequestError('the bus is closed');
    const matcher = subjectMatcher(subject);
    let c: Consumer | undefined;
    if (opts.durable !== undefined) {
      if (!DURABLE.test(opts.durable)) throw new InvalidRequestError(`durable consumer name '${opts.durable}' must match ${DURABLE}`, { param: 'durable' });
      c = this.durables.get(opts.durable);
      if (c && c.matcher.pattern !== subject)
        throw new InvalidRequestError(`durable consumer '${opts.durable}' reads '${c.matcher.pattern}', not '${subject}'; delete it first`, { param: 'durable' });
    }
    if (!c) {
      c = new Consumer(opts.durable ?? null, matcher, opts.maxDeliver ?? 5, opts.retryDelayMs ?? 100, opts.onDeadLetter);
      this.replay(c, opts.from ?? 'new');
      this.consumers.add(c);
      if (opts.durable !== undefined) this.durables.set(opts.durable, c);
      this.bySubject.clear();
    }
    const a: Attached = { handler: handler as BusHandler<BusJson>, concurrency: Math.max(1, opts.concurrency ?? 1), inFlight: 0 };
    c.subs.push(a);
    this.pump(c);
    const consumer = c;
    return {
      subject,
      unsubscribe: async () => {
        const i = consumer.subs.indexOf(a);
        if (i >= 0) consumer.subs.splice(i, 1);
        if (consumer.name === null && consumer.subs.length === 0) this.drop(consumer);
      },
    };
  }

  /** @inheritDoc */
  async deleteDurable(name: string): Promise<void> {
    const c = this.durables.get(name);
    if (!c) return;
    this.durables.delete(name);
    c.subs.length = 0;
    this.drop(c);
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.consumers) c.subs.length = 0;
    this.consumers.clear();
    this.durables.clear();
    this.bySubject.clear();
  }

  private drop(c: Consumer): void {
    this.consumers.delete(c);
    this.bySubject.clear();
  }

  private matching(subject: string): Consumer[] {
    let list = this.bySubject.get(subject);
    if (!list) {
      list = [];
      for (const c of this.consumers) if (c.matcher.matches(subject)) list.push(c);
      if (this.bySubject.size > 50_000) this.bySubject.clear();
      this.bySubject.set(subject, list);
    }
    return list;
  }

  private replay(c: Consumer, from: ReplayFrom): void {
    if (from === 'new') return;
    for (let i = this.logHead; i < this.log.length; i++) {
      const m = this.log[i]!;
      const ok = from === 'all' || ('seq' in from ? m.seq >= from.seq : m.publishedAt >= from.time);
      if (ok && c.matcher.matches(m.subject)) c.queue.push({ m, deliveries: 0 });
    }
  }

  private pump(c: Consumer): void {
    if (c.scheduled || c.subs.length === 0 || c.backlog === 0) return;
    c.scheduled = true;
    const run = (): void => {
      c.scheduled = false;
      this.deliver(c);
    };
    // Deliveries chain as microtasks; after a burst, yield to the event loop so timers and I/O
    // are not starved by a publish → handle → publish loop.
    if (++this.burst < 2048) queueMicrotask(run);
    else {
      if (!this.yielding) {
        this.yielding = true;
        setImmediate(() => {
          this.yielding = false;
          this.burst = 0;
        });
      }
      setImmediate(run);
    }
  }

  private deliver(c: Consumer): void {
    while (c.backlog > 0 && this.consumers.has(c)) {
      const a = this.nextSubscriber(c);
      if (!a) return;
      const p = c.queue[c.head]!;
      c.queue[c.head++] = undefined as unknown as Pending;
      if (c.head > 1024 && c.head * 2 > c.queue.length) {
        c.queue.splice(0, c.head);
        c.head = 0;
      }
      p.deliveries++;
      a.inFlight++;
      const msg: BusMessage<BusJson> = { subject: p.m.subject, data: p.m.data, id: p.m.id, seq: p.m.seq, deliveries: p.deliveries, publishedAt: p.m.publishedAt };
      let r: void | Promise<void>;
      try {
        r = a.handler(msg);
      } catch (e) {
        this.settle(c, a, p, msg, e);
        continue;
      }
      if (r && typeof (r as Promise<void>).then === 'function')
        (r as Promise<void>).then(
          () => this.settle(c, a, p, msg, undefined, true),
          (e: unknown) => this.settle(c, a, p, msg, e ?? new Error('handler failed')),
        );
      else this.settle(c, a, p, msg, undefined, false);
    }
  }

  private settle(c: Consumer, a: Attached, p: Pending, msg: BusMessage<BusJson>, err: unknown, repump = true): void {
    a.inFlight--;
    if (err !== undefined) {
      if (p.deliveries >= c.maxDeliver) c.onDeadLetter?.(msg, err);
      else {
        const t = setTimeout(() => {
          this.timers.delete(t);
          if (!this.consumers.has(c)) return;
          c.queue.splice(c.head, 0, p);
          this.pump(c);
        }, c.retryDelayMs);
        t.unref();
        this.timers.add(t);
      }
    }
    if (repump) this.pump(c);
  }

  private nextSubscriber(c: Consumer): Attached | null {
    const n = c.subs.length;
    for (let k = 0; k < n; k++) {
      const a = c.subs[(c.rr + k) % n]!;
      if (a.inFlight < a.concurrency) {
        c.rr = (c.rr + k + 1) % n;
        return a;
      }
    }
    return null;
  }

  private pruneSeen(at: number): void {
    for (const [id, s] of this.seen) if (at - s.at >= this.window) this.seen.delete(id);
  }
}
