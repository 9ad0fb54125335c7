/**
 * The kill switch of a running node, created on first use per store and shared by the gateway
 * and `/api/suspensions`, so a suspension made through this node applies here at once.
 */
import type { Store } from '../../store/types.js';
import { KillSwitch } from './kill-switch.js';

const byStore = new WeakMap<object, KillSwitch>();

/**
 * The node's KillSwitch. `Services.close()` should call `killSwitchOf(s).close()`.
 *
 * @example
 * ```ts
 * const wait = killSwitchOf(services).enforce(principal, attribution);
 * if (wait) await wait;
 * ```
 */
export function killSwitchOf(s: { store: Store; logger?: { error(o: object, msg: string): void } }): KillSwitch {
  let k = byStore.get(s.store);
  if (!k) {
    k = new KillSwitch({ store: s.store, onError: (err) => s.logger?.error({ err }, 'reading suspensions failed') });
    byStore.set(s.store, k);
  }
  return k;
}
