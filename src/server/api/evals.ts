/**
 * `/api/evals`: stored eval runs for the dashboard — from daca's store (`daca eval run --store`)
 * and from the JSONL run folders the savings advisor also reads (`<dataDir>/evals`, `./.daca/evals`).
 *
 * - `GET /api/evals/runs?suite=&model=&limit=`: runs, newest first, with pass rate and cost (store
 *   runs' totals are summed in the database; JSONL files are read whole)
 * - `GET /api/evals/runs/:id`: one run with suite, per-persona and per-case metrics and its trials
 * - `GET /api/evals/compare?a=<baseline>&b=<candidate>&seed=&replicates=`: the paired comparison
 *   of `daca eval compare` (McNemar exact test, paired bootstrap intervals of B − A)
 */
import { join } from 'node:path';
import { Hono } from 'hono';
import { loadEvalRuns } from '../../cost/advisor/evidence.js';
import { InvalidRequestError, NotFoundError } from '../../errors.js';
import { compareRuns } from '../../evals/compare.js';
import type { RunMeta, RunResults } from '../../evals/results.js';
import { JsonlRunStore } from '../../evals/sinks/jsonl-sink.js';
import { StoreRunRepo } from '../../evals/sinks/store-sink.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { Store } from '../../store/types.js';
import { comparisonView, runDetailView, runRowView, totalsOf, type RunRowTotals } from './evals-views.js';

/** What the evals API needs. */
export interface EvalsApiDeps {
  store: Pick<Store, 'db'>;
  /** The node's data folder; runs are also read from `<dataDir>/evals`. */
  dataDir: string;
  /** More JSONL run folders (default: `./.daca/evals`). */
  jsonlDirs?: readonly string[];
}

function intParam(v: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidRequestError(`${name} must be an integer from ${min} to ${max}`, { param: name });
  return n;
}

function runId(v: string | undefined, name: string): string {
  if (!v) throw new InvalidRequestError(`give the run id as ?${name}=`, { param: name });
  if (v.length > 256 || /[/\\\0]/.test(v) || v.endsWith('.jsonl')) throw new InvalidRequestError(`${name} is not a run id: '${v.slice(0, 80)}'`, { param: name });
  return v;
}

/** Builds the evals API (mount under `/api/evals`, behind admin authentication). */
export function evalsApi(d: EvalsApiDeps) {
  const app = new Hono<{ Variables: DacaVariables }>();
  const dirs = [join(d.dataDir, 'evals'), ...(d.jsonlDirs ?? [join(process.cwd(), '.daca', 'evals')])];
  const repo = new StoreRunRepo(d.store);

  const load = async (id: string, param: string): Promise<RunResults> => {
    const fromStore = await repo.load(id);
    if (fromStore) return fromStore;
    for (const dir of dirs) {
      const run = await new JsonlRunStore(dir).load(id).catch(() => undefined);
      if (run) return run;
    }
    throw new NotFoundError(`no eval run '${id}' (${param}); list them with GET /api/evals/runs`);
  };

  app.get('/runs', async (c) => {
    const limit = intParam(c.req.query('limit'), 'limit', 100, 1, 1000);
    const suite = c.req.query('suite') || undefined;
    const model = c.req.query('model') || undefined;
    const rows: { meta: RunMeta; totals: RunRowTotals }[] = (await repo.listTotals({ suite, model, limit })).map((r) => ({ meta: r.meta, totals: r }));
    const seen = new Set(rows.map((r) => r.meta.id));
    for (const run of await loadEvalRuns({ jsonlDirs: dirs, ...(suite ? { suites: [suite] } : {}) })) {
      if (seen.has(run.meta.id) || (model && run.meta.agent.model !== model)) continue;
      seen.add(run.meta.id);
      rows.push({ meta: run.meta, totals: totalsOf(run) });
    }
    rows.sort((a, b) => b.meta.startedAt - a.meta.startedAt || (a.meta.id < b.meta.id ? -1 : 1));
    return c.json({ data: rows.slice(0, limit).map((r) => runRowView(r.meta, r.totals)) });
  });

  app.get('/runs/:id', async (c) => c.json(runDetailView(await load(runId(c.req.param('id'), 'id'), 'id'))));

  app.get('/compare', async (c) => {
    const [ia, ib] = [runId(c.req.query('a'), 'a'), runId(c.req.query('b'), 'b')];
    const seed = intParam(c.req.query('seed'), 'seed', 1, 0, 2 ** 31 - 1);
    const replicates = intParam(c.req.query('replicates'), 'replicates', 2000, 100, 20_000);
    const [a, b] = await Promise.all([load(ia, 'a'), load(ib, 'b')]);
    return c.json(comparisonView(compareRuns(a, b, { seed, replicates }), a, b));
  });
  return app;
}
