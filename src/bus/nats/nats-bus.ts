/**
 * The bus on NATS JetStream (`DACA_NATS_URL`): one stream holds every subject under a prefix;
 * a subscription is a JetStream pull consumer (durable when named) with explicit acks, so
 * delivery is at-least-once, a durable consumer resumes where it left off (in this process or
 * another), messages replay from a sequence or a time, and a publish carrying an id is
 * deduplicated by the stream (`Nats-Msg-Id`).
 */
import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerConfig, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { InvalidRequestError, UpstreamUnavailableError } from '../../errors.js';
import { checkSubject, checkPattern } from '../subject.js';
import type { Bus, BusHandler, BusJson, BusMessage, PublishAck, PublishOptions, ReplayFrom, SubscribeOptions, Subscription } from '../types.js';

/** Options of the NATS bus. */
export interface NatsBusOptions {
  /** JetStream stream name (default `DACA_BUS`). */
  stream?: string;
  /** Subject prefix inside NATS (default `daca`): bus subject `a.b` is NATS subject `daca.a.b`. */
  prefix?: string;
  /** Messages the stream keeps (default 1 000 000). */
  maxMessages?: number;
  /** Oldest message age kept, ms (default 7 days). */
  maxAgeMs?: number;
  /** Publish deduplication window, ms (default 120 000). */
  duplicateWindowMs?: number;
  /** Redelivery of a message whose handler neither acked nor failed (process died), ms (default 30 000). */
  ackWaitMs?: number;
}

const DURABLE = /^[A-Za-z0-9_-]{1,64}$/;
const ID_HEADER = 'Nats-Msg-Id';

interface Live {
  iter: ConsumerMessages;
  name: string;
  ephemeral: boolean;
}

/**
 * The NATS JetStream bus.
 * @example
 * ```ts
 * const bus = await NatsBus.connect('nats://127.0.0.1:4222');
 * await bus.subscribe('market.needs.>', handle, { durable: 'mediators', from: 'all' });
 * ```
 */
