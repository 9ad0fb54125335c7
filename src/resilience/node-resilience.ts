/**
 * The resilient caller of a running node, created on first use per model catalog (i.e. per loaded
 * spec) and shared by the gateway and `/api/providers`, so both see the same breakers.
 */
import type { Spec } from '../spec/schema.js';
import type { ModelCatalog } from '../spec/resolve.js';
import { createResilientCaller, type ResilientCaller } from './resilient-caller.js';

const byCatalog = new WeakMap<object, ResilientCaller>();

/**
 * The node's ResilientCaller for its current catalog.
 *
 * @example
 * ```ts
 * const caller = resilienceOf(services);
 * ```
 */
export function resilienceOf(s: { spec: { spec: Spec }; catalog: ModelCatalog }): ResilientCaller {
  let c = byCatalog.get(s.catalog);
  if (!c) {
    c = createResilientCaller(s.spec.spec, { catalog: s.catalog });
    byCatalog.set(s.catalog, c);
  }
  return c;
}
