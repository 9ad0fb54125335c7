/**
 * The bus capability's public surface.
 */
export type { Bus, BusHandler, BusJson, BusMessage, PublishAck, PublishOptions, ReplayFrom, SubscribeOptions, Subscription } from './types.js';
export { MemoryBus, type MemoryBusOptions } from './memory/memory-bus.js';
export { NatsBus, type NatsBusOptions } from './nats/nats-bus.js';
export { openBus, type OpenBusOptions } from './open-bus.js';
export { idempotent, MemoryIdempotency, type IdempotencyStore } from './idempotent.js';
export { subjectMatcher, checkSubject, checkPattern, type SubjectMatcher } from './subject.js';
