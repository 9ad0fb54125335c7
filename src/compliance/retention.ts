/**
 * Payload retention and legal holds. A purge removes payload parts (never chain rows or hashes)
 * older than their class's retention: the `inputs` part by the `inputs` retention, the body by its
 * record class (`decisions`, `admin`, …). Records matching an active legal hold keep everything.
 * Each purge is announced in the ledger first (see purge-notices.ts) so verification still passes.
 */
import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { idAtOrAfter } from './audit-id.js';
import type { AuditActor } from './audit-types.js';
import type { AuditLedger } from './audit-ledger.js';
import type { LedgerTables } from './ledger-tables.js';
import { int } from './ledger-rows.js';
import { purgeNoticeEntry, type PayloadPart } from './purge-notices.js';

/** Retention in ms per class; null keeps forever. `inputs` governs the inputs part of every record. */
export type RetentionPolicy = Record<string, number | null>;

/** The default policy: prompts/inputs 30 days, decisions 7 years, admin records forever. */
export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = Object.freeze({ inputs: 30 * 86_400_000, decisions: 7 * 365 * 86_400_000, admin: null });

/**
 * Parses a retention duration: `30d`, `7y`, `12h`, `90m`, `3600s`, `500ms`, `2w`, or `forever`.
 * @throws InvalidRequestError on anything else.
 */
export function parseRetention(v: string): number | null {
  if (v === 'forever') return null;
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(v.trim());
  if (!m) throw new InvalidRequestError(`retention '${v}' is not a duration like 30d, 7y, 12h or 'forever'`);
  const unit = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8, y: 365 * 8.64e7 }[m[2] as 'ms'];
  return Number(m[1]) * unit;
}

/** A legal hold: records matching every given field keep their payloads past retention. */
export interface LegalHold {
  id: string;
  createdAt: number;
  releasedAt: number | null;
  reason: string;
  tenant: string | null;
  agent: string | null;
  session: string | null;
  requestId: string | null;
  from: number | null;
  to: number | null;
}

/** What a purge did. */
export interface PurgeResult {
  part: PayloadPart;
  class: string;
  cutoffTs: number;
  purged: number;
}

type Eb = ExpressionBuilder<LedgerTables & { r: LedgerTables['audit_records'] }, 'r'>;

function holdMatches(eb: Eb, h: LegalHold) {
  const c = [];
  if (h.tenant !== null) c.push(eb('r.tenant', '=', h.tenant));
  if (h.agent !== null) c.push(eb('r.agent', '=', h.agent));
  if (h.session !== null) c.push(eb('r.session', '=', h.session));
  if (h.requestId !== null) c.push(eb('r.request_id', '=', h.requestId));
  if (h.from !== null) c.push(eb('r.ts', '>=', h.from));
  if (h.to !== null) c.push(eb('r.ts', '<', h.to));
  return eb.and(c);
}

/** Active (unreleased) legal holds. */
export async function listHolds(db: Kysely<LedgerTables>, opts: { includeReleased?: boolean } = {}): Promise<LegalHold[]> {
  let q = db.selectFrom('audit_legal_holds').selectAll().orderBy('created_at');
  if (!opts.includeReleased) q = q.where('released_at', 'is', null);
  return (await q.execute()).map((r) => ({
    id: r.id, createdAt: int(r.created_at), releasedAt: r.released_at === null ? null : int(r.released_at), reason: r.reason,
    tenant: r.tenant, agent: r.agent, session: r.session, requestId: r.request_id,
    from: r.from_ts === null ? null : int(r.from_ts), to: r.to_ts === null ? null : int(r.to_ts),
  }));
}

