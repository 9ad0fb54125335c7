/**
 * `npm run bench:cost`: cost per successful task, baseline vs optimised, on a support-desk workload.
 *
 * A real daca runs in this process (`startDaca`, SQLite, the sim provider) with two sim models priced
 * and ranked like a real small/large pair: gpt-4o-mini ($0.15/$0.60 per 1M, capability 0.6) and
 * gpt-4o ($2.50/$10.00, capability 0.9), each with its own latency.
 *
 * 1. Training: an eval suite of separate tasks runs on both models through daca (src/evals); the
 *    router is trained from those runs (`trainRouter`, what `daca cost train-router` does).
 * 2. Baseline: every task on gpt-4o, no cache.
 * 3. Optimised: the same tasks through the CostOptimiser (exact cache + semantic cache + the learned
 *    router with verified cascades), which calls daca for each model call. The engines are the ones
 *    the gateway runs; here they sit client-side of the gateway call until the gateway wires them.
 *
 * Success: a grader (src/evals regex grader) checks the reply states the expected answer. Costs are
 * daca's own metering: the usage events of each phase (tag `phase=`), read back from the store.
 *
 * Prints a table and ends with one JSON line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defineSuite } from '../src/evals/define-suite.js';
import { evaluate } from '../src/evals/evaluate.js';
import { regexGrader } from '../src/evals/graders/text.js';
import type { GradeContext } from '../src/evals/graders/types.js';
import { MemoryRunStore } from '../src/evals/sinks/memory-sink.js';
import type { RunResults } from '../src/evals/results.js';
import { ExactCache } from '../src/cost/cache/exact-cache.js';
import { MemoryCacheStore } from '../src/cost/cache/memory/memory-cache-store.js';
import { CostOptimiser, type OptimisedAnswer } from '../src/cost/optimiser.js';
import { compileRouting } from '../src/cost/routing/compile-routing.js';
import { trainRouter } from '../src/cost/routing/train-router.js';
import { simEmbedder } from '../src/cost/semantic/embedder.js';
import { SemanticCache } from '../src/cost/semantic/semantic-cache.js';
import type { ChatRequest } from '../src/providers/types.js';
import { startDaca } from '../src/server/serve.js';
import { parseSpecText } from '../src/spec/loader.js';
import { DacaClient } from './cost/daca-client.js';
import { generateWorkload, type CostTask } from './cost/workload.js';

const KEY = 'dk-bench-cost-0123456789abcdef0123';
const TASKS = Number(process.env.BENCH_COST_TASKS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_COST_CONCURRENCY ?? 48);
const TRAIN_CASES = Number(process.env.BENCH_COST_TRAIN ?? 600);
/** Share of hard (multi-step) and lookup tasks; the rest are FAQs. The saving depends mostly on the hard share. */
const HARD = Number(process.env.BENCH_COST_HARD ?? 0.03);
const LOOKUP = Number(process.env.BENCH_COST_LOOKUP ?? 0.17);
const REPEATS = Number(process.env.BENCH_COST_REPEATS ?? 0.3);
const MARGIN = 0.02;
const SYSTEM = 'You are the support assistant of an online shop. Answer the customer briefly and state the final answer.';

/** daca itself: two sim models, one agent. Cache and routing are applied by the optimiser (client side). */
const DACA_SPEC = `
server: { usage_flush_ms: 100, dev_key: false }
providers:
  sim: { kind: sim, seed: 42 }
models:
  gpt-4o-mini: { provider: sim, capability: 0.6, ttft_ms: 120, tokens_per_second: 250 }
  gpt-4o: { provider: sim, capability: 0.9, ttft_ms: 250, tokens_per_second: 120 }
tenants: { acme: {} }
teams: { care: { tenant: acme } }
agents:
  support: { team: care }
keys:
  support: { value: "${KEY}", agent: support }
`;

