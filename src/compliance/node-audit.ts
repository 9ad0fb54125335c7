/**
 * The audit ledger of a running node, opened on first use and shared by the gateway, the admin API
 * and the retention job (one per store). Until `Services` holds it, this is the one place that
 * creates it; `closeAuditOf()` flushes it (call it on shutdown, before the store closes).
 */
import type { Spec } from '../spec/schema.js';
import type { Store } from '../store/types.js';
import { openAuditLedger, type AuditLedger } from './audit-ledger.js';
import { retentionPolicyOf } from './audit-spec.js';
import { captureContent } from './capture-content.js';
import { purgeExpired } from './retention.js';

interface NodeLike {
  store: Store;
  dataDir: string;
  spec: { spec: Spec };
  logger?: { error(o: object, msg: string): void };
}

const byStore = new WeakMap<object, Promise<AuditLedger>>();

/**
 * The node's ledger (writer running, retention purge scheduled).
 * @example
 * ```ts
 * const ledger = await auditOf(services);
 * ledger.append(entry);
 * ```
 */
export function auditOf(s: NodeLike): Promise<AuditLedger> {
  let p = byStore.get(s.store);
  if (!p) {
    p = open(s);
    byStore.set(s.store, p);
  }
  return p;
}

async function open(s: NodeLike): Promise<AuditLedger> {
  const a = s.spec.spec.audit;
  const onError = (e: unknown): void => s.logger?.error({ err: e }, 'audit write failed; will retry');
  const ledger = await openAuditLedger({
    store: s.store, dataDir: s.dataDir, flushMs: a.flush_ms, batchSize: a.batch_size, checkpointEvery: a.checkpoint_every,
    checkpointMs: a.checkpoint_interval_ms, sqliteSync: a.sqlite_sync, onError,
  });
  const policy = retentionPolicyOf(a);
  const timer = setInterval(() => {
    purgeExpired(ledger, policy).catch((e: unknown) => s.logger?.error({ err: e }, 'audit retention purge failed'));
  }, a.purge_interval_ms);
  timer.unref();
  const close = ledger.close;
  const append = ledger.append;
  const appendAndWait = ledger.appendAndWait;
  // Read at each append, so a reloaded spec turns capture on or off.
  const capture = (e: Parameters<typeof append>[0]) => (s.spec.spec.audit.capture_content ? captureContent(e) : e);
  return Object.assign(ledger, {
    append: (e: Parameters<typeof append>[0]) => append(capture(e)),
    appendAndWait: (e: Parameters<typeof append>[0]) => appendAndWait(capture(e)),
    close: async () => {
      clearInterval(timer);
      await close();
    },
  });
}

/** Flushes and closes the node's ledger if it was opened (the store stays open). */
export async function closeAuditOf(s: { store: Store }): Promise<void> {
  const p = byStore.get(s.store);
  if (!p) return;
  byStore.delete(s.store);
  await (await p).close();
}