/** Places a legal hold (audited). */
export async function placeHold(
  ledger: AuditLedger,
  h: { reason: string; tenant?: string; agent?: string; session?: string; requestId?: string; from?: number; to?: number },
  actor: AuditActor,
  now: number = Date.now(),
): Promise<LegalHold> {
  if (!h.reason.trim()) throw new InvalidRequestError('a legal hold needs a reason', { param: 'reason' });
  const hold: LegalHold = {
    id: `hold_${randomUUID()}`, createdAt: now, releasedAt: null, reason: h.reason, tenant: h.tenant ?? null, agent: h.agent ?? null,
    session: h.session ?? null, requestId: h.requestId ?? null, from: h.from ?? null, to: h.to ?? null,
  };
  await ledger.db.insertInto('audit_legal_holds').values({
    id: hold.id, created_at: now, released_at: null, reason: hold.reason, tenant: hold.tenant, agent: hold.agent,
    session: hold.session, request_id: hold.requestId, from_ts: hold.from, to_ts: hold.to,
  }).execute();
  await ledger.appendAndWait({ kind: 'admin_action', tenant: h.tenant ?? '*', actor, detail: { action: 'legal_hold_placed', hold: { ...hold } } });
  return hold;
}

/** Releases a legal hold (audited). @throws NotFoundError for an unknown or released hold. */
export async function releaseHold(ledger: AuditLedger, id: string, actor: AuditActor, now: number = Date.now()): Promise<void> {
  const r = await ledger.db.updateTable('audit_legal_holds').set({ released_at: now }).where('id', '=', id).where('released_at', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`no active legal hold '${id}'`);
  await ledger.appendAndWait({ kind: 'admin_action', tenant: '*', actor, detail: { action: 'legal_hold_released', hold_id: id } });
}

/**
 * Purges payload parts past retention. Announces each purge in the ledger (strict append) before
 * removing anything, so a crash half-way leaves a ledger that still verifies.
 */
export async function purgeExpired(ledger: AuditLedger, policy: RetentionPolicy, now: number = Date.now()): Promise<PurgeResult[]> {
  await ledger.flush();
  const db = ledger.db;
  const holds = await listHolds(db);
  const results: PurgeResult[] = [];
  const classes = (await db.selectFrom('audit_records').select('class').distinct().execute()).map((r) => r.class);
  const jobs: { part: PayloadPart; cls: string; keep: number }[] = [];
  const inputsKeep = policy.inputs;
  if (inputsKeep !== null && inputsKeep !== undefined) jobs.push({ part: 'inputs', cls: '*', keep: inputsKeep });
  for (const cls of classes) {
    const keep = policy[cls];
    if (keep !== null && keep !== undefined && cls !== 'inputs') jobs.push({ part: 'body', cls, keep });
  }
  for (const job of jobs) {
    const cutoffTs = now - job.keep;
    const col = job.part;
    const candidates = db
      .selectFrom('audit_records as r')
      .innerJoin('audit_payloads as p', 'p.seq', 'r.seq')
      .where('r.id', '<', idAtOrAfter(cutoffTs))
      .where('r.ts', '<', cutoffTs)
      .where(`p.${col}`, 'is not', null)
      .where((eb) => (job.cls === '*' ? eb.lit(true) : eb('r.class', '=', job.cls)))
      .where((eb) => eb.not(eb.or(holds.map((h) => holdMatches(eb as unknown as Eb, h)))));
    const range = await candidates.select((eb) => [eb.fn.min('r.seq').as('lo'), eb.fn.max('r.seq').as('hi')]).executeTakeFirst();
    if (!range || range.lo === null || range.hi === null) continue;
    const fromSeq = int(range.lo);
    const toSeq = int(range.hi);
    await ledger.appendAndWait(purgeNoticeEntry({ part: job.part, class: job.cls === '*' ? 'inputs' : job.cls, cutoffTs, fromSeq, toSeq }));
    const seqs = candidates.select('r.seq').where('r.seq', '>=', fromSeq).where('r.seq', '<=', toSeq);
    const r = await db.updateTable('audit_payloads').set({ [col]: null }).where('seq', 'in', seqs).executeTakeFirst();
    results.push({ part: job.part, class: job.cls === '*' ? 'inputs' : job.cls, cutoffTs, purged: Number(r.numUpdatedRows) });
  }
  return results;
}
