/**
 * The Bus: publish/subscribe on dot-separated subjects (`market.needs.sku-7`), with NATS-style
 * wildcards (`*` one token, `>` the rest). Two implementations behind this one interface:
 * `memory/` (in-process, the embedded default) and `nats/` (NATS JetStream, `DACA_NATS_URL`).
 *
 * Delivery is at-least-once: a handler that throws gets the message again (up to `maxDeliver`),
 * and a durable consumer resumes after the last message it acknowledged. So handlers must be
 * idempotent; `idempotent()` (see idempotent.ts) dedupes by message id.
 */

/** A JSON value (what messages carry). */
export type BusJson = string | number | boolean | null | BusJson[] | { [key: string]: BusJson };

/** One delivered message. */
export interface BusMessage<T = BusJson> {
  /** The subject it was published on. */
  readonly subject: string;
  /** The payload (JSON). */
  readonly data: T;
  /** The publisher's message id (idempotency key); generated when the publisher gave none. */
  readonly id: string;
  /** Position in the bus's stream (1, 2, …): what replay starts from. */
  readonly seq: number;
  /** How many times this consumer has received it (1 on the first delivery). */
  readonly deliveries: number;
  /** When it was published, ms since the epoch. */
  readonly publishedAt: number;
}

/** Options of `publish`. */
export interface PublishOptions {
  /**
   * Message id. A second publish with the same id inside the duplicate window is dropped
   * (`duplicate: true`), so a publisher may retry safely.
   */
  id?: string;
}

/** What `publish` returns. */
export interface PublishAck {
  /** Stream sequence of the message (of the first copy when `duplicate`). */
  seq: number;
  /** True when the id was seen inside the duplicate window and nothing was stored. */
  duplicate: boolean;
}

/** Where a new consumer starts reading. */
export type ReplayFrom = 'new' | 'all' | { seq: number } | { time: number };

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /**
   * Durable consumer name (`[A-Za-z0-9_-]+`). Its position survives unsubscribe, restarts and
   * (on NATS) other processes: messages published while nobody listened are delivered on the next
   * subscribe. Subscribers sharing a durable name share its messages (a work queue).
   */
  durable?: string;
  /** Where a new consumer starts (default `new`; a durable that exists keeps its position). */
  from?: ReplayFrom;
  /** Deliveries before a failing message is given up (default 5). */
  maxDeliver?: number;
  /** Delay before redelivering a message whose handler threw, ms (default 100). */
  retryDelayMs?: number;
  /** Messages handled at once by this subscription (default 1: in order). */
  concurrency?: number;
  /** Called with a message that failed `maxDeliver` times (it is then dropped). */
  onDeadLetter?: (m: BusMessage<BusJson>, error: unknown) => void;
}

/** A handler: resolving acknowledges the message; throwing asks for a redelivery. */
export type BusHandler<T = BusJson> = (m: BusMessage<T>) => void | Promise<void>;

/** A live subscription. */
export interface Subscription {
  /** The subject (pattern) subscribed to. */
  readonly subject: string;
  /** Stops delivery; a durable consumer keeps its position for the next subscribe. */
  unsubscribe(): Promise<void>;
}

/**
 * A message bus.
 *
 * @example
 * ```ts
 * const bus = await openBus();                     // NATS when DACA_NATS_URL is set
 * await bus.subscribe('market.needs.*', async (m) => match(m.data), { durable: 'mediators' });
 * await bus.publish('market.needs.sku-7', { buyer: 'b1', qty: 2 }, { id: 'need-b1-1' });
 * ```
 */
export interface Bus {
  /** `memory` or `nats`. */
  readonly kind: 'memory' | 'nats';
  /** Publishes `data` on `subject` (no wildcards). Resolves once the bus has stored it. */
  publish<T extends BusJson>(subject: string, data: T, opts?: PublishOptions): Promise<PublishAck>;
  /** Subscribes `handler` to `subject` (wildcards allowed). */
  subscribe<T extends BusJson = BusJson>(subject: string, handler: BusHandler<T>, opts?: SubscribeOptions): Promise<Subscription>;
  /** Removes a durable consumer and its position. */
  deleteDurable(name: string): Promise<void>;
  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}
