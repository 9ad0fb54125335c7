/**
 * The appender for PostgreSQL (and in-memory SQLite) through the store's Kysely handle. Each batch
 * is one transaction; on PostgreSQL it first takes a transaction-scoped advisory lock (one per
 * schema), so several daca nodes append to one chain without forking it.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { signCheckpoint, type Checkpoint } from './checkpoint.js';
import type { AuditSigner } from './key-material.js';
import type { LedgerAppender } from './ledger-appender.js';
import { serialQueue } from './ledger-appender.js';
import type { LedgerTables } from './ledger-tables.js';
import { MerkleFrontier, leafHash } from './merkle.js';
import { chainUnderLock, type AppendResult, type PreparedBatch } from './prepare-records.js';
import { GENESIS_HASH } from './record-hash.js';

type Tx = Transaction<LedgerTables>;

/** Rows per multi-row INSERT (16 parameters each stays far below PostgreSQL's 65535). */
const CHUNK = 1000;

/** Appends through Kysely. */
export class KyselyAppender implements LedgerAppender {
  readonly maxInFlight = 1;
  private frontier: MerkleFrontier | null = null;
  private readonly serial = serialQueue();

  constructor(
    private readonly db: Kysely<LedgerTables>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly signer: AuditSigner,
  ) {}

  private async lock(trx: Tx): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('daca_audit:' || current_schema()))`.execute(trx);
  }

  private async head(trx: Tx): Promise<{ seq: number; hash: string }> {
    const h = await trx.selectFrom('audit_records').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return h ? { seq: Number(h.seq), hash: h.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  append(batch: PreparedBatch): Promise<AppendResult> {
    return this.serial(async () => {
      try {
        const { result, rows, before } = await this.db.transaction().execute(async (trx) => {
          await this.lock(trx);
          if (batch.newKeys.length)
            await trx
              .insertInto('audit_subject_keys')
              .values(batch.newKeys.map((k) => ({ kid: k.kid, subject_ref: k.subjectRef, wrapped: k.wrapped, created_at: k.createdAt, erased_at: null })))
              .execute();
          const before = await this.head(trx);
          const { rows, result } = chainUnderLock(batch, before);
          for (let i = 0; i < rows.length; i += CHUNK) {
            const chunk = rows.slice(i, i + CHUNK);
            await trx
              .insertInto('audit_records')
              .values(
                chunk.map((r) => ({
                  seq: r.seq, id: r.header.id, ts: r.header.ts, tenant: r.header.tenant, kind: r.header.kind,
                  actor_kind: r.header.actorKind, actor_id: r.header.actorId, agent: r.header.agent, request_id: r.header.requestId,
                  session: r.header.session, trace_id: r.header.traceId, subject_ref: r.header.subjectRef, class: r.header.class,
                  body_hash: r.header.bodyHash, inputs_hash: r.header.inputsHash, hash: r.hash,
                })),
              )
              .execute();
            await trx.insertInto('audit_payloads').values(chunk.map((r) => ({ seq: r.seq, body: r.body, inputs: r.inputs }))).execute();
          }
          return { result, rows, before };
        });
        if (this.frontier && this.frontier.size === before.seq) for (const r of rows) this.frontier.append(leafHash(Buffer.from(r.hash, 'hex')));
        else this.frontier = null;
        return result;
      } catch (e) {
        this.frontier = null;
        throw e;
      }
    });
  }

  checkpoint(now: number): Promise<Checkpoint | null> {
    return this.serial(async () => {
      try {
        return await this.db.transaction().execute(async (trx) => {
          await this.lock(trx);
          const head = await this.head(trx);
          const last = await trx.selectFrom('audit_checkpoints').select(['tree_size', 'frontier']).orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
          if (head.seq === 0 || (last && Number(last.tree_size) >= head.seq)) return null;
          if (!this.frontier || this.frontier.size > head.seq) {
            this.frontier = last ? MerkleFrontier.fromJSON(JSON.parse(last.frontier) as { size: number; stack: string[] }) : new MerkleFrontier();
          }
          while (this.frontier.size < head.seq) {
            const page = await trx.selectFrom('audit_records').select('hash').where('seq', '>', this.frontier.size).where('seq', '<=', head.seq).orderBy('seq').limit(10_000).execute();
            if (page.length === 0) break;
            for (const r of page) this.frontier.append(leafHash(Buffer.from(r.hash, 'hex')));
          }
          const cp = signCheckpoint(this.signer, this.frontier, head.hash, now);
          await trx
            .insertInto('audit_checkpoints')
            .values({ tree_size: cp.treeSize, ts: cp.ts, root_hash: cp.rootHash, head_hash: cp.headHash, key_id: cp.keyId, signature: cp.signature, frontier: JSON.stringify(this.frontier.toJSON()) })
            .execute();
          return cp;
        });
      } catch (e) {
        this.frontier = null;
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.serial(() => undefined);
  }
}
