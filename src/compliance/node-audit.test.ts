import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Spec } from '../spec/schema.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { AuditSpecSchema } from './audit-spec.js';
import { JOINED_COLUMNS, recordOfRow, type JoinedRow } from './ledger-rows.js';
import { auditOf, closeAuditOf } from './node-audit.js';
import { eraseSubject, exportSubject } from './subjects.js';
import { requestEntry } from './test-support.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) {
    await closeAuditOf({ store });
    await store.close();
  }
});

describe("the node's ledger with audit.capture_content", () => {
  it('keeps the request content as personal data of the call\'s subject (hashes stay in inputs), and stops when capture is turned off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daca-node-audit-'));
    const store = await openSqliteStore(join(dir, 'daca.db'));
    stores.push(store);
    const spec = { spec: { audit: AuditSpecSchema.parse({ capture_content: true, flush_ms: 5 }) } as unknown as Spec };
    const ledger = await auditOf({ store, dataDir: dir, spec });
    const messages = [{ role: 'user', content: 'My IBAN is DE89 3704 0044 0532 0130 00' }];
    await ledger.appendAndWait({ ...requestEntry(1), dataSubject: 'erin@example.com', digests: { messages_sha256: messages } });
    spec.spec.audit.capture_content = false;
    await ledger.appendAndWait({ ...requestEntry(2), dataSubject: 'erin@example.com', digests: { messages_sha256: messages } });

    const ex = await exportSubject(ledger, 'erin@example.com');
    expect(ex.records.map((r) => r.inputs?.personalPlain ?? null)).toEqual([{ messages }, null]);
    const hash = createHash('sha256').update(JSON.stringify(messages)).digest('hex');
    expect(ex.records.map((r) => r.inputs?.inputs?.messages_sha256)).toEqual([hash, hash]);

    await eraseSubject(ledger, 'erin@example.com', { kind: 'human', id: 'dpo' });
    const rows = (await ledger.db.selectFrom('audit_records as r').leftJoin('audit_payloads as p', 'p.seq', 'r.seq').select(JOINED_COLUMNS).orderBy('r.seq').execute()) as JoinedRow[];
    expect(rows.map(recordOfRow)[0]!.inputs?.personal?.ct).toEqual(expect.any(String)); // ciphertext stays…
    expect((await exportSubject(ledger, 'erin@example.com')).records[0]!.inputs?.personalPlain).toBe('erased'); // …unreadable
  });
});