/** The optimiser's spec sections, as an operator would write them in daca.yaml. */
const OPTIMISER_SPEC = `
models:
  gpt-4o-mini: { provider: sim }
  gpt-4o: { provider: sim }
providers: { sim: { kind: sim } }
tenants: { acme: {} }
teams: { care: { tenant: acme } }
cache:
  exact: { enabled: true, ttl_s: 86400 }
  semantic: { enabled: true, threshold: 0.9, namespace_by: [tenant, agent] }
agents:
  support:
    team: care
    cache: { exact: true, semantic: true }
    routing:
      policy: router
      models: [gpt-4o-mini, gpt-4o]
      verifiers: [{ type: heuristic }, { type: consistency }]
      default: gpt-4o
`;

const r3 = (n: number): number => Math.round(n * 1000) / 1000;
const r6 = (n: number): number => Math.round(n * 1e6) / 1e6;

function grader(expected: string): { grade(ctx: GradeContext): { pass: boolean } } {
  const esc = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return regexGrader(`(?<![\\p{L}\\p{N}])${esc}(?![\\p{L}\\p{N}])`, 'iu') as { grade(ctx: GradeContext): { pass: boolean } };
}

function passes(expected: string, output: string): boolean {
  const ctx: GradeContext = { caseId: '', persona: 'neutral', input: '', output, expected, toolCalls: [], context: [], transcript: [], trial: 0 };
  return grader(expected).grade(ctx).pass;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : 0;
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

function request(t: CostTask, model: string): ChatRequest {
  return { model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: t.text }], temperature: 0 };
}

