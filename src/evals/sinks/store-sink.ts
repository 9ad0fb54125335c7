/**
 * Eval runs in daca's store (SQLite or PostgreSQL; tables from migration 006), so the admin API and
 * dashboard can list them. Same resume rule as every sink.
 */
import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../../store/db-schema.js';
import type { Store } from '../../store/types.js';
import type { RunMeta, RunResults, TrialResult } from '../results.js';
import { assertResumable } from './resume-check.js';
import type { ResultSink, RunSource } from './types.js';

/** The `eval_runs` table. */
export interface EvalRunsTable {
  id: string;
  suite: string;
  suite_hash: string;
  source: string;
  agent_kind: string;
  model: string | null;
  version: string;
  seed: number;
  trials: number;
  personas: string;
  cases: number;
  started_at: number;
  finished_at: number | null;
}

/** The `eval_trials` table. */
export interface EvalTrialsTable {
  run_id: string;
  key: string;
  case_id: string;
  persona: string;
  trial: number;
  passed: number;
  completed: number;
  cost_micros: number;
  latency_ms: number;
  data: string;
  finished_at: number;
}

type Tables = { eval_runs: EvalRunsTable; eval_trials: EvalTrialsTable };

function toMeta(r: EvalRunsTable): RunMeta {
  return {
    id: r.id,
    suite: r.suite,
    suiteHash: r.suite_hash,
    source: r.source,
    agent: { kind: r.agent_kind as RunMeta['agent']['kind'], model: r.model, version: r.version },
    seed: Number(r.seed),
    trials: Number(r.trials),
    personas: JSON.parse(r.personas) as string[],
    cases: Number(r.cases),
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

/**
 * A {@link ResultSink} and {@link RunSource} over the store's eval tables.
 *
 * @example
 * ```ts
 * const runs = new StoreRunRepo(store);
 * const recent = await runs.list({ suite: 'support', limit: 10 });
 * ```
 */
export class StoreRunRepo implements ResultSink, RunSource {
  private readonly db: Kysely<StoreDatabase & Tables>;
  private runId: string | null = null;

  constructor(store: Pick<Store, 'db'>) {
    this.db = store.db.withTables<Tables>();
  }

  async open(meta: RunMeta): Promise<TrialResult[]> {
    const prev = await this.db.selectFrom('eval_runs').selectAll().where('id', '=', meta.id).executeTakeFirst();
    this.runId = meta.id;
    if (prev) {
      assertResumable(toMeta(prev), meta);
      meta.startedAt = Number(prev.started_at);
      return (await this.trials(meta.id));
    }
    await this.db
      .insertInto('eval_runs')
      .values({
        id: meta.id,
        suite: meta.suite,
        suite_hash: meta.suiteHash,
        source: meta.source,
        agent_kind: meta.agent.kind,
        model: meta.agent.model,
        version: meta.agent.version,
        seed: meta.seed,
        trials: meta.trials,
        personas: JSON.stringify(meta.personas),
        cases: meta.cases,
        started_at: meta.startedAt,
        finished_at: null,
      })
      .execute();
    return [];
  }

  async append(r: TrialResult): Promise<void> {
    await this.db
      .insertInto('eval_trials')
      .values({
        run_id: this.runId!,
        key: r.key,
        case_id: r.caseId,
        persona: r.persona,
        trial: r.trial,
        passed: r.passed ? 1 : 0,
        completed: r.completed ? 1 : 0,
        cost_micros: r.costMicros,
        latency_ms: r.latencyMs,
        data: JSON.stringify(r),
        finished_at: r.finishedAt,
      })
      .onConflict((oc) => oc.columns(['run_id', 'key']).doNothing())
      .execute();
  }

  async finish(meta: RunMeta): Promise<void> {
    await this.db.updateTable('eval_runs').set({ finished_at: meta.finishedAt }).where('id', '=', meta.id).execute();
  }

  private async trials(runId: string): Promise<TrialResult[]> {
    const rows = await this.db.selectFrom('eval_trials').select('data').where('run_id', '=', runId).orderBy('key').execute();
    return rows.map((r) => JSON.parse(r.data) as TrialResult);
  }

  async load(runId: string): Promise<RunResults | undefined> {
    const row = await this.db.selectFrom('eval_runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!row) return undefined;
    return { meta: toMeta(row), trials: await this.trials(runId) };
  }

  /** Runs, newest first. */
  async list(filter: { suite?: string; limit?: number } = {}): Promise<RunMeta[]> {
    let q = this.db.selectFrom('eval_runs').selectAll();
    if (filter.suite) q = q.where('suite', '=', filter.suite);
    const rows = await q.orderBy('started_at', 'desc').limit(filter.limit ?? 100).execute();
    return rows.map(toMeta);
  }

  /**
   * Runs, newest first, with their trial totals summed in the database (no trial is parsed): for
   * listings of many runs.
   */
  async listTotals(filter: { suite?: string; model?: string; limit?: number } = {}): Promise<RunTotals[]> {
    let q = this.db.selectFrom('eval_runs').selectAll();
    if (filter.suite) q = q.where('suite', '=', filter.suite);
    if (filter.model) q = q.where('model', '=', filter.model);
    const runs = await q.orderBy('started_at', 'desc').limit(filter.limit ?? 100).execute();
    if (runs.length === 0) return [];
    const sums = await this.db
      .selectFrom('eval_trials')
      .select((eb) => ['run_id', eb.fn.countAll<number | string>().as('n'), eb.fn.sum<number | string>('passed').as('passed'), eb.fn.sum<number | string>('cost_micros').as('cost')])
      .where('run_id', 'in', runs.map((r) => r.id))
      .groupBy('run_id')
      .execute();
    const by = new Map(sums.map((x) => [x.run_id, x]));
    return runs.map((r) => {
      const x = by.get(r.id);
      return { meta: toMeta(r), trials: Number(x?.n ?? 0), passed: Number(x?.passed ?? 0), costMicros: Number(x?.cost ?? 0) };
    });
  }
}

/** A run's metadata and the totals of its trials. */
export interface RunTotals {
  meta: RunMeta;
  trials: number;
  passed: number;
  costMicros: number;
}
