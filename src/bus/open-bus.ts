/**
 * Picks the bus from the environment: NATS JetStream when `DACA_NATS_URL` is set, else the
 * in-process bus.
 */
import { MemoryBus, type MemoryBusOptions } from './memory/memory-bus.js';
import { NatsBus, type NatsBusOptions } from './nats/nats-bus.js';
import type { Bus } from './types.js';

/** Options of `openBus`. */
export interface OpenBusOptions {
  /** Environment (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** NATS URL (overrides `DACA_NATS_URL`). */
  natsUrl?: string;
  memory?: MemoryBusOptions;
  nats?: NatsBusOptions;
}

/**
 * Opens the node's bus.
 * @example
 * ```ts
 * const bus = await openBus(); // DACA_NATS_URL=nats://127.0.0.1:4222 → NATS JetStream
 * ```
 */
export async function openBus(opts: OpenBusOptions = {}): Promise<Bus> {
  const url = opts.natsUrl ?? (opts.env ?? process.env).DACA_NATS_URL;
  if (url) return NatsBus.connect(url, opts.nats);
  return new MemoryBus(opts.memory);
}