interface PhaseResult {
  success: number;
  latencies: number[];
  answers: (OptimisedAnswer | null)[];
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const daca = await startDaca({
    spec: parseSpecText(DACA_SPEC, 'bench-cost.yaml', {}),
    dataDir: mkdtempSync(join(tmpdir(), 'daca-bench-cost-')),
    adminKey: 'bench-admin-key-0123456789abcdef',
    devKey: false,
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'warn' }),
  });
  const client = new DacaClient(daca.url, KEY);
  try {
    // 1. Training eval: separate tasks (another seed), both models, through daca.
    const train = generateWorkload({ tasks: TRAIN_CASES, seed: 1001, repeatRate: 0, rewordRate: 0, mix: { faq: 1 / 3, lookup: 1 / 3, reasoning: 1 / 3 }, minRepeatDistance: 1 });
    const cases = train.map((t, i) => ({ id: `c${i}`, input: t.text, tags: [`task=${t.task}`], graders: [{ type: 'regex' as const, pattern: `(?<![\\p{L}\\p{N}])${t.expected}(?![\\p{L}\\p{N}])`, flags: 'iu' }] }));
    const suite = defineSuite({ name: 'support-routing', agent: { kind: 'prompt', model: 'gpt-4o', system: SYSTEM, temperature: 0 }, cases });
    const runs: RunResults[] = [];
    for (const model of ['gpt-4o-mini', 'gpt-4o']) {
      const sink = new MemoryRunStore();
      runs.push(await evaluate({ suite, sink, baseUrl: `${daca.url}/v1`, apiKey: KEY, model, seed: 1, concurrency: CONCURRENCY, headers: { 'x-daca-tags': 'phase=training', 'x-daca-agent': 'support' } }));
    }
    const learned = trainRouter({ suite: 'support-routing', system: SYSTEM, cases: cases.map((c) => ({ id: c.id, input: c.input, tags: c.tags })), runs, margin: MARGIN, cascade: true });
    const tTrain = performance.now();

    // 2./3. The workload.
    const tasks = generateWorkload({ tasks: TASKS, seed: 7, repeatRate: REPEATS, rewordRate: 0.33, mix: { faq: 1 - HARD - LOOKUP, lookup: LOOKUP, reasoning: HARD }, minRepeatDistance: CONCURRENCY * 2 });

    const baseline: PhaseResult = { success: 0, latencies: [], answers: [] };
    await pool(tasks, CONCURRENCY, async (t) => {
      const a = await client.chat(request(t, 'gpt-4o'), { 'x-daca-tags': `task=${t.task},phase=baseline`, 'x-daca-cache': 'off' });
      baseline.latencies.push(a.latencyMs);
      if (passes(t.expected, a.result.choices[0]?.message.content ?? '')) baseline.success++;
    });
    const tBase = performance.now();

    const optSpec = parseSpecText(OPTIMISER_SPEC, 'optimiser.yaml', {}).spec;
    const ex = optSpec.cache.exact;
    const sem = optSpec.cache.semantic;
    const routing = compileRouting('support', optSpec.agents.support!.routing!, optSpec, { learned });
    const optimiser = new CostOptimiser({
      exact: new ExactCache({ store: new MemoryCacheStore({ maxEntries: ex.max_entries, maxBytes: ex.max_mb * 1024 * 1024 }), ttlMs: ex.ttl_s * 1000, maxTemperature: ex.max_temperature }),
      semantic: new SemanticCache({ embedder: simEmbedder(), threshold: sem.threshold, namespaceBy: sem.namespace_by, guard: sem.guard, maxEntriesPerBucket: sem.max_entries, ttlMs: ex.ttl_s * 1000 }),
      routing: new Map([['support', routing]]),
      agentCache: new Map([['support', optSpec.agents.support!.cache!]]),
      priceOf: (m) => daca.services.catalog.resolve(m)?.price,
    });
    const optimised: PhaseResult = { success: 0, latencies: [], answers: new Array(tasks.length).fill(null) };
    await pool(tasks, CONCURRENCY, async (t, i) => {
      const s = performance.now();
      const req = request(t, 'gpt-4o');
      const headers = { 'x-daca-tags': `task=${t.task},phase=optimised` };
      const a = await optimiser.chat({ tenant: 'acme', agent: 'support', tags: { task: t.task }, model: 'gpt-4o', req }, async (model, r) => {
        const x = await client.chat({ ...r, model }, { ...headers, 'x-daca-cache': 'off' });
        return { result: x.result, costMicros: x.costMicros };
      });
      optimised.latencies.push(performance.now() - s);
      optimised.answers[i] = a;
      if (passes(t.expected, a.result.choices[0]?.message.content ?? '')) optimised.success++;
    });
    const tOpt = performance.now();

    // Costs from daca's own metering.
    await daca.services.recorder.flush();
    const usage = await daca.services.store.usage.query({ groupBy: ['tag:phase'] });
    const costOf = (phase: string): number => usage.groups.find((g) => g.key['tag:phase'] === phase)?.costMicros ?? 0;
    const callsOf = (phase: string): number => usage.groups.find((g) => g.key['tag:phase'] === phase)?.requests ?? 0;
    const n = tasks.length;
    const b = { cost: costOf('baseline'), rate: baseline.success / n };
    const o = { cost: costOf('optimised'), rate: optimised.success / n };
    const bCps = b.cost / 1e6 / Math.max(1, baseline.success);
    const oCps = o.cost / 1e6 / Math.max(1, optimised.success);

    const answers = optimised.answers.filter((a): a is OptimisedAnswer => a !== null);
    const hits = { exact: answers.filter((a) => a.cacheKind === 'exact').length, semantic: answers.filter((a) => a.cacheKind === 'semantic').length };
    const routed = answers.filter((a) => a.cache === 'miss');
    const byStart = new Map<string, number>();
    for (const a of routed) {
      const k = `${a.tried[0]?.model ?? a.model}${a.decision.verify ? ' (verified)' : ''}`;
      byStart.set(k, (byStart.get(k) ?? 0) + 1);
    }
    const escalated = routed.filter((a) => a.tried.length > 1).length;
    // A wrong semantic hit answers a different question than the one asked.
    const questionOf = new Map(tasks.filter((t) => t.repeat === 'no').map((t) => [t.text, t.question]));
    const wrongCacheHits = tasks.filter((t, i) => {
      const a = optimised.answers[i];
      return a?.cacheKind === 'semantic' && questionOf.get(a.cacheKey?.slice(a.cacheKey.lastIndexOf('|') + 1) ?? '') !== t.question;
    }).length;

    const byTask = await daca.services.store.usage.query({ groupBy: ['tag:phase', 'tag:task'] });
    const out = process.stdout;
    out.write(`\ndaca bench:cost — ${n} tasks (${tasks.filter((t) => t.repeat === 'no').length} unique; ${tasks.filter((t) => t.repeat === 'exact').length} exact repeats, ${tasks.filter((t) => t.repeat === 'reworded').length} reworded)\n`);
    out.write(`mix: ${['faq', 'lookup', 'reasoning'].map((k) => `${k} ${tasks.filter((t) => t.task === k).length}`).join(', ')}; models gpt-4o-mini (cap 0.6, $0.15/$0.60) and gpt-4o (cap 0.9, $2.50/$10.00)\n\n`);
    out.write(`router trained on ${TRAIN_CASES} eval cases × 2 models (margin ${MARGIN * 100} pp):\n`);
    for (const [k, r] of Object.entries(learned.routes)) out.write(`  ${k.padEnd(28)} → ${r.model}${r.verify ? ' + verify' : ''}   ${r.reason}\n`);
    out.write('\n');
    const row = (name: string, calls: number, cost: number, rate: number, cps: number, lat: number[]): string =>
      `${name.padEnd(10)} ${String(calls).padStart(6)} ${('$' + (cost / 1e6).toFixed(4)).padStart(10)} ${rate.toFixed(3).padStart(8)} ${('$' + cps.toFixed(6)).padStart(12)} ${percentile(lat, 0.5).toFixed(0).padStart(7)} ${percentile(lat, 0.95).toFixed(0).padStart(7)}\n`;
    out.write(`${'phase'.padEnd(10)} ${'calls'.padStart(6)} ${'cost'.padStart(10)} ${'success'.padStart(8)} ${'$/success'.padStart(12)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)}\n`);
    out.write(row('baseline', callsOf('baseline'), b.cost, b.rate, bCps, baseline.latencies));
    out.write(row('optimised', callsOf('optimised'), o.cost, o.rate, oCps, optimised.latencies));
    out.write('\ncost by task label:');
    for (const task of ['faq', 'lookup', 'reasoning']) {
      const c = (phase: string): number => byTask.groups.find((g) => g.key['tag:phase'] === phase && g.key['tag:task'] === task)?.costMicros ?? 0;
      out.write(`  ${task} $${(c('baseline') / 1e6).toFixed(4)} → $${(c('optimised') / 1e6).toFixed(4)}`);
    }
    out.write('\n');
    out.write(`\noptimised: cache hits ${hits.exact} exact + ${hits.semantic} semantic (${wrongCacheHits} answered a different question); routed ${routed.length}: ${[...byStart].map(([k, v]) => `${k} ${v}`).join(', ')}; escalated ${escalated}\n`);
    out.write(`time: training ${((tTrain - t0) / 1000).toFixed(1)} s, baseline ${((tBase - tTrain) / 1000).toFixed(1)} s, optimised ${((tOpt - tBase) / 1000).toFixed(1)} s\n\n`);
    const line = {
      tasks: n,
      baseline: { cost_per_success_usd: r6(bCps), success_rate: r3(b.rate), p50_ms: Math.round(percentile(baseline.latencies, 0.5)) },
      optimised: { cost_per_success_usd: r6(oCps), success_rate: r3(o.rate), p50_ms: Math.round(percentile(optimised.latencies, 0.5)), cache_hits: hits.exact + hits.semantic, escalations: escalated },
      cost_ratio: Math.round((bCps / oCps) * 100) / 100,
    };
    out.write(JSON.stringify(line) + '\n');
  } finally {
    client.close();
    await daca.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:cost failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
