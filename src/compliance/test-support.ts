/**
 * Helpers for the compliance tests: a ledger on a fresh SQLite file, and sample entries.
 */
import { mkdtempSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { openAuditLedger, type AuditLedger, type AuditLedgerOptions } from './audit-ledger.js';
import type { AuditEntry } from './audit-types.js';

/** A ledger on a new SQLite file in a temp dir. */
export async function sqliteLedger(opts: Partial<AuditLedgerOptions> = {}): Promise<{ ledger: AuditLedger; store: Store; dir: string; file: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'daca-audit-'));
  const file = join(dir, 'daca.db');
  const store = await openSqliteStore(file);
  const ledger = await openAuditLedger({ store, dataDir: dir, env: {}, ...opts });
  return {
    ledger, store, dir, file,
    close: async () => {
      await ledger.close();
      await store.close();
    },
  };
}

/** A gateway-request entry as the gateway writes it. */
export function requestEntry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    kind: 'gateway_request', tenant: 'acme', actor: { kind: 'key', id: 'key_1' }, agent: 'support-bot',
    refs: { requestId: `req_${i}`, session: `sess_${i % 3}`, traceId: `trace_${i}` },
    inputs: { model: 'small', messages_sha256: 'ab'.repeat(32), message_count: 2, text: `audit me ${i}` },
    decision: {
      action: 'allowed',
      reasons: [{ source: 'guardrail', name: 'pii', effect: 'allow', detail: 'no personal data found' }],
      route: { requestedModel: 'small', model: 'small', provider: 'sim', upstreamModel: 'sim-small' },
    },
    outcome: { status: 200, input_tokens: 12, output_tokens: 5 },
    costMicros: 42,
    ...over,
  };
}

/** Every stored column of both ledger tables of a SQLite file, in sequence order. */
export function dumpLedger(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT r.*, p.body, p.inputs FROM audit_records r JOIN audit_payloads p ON p.seq = r.seq ORDER BY r.seq').all();
  } finally {
    db.close();
  }
}