export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private readonly live = new Set<Live>();
  private readonly prefix: string;
  private readonly ackWaitMs: number;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
    opts: NatsBusOptions,
  ) {
    this.prefix = opts.prefix ?? 'daca';
    this.ackWaitMs = opts.ackWaitMs ?? 30_000;
  }

  /** Connects and creates the stream when missing. */
  static async connect(url: string, opts: NatsBusOptions = {}): Promise<NatsBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: url.split(',').map((s) => s.trim()), name: 'daca-bus' });
    } catch (e) {
      throw new UpstreamUnavailableError(`NATS is unreachable at ${url}: ${(e as Error).message}`, { cause: e });
    }
    const jsm = await jetstreamManager(nc);
    const stream = opts.stream ?? 'DACA_BUS';
    const prefix = opts.prefix ?? 'daca';
    checkSubject(prefix);
    const cfg = {
      name: stream,
      subjects: [`${prefix}.>`],
      max_msgs: opts.maxMessages ?? 1_000_000,
      max_age: nanos(opts.maxAgeMs ?? 7 * 86_400_000),
      duplicate_window: nanos(opts.duplicateWindowMs ?? 120_000),
    };
    try {
      await jsm.streams.info(stream);
    } catch {
      await jsm.streams.add(cfg);
    }
    return new NatsBus(nc, jetstream(nc), jsm, stream, opts);
  }

  /** @inheritDoc */
  async publish<T extends BusJson>(subject: string, data: T, opts: PublishOptions = {}): Promise<PublishAck> {
    checkSubject(subject);
    const h = natsHeaders();
    const id = opts.id ?? randomUUID();
    h.set(ID_HEADER, id);
    const ack = await this.js.publish(`${this.prefix}.${subject}`, JSON.stringify(data), { msgID: id, headers: h });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  /** @inheritDoc */
  async subscribe<T extends BusJson = BusJson>(subject: string, handler: BusHandler<T>, opts: SubscribeOptions = {}): Promise<Subscription> {
    checkPattern(subject);
    const filter = `${this.prefix}.${subject}`;
    const maxDeliver = opts.maxDeliver ?? 5;
    let name: string;
    const ephemeral = opts.durable === undefined;
    if (!ephemeral) {
      name = opts.durable!;
      if (!DURABLE.test(name)) throw new InvalidRequestError(`durable consumer name '${name}' must match ${DURABLE}`, { param: 'durable' });
      const existing = await this.jsm.consumers.info(this.stream, name).catch(() => null);
      if (existing && existing.config.filter_subject !== filter)
        throw new InvalidRequestError(`durable consumer '${name}' reads '${existing.config.filter_subject?.slice(this.prefix.length + 1)}', not '${subject}'; delete it first`, { param: 'durable' });
      if (!existing) await this.jsm.consumers.add(this.stream, { ...this.consumerConfig(filter, opts.from ?? 'new', maxDeliver), durable_name: name });
    } else {
      name = `eph_${randomUUID().replaceAll('-', '')}`;
      await this.jsm.consumers.add(this.stream, { ...this.consumerConfig(filter, opts.from ?? 'new', maxDeliver), name, inactive_threshold: nanos(60_000) });
    }
    const consumer = await this.js.consumers.get(this.stream, name);
    const iter = await consumer.consume({ max_messages: Math.max(16, (opts.concurrency ?? 1) * 4) });
    const l: Live = { iter, name, ephemeral };
    this.live.add(l);
    void this.run(l, handler as BusHandler<BusJson>, opts, maxDeliver);
    return {
      subject,
      unsubscribe: async () => {
        if (!this.live.delete(l)) return;
        await iter.close().catch(() => {});
        if (ephemeral) await this.jsm.consumers.delete(this.stream, name).catch(() => {});
      },
    };
  }

  /** @inheritDoc */
  async deleteDurable(name: string): Promise<void> {
    for (const l of this.live) if (l.name === name) {
      this.live.delete(l);
      await l.iter.close().catch(() => {});
    }
    await this.jsm.consumers.delete(this.stream, name).catch(() => {});
  }

  /** Deletes the whole stream (tests, resets). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => {});
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    for (const l of this.live) {
      await l.iter.close().catch(() => {});
      if (l.ephemeral) await this.jsm.consumers.delete(this.stream, l.name).catch(() => {});
    }
    this.live.clear();
    await this.nc.drain().catch(() => {});
  }

  private consumerConfig(filter: string, from: ReplayFrom, maxDeliver: number): Partial<ConsumerConfig> {
    const c: Partial<ConsumerConfig> = { ack_policy: AckPolicy.Explicit, filter_subject: filter, max_deliver: maxDeliver, ack_wait: nanos(this.ackWaitMs) };
    if (from === 'new') c.deliver_policy = DeliverPolicy.New;
    else if (from === 'all') c.deliver_policy = DeliverPolicy.All;
    else if ('seq' in from) Object.assign(c, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from.seq });
    else Object.assign(c, { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(from.time).toISOString() });
    return c;
  }

  private async run(l: Live, handler: BusHandler<BusJson>, opts: SubscribeOptions, maxDeliver: number): Promise<void> {
    const limit = Math.max(1, opts.concurrency ?? 1);
    const inFlight = new Set<Promise<void>>();
    try {
      for await (const m of l.iter) {
        const p = this.handle(m, handler, opts, maxDeliver);
        if (limit === 1) {
          await p;
          continue;
        }
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
    } catch {
      /* closed */
    }
  }

  private async handle(m: JsMsg, handler: BusHandler<BusJson>, opts: SubscribeOptions, maxDeliver: number): Promise<void> {
    let msg: BusMessage<BusJson>;
    try {
      msg = {
        subject: m.subject.slice(this.prefix.length + 1),
        data: m.json<BusJson>(),
        id: m.headers?.get(ID_HEADER) || `${this.stream}:${m.seq}`,
        seq: m.seq,
        deliveries: m.info.deliveryCount,
        publishedAt: m.time.getTime(),
      };
    } catch (e) {
      m.term('not JSON');
      opts.onDeadLetter?.({ subject: m.subject, data: m.string(), id: `${this.stream}:${m.seq}`, seq: m.seq, deliveries: m.info.deliveryCount, publishedAt: m.time.getTime() }, e);
      return;
    }
    try {
      await handler(msg);
      m.ack();
    } catch (e) {
      if (msg.deliveries >= maxDeliver) {
        m.term('handler failed');
        opts.onDeadLetter?.(msg, e);
      } else m.nak(opts.retryDelayMs ?? 100);
    }
  }
}
