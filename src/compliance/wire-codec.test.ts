import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import type { AuditEntry, JsonObject, StampedEntry } from './audit-types.js';
import { encodeEntry } from './entry-codec.js';
import { EntryLedgerCore } from './entry-ledger-core.js';
import { loadAuditSigner } from './key-material.js';
import { openLedgerConnection } from './ledger-appender.js';
import { dumpLedger, requestEntry } from './test-support.js';
import { encodeWire, toWireBatch } from './wire-codec.js';

const MASTER = Buffer.alloc(32, 9);
const stores: Store[] = [];
const conns: Database.Database[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const s of stores.splice(0)) await s.close();
});

async function core(): Promise<{ core: EntryLedgerCore; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'daca-wire-'));
  const file = join(dir, 'daca.db');
  stores.push(await openSqliteStore(file));
  const conn = openLedgerConnection(file, 'normal', 5000);
  conns.push(conn);
  return { core: new EntryLedgerCore(conn, loadAuditSigner({ dataDir: dir, env: {} }), MASTER), file };
}


/** Entries whose canonical JSON is easy to get wrong, plus ones that must take the JSON path. */
function entries(): AuditEntry[] {
  const at = new Date(1_700_000_000_123);
  return [
    requestEntry(1),
    { ...requestEntry(2), detail: { '10': 'ten', '9': 'nine', b: [1, undefined, () => 1, -0, 1e21, 5e-7], a: { z: null, y: 'é𝄞\u2028"\\' }, when: at, skip: undefined } as unknown as JsonObject },
    { ...requestEntry(3), outcome: { latency_ms: Number.NaN, status: 200 } }, // canonical JSON rejects NaN: JSON path (stored as null)
    { ...requestEntry(4), inputs: undefined, agent: undefined, refs: undefined, class: 'prompts' },
    { ...requestEntry(5), digests: { messages_sha256: [{ role: 'user', content: 'hi' }] } },
    { ...requestEntry(6), agent: 42 as unknown as string }, // not a string: JSON path
    { kind: 'admin_action', tenant: '*', actor: { kind: 'human', id: 'ops@acme' }, detail: { action: 'revoke_key', 'ключ': 'значение' } },
    { ...requestEntry(8), inputs: null as unknown as AuditEntry['inputs'] },
  ];
}

const stamp = (list: AuditEntry[]): StampedEntry[] => list.map((entry, i) => ({ entry, id: `aud_wire_${String(i).padStart(3, '0')}`, ts: 1_700_000_000_000 + i }));

describe('the wire encoding (entries canonicalised by the producer)', () => {
  it('canonicalises plain entries on the producer and sends the others as JSON text', () => {
    const kinds = stamp(entries()).map((s) => (typeof encodeWire(s) === 'string' ? 'json' : 'wire'));
    expect(kinds).toEqual(['wire', 'wire', 'json', 'wire', 'json', 'json', 'wire', 'wire']);
    expect(stamp([{ ...requestEntry(1), dataSubject: 'bob', personal: { note: 'x' } }]).map((s) => typeof encodeWire(s))).toEqual(['string']);
  });

  it('stores byte for byte what the JSON path stores, for every entry and a mixed batch', async () => {
    const stamped = stamp(entries());
    const a = await core();
    const b = await core();
    const ra = a.core.appendEntries(stamped.map(encodeEntry), [0, 3, 7]);
    const rb = b.core.appendWire(toWireBatch(stamped.map(encodeWire)), [0, 3, 7]);
    expect(rb).toEqual(ra);
    const rows = dumpLedger(a.file);
    expect(rows).toHaveLength(stamped.length);
    expect(dumpLedger(b.file)).toEqual(rows);
    expect((rows[2] as { body: string }).body).toContain('"latency_ms":null');
  });

  it('rejects an entry JSON cannot hold during append, as the JSON path does', () => {
    const [s] = stamp([{ ...requestEntry(1), detail: { n: 1n as unknown as number } }]);
    expect(() => encodeWire(s!)).toThrow(/not JSON/);
  });
});
