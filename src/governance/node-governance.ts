/**
 * The governance of a running node, opened on first use (one per store) and attached to the node's
 * gateway: from then on the gateway consults its rollout router on every call. `closeGovernanceOf`
 * stops the analysis schedule and writes pending rollout facts (call it before the store closes).
 */
import { auditOf } from '../compliance/node-audit.js';
import type { RolloutRouter } from './rollout-router.js';
import type { Services } from '../server/services.js';
import { Governance } from './governance.js';

type NodeLike = Pick<Services, 'store' | 'spec' | 'catalog' | 'recorder' | 'dataDir' | 'logger'> & {
  gateway: { useRollouts(router: RolloutRouter | null): void };
  close?: () => Promise<void>;
};

interface Entry {
  gov: Governance;
  ready: Promise<Governance>;
}

const byStore = new WeakMap<object, Entry>();

/**
 * The node's governance (created, attached to the gateway and opened on first call). Await
 * `.ready` before relying on routes loaded from the store.
 *
 * @example
 * ```ts
 * const { gov, ready } = governanceOf(services);
 * await ready;
 * ```
 */
export function governanceOf(s: NodeLike): Entry {
  let e = byStore.get(s.store);
  if (e) return e;
  const gov = new Governance({
    store: s.store,
    spec: () => s.spec.spec,
    catalog: () => s.catalog,
    audit: () => auditOf(s),
    flushUsage: () => s.recorder.flush(),
    onError: (err, what) => s.logger.error({ err }, what),
  });
  s.gateway.useRollouts(gov.router);
  // Until services.ts closes governance itself: stop the schedule and write pending facts before the store closes.
  if (typeof s.close === 'function') {
    const close = s.close.bind(s);
    s.close = async () => {
      await closeGovernanceOf(s).catch((err: unknown) => s.logger.error({ err }, 'closing model governance failed'));
      await close();
    };
  }
  const ready = gov.open().catch((err: unknown) => {
    s.logger.error({ err }, 'model governance failed to open; requests use the spec models');
    return gov;
  });
  e = { gov, ready };
  byStore.set(s.store, e);
  return e;
}

/** Stops the node's governance if it was opened (the store stays open). */
export async function closeGovernanceOf(s: { store: object; gateway?: { useRollouts(router: RolloutRouter | null): void } }): Promise<void> {
  const e = byStore.get(s.store);
  if (!e) return;
  byStore.delete(s.store);
  s.gateway?.useRollouts(null);
  await e.ready;
  await e.gov.close();
}
