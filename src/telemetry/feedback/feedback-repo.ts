/**
 * Quality feedback on answers: one row per rating of a request or a session, stored in the
 * `feedback` table (migration 002). Scores are in [-1, 1]; a score above 0 counts as positive.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';

/** The `feedback` table. */
export interface FeedbackTable {
  id: string;
  ts: number;
  request_id: string | null;
  session: string | null;
  tenant: string;
  team: string;
  agent: string;
  score: number;
  label: string | null;
  comment: string | null;
}

/** One piece of feedback, attributed to the agent that answered. */
export interface Feedback {
  id: string;
  ts: number;
  requestId: string | null;
  session: string | null;
  tenant: string;
  team: string;
  agent: string;
  /** In [-1, 1]; > 0 is positive (thumbs up = 1, thumbs down = -1). */
  score: number;
  label: string | null;
  comment: string | null;
}

/** Feedback aggregates of one agent. */
export interface FeedbackAggregate {
  count: number;
  /** Mean score, null when there is no feedback. */
  avgScore: number | null;
  /** Share of scores > 0, null when there is no feedback. */
  positiveRate: number | null;
}

/** Feedback storage over the store's Kysely handle (SQLite and PostgreSQL alike). */
export class FeedbackRepo {
  private readonly db: Kysely<StoreDatabase & { feedback: FeedbackTable }>;

  constructor(store: Pick<Store, 'db'>) {
    this.db = store.db.withTables<{ feedback: FeedbackTable }>();
  }

  /** Stores one piece of feedback. */
  async insert(f: Feedback): Promise<void> {
    await this.db
      .insertInto('feedback')
      .values({ id: f.id, ts: f.ts, request_id: f.requestId, session: f.session, tenant: f.tenant, team: f.team, agent: f.agent, score: f.score, label: f.label, comment: f.comment })
      .execute();
  }

  /** Feedback of a request, newest first. */
  async forRequest(requestId: string): Promise<Feedback[]> {
    const rows = await this.db.selectFrom('feedback').selectAll().where('request_id', '=', requestId).orderBy('ts', 'desc').execute();
    return rows.map(fromRow);
  }

  /** Aggregates per `tenant/team/agent` key for feedback given in `[from, to)`. */
  async aggregateByAgent(from: number, to: number): Promise<Map<string, FeedbackAggregate>> {
    const rows = await this.db
      .selectFrom('feedback')
      .select(['tenant', 'team', 'agent'])
      .select([
        sql<number>`count(*)`.as('n'),
        sql<number>`avg(score)`.as('avg_score'),
        sql<number>`sum(case when score > 0 then 1 else 0 end)`.as('n_pos'),
      ])
      .where('ts', '>=', from)
      .where('ts', '<', to)
      .groupBy(['tenant', 'team', 'agent'])
      .execute();
    const out = new Map<string, FeedbackAggregate>();
    for (const r of rows) {
      const n = Number(r.n);
      out.set(`${r.tenant}/${r.team}/${r.agent}`, { count: n, avgScore: round3(Number(r.avg_score)), positiveRate: round3(Number(r.n_pos) / n) });
    }
    return out;
  }
}

function fromRow(r: FeedbackTable): Feedback {
  return {
    id: r.id, ts: Number(r.ts), requestId: r.request_id, session: r.session, tenant: r.tenant, team: r.team, agent: r.agent,
    score: Number(r.score), label: r.label, comment: r.comment,
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
