/**
 * The approval service of a running node, created on first use and shared by the gateway and the
 * admin API (one per store, so waiters on this node are woken by decisions made through it).
 */
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import { ApprovalService } from './approval-service.js';

const byStore = new WeakMap<object, ApprovalService>();

/**
 * The node's ApprovalService (sweeper started). Until `Services` holds it, this is the one place
 * that creates it.
 *
 * @example
 * ```ts
 * const approvals = approvalsOf(services);
 * ```
 */
export function approvalsOf(s: { store: Store; spec: { spec: Spec }; logger?: { error(o: object, msg: string): void } }): ApprovalService {
  let svc = byStore.get(s.store);
  if (!svc) {
    svc = new ApprovalService({ store: s.store, spec: s.spec.spec, onError: (e) => s.logger?.error({ err: e }, 'approval expiry sweep failed') }).start();
    byStore.set(s.store, svc);
  }
  return svc;
}
