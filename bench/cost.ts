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
 * 3. Optimised: the same tasks, each one plain request for gpt-4o, to a second daca whose spec turns
 *    on the exact and semantic caches and gives the agent the learned router with verified cascades
 *    (`routing: { policy: router, learned: <the trained file> }`): the gateway does all of it.
 *
 * Success: a grader (src/evals regex grader) checks the reply states the expected answer. Costs are
 * daca's own metering: the usage events of each phase (tag `phase=`), read back from the store; the
 * optimised rows also carry each routing decision and what the cache and routing saved.
 *
 * Prints a table and ends with one JSON line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defineSuite } from '../src/evals/define-suite.js';
import { evaluate } from '../src/evals/evaluate.js';
import { regexGrader } from '../src/evals/graders/text.js';
import type { GradeContext } from '../src/evals/graders/types.js';
import { MemoryRunStore } from '../src/evals/sinks/memory-sink.js';
import type { RunResults } from '../src/evals/results.js';
import { trainRouter } from '../src/cost/routing/train-router.js';
import type { UsageRecord } from '../src/metering/usage-record.js';
import type { ChatRequest } from '../src/providers/types.js';
import { startDaca } from '../src/server/serve.js';
import { parseSpecText } from '../src/spec/loader.js';
import { DacaClient } from './cost/daca-client.js';
import { quantileFloorIndex } from '../src/util/quantiles.js';
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

/** daca for training and the baseline: two sim models, one agent, no cache, no routing. */
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

/** The optimised daca: the same models, plus the cost sections an operator would add to daca.yaml. */
const OPTIMISED_SPEC = (learnedFile: string): string => `${DACA_SPEC.replace(/agents:[\s\S]*?keys:/, 'keys:')}
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
      learned: ${JSON.stringify(learnedFile)}
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

/** Percentile `p` (0..1) of latencies, index ⌊p · n⌋ of the sorted values; 0 for none. */
function percentile(xs: number[], p: number): number {
  return quantileFloorIndex(xs, p) ?? 0;
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
}

function startBenchDaca(specText: string, name: string) {
  return startDaca({
    spec: parseSpecText(specText, name, {}),
    dataDir: mkdtempSync(join(tmpdir(), 'daca-bench-cost-')),
    adminKey: 'bench-admin-key-0123456789abcdef',
    devKey: false,
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'warn' }),
  });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const daca = await startBenchDaca(DACA_SPEC, 'bench-cost.yaml');
  const client = new DacaClient(daca.url, KEY);
  let opt: Awaited<ReturnType<typeof startBenchDaca>> | null = null;
  let optClient: DacaClient | null = null;
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

    const baseline: PhaseResult = { success: 0, latencies: [] };
    await pool(tasks, CONCURRENCY, async (t) => {
      const a = await client.chat(request(t, 'gpt-4o'), { 'x-daca-tags': `task=${t.task},phase=baseline`, 'x-daca-cache': 'off' });
      baseline.latencies.push(a.latencyMs);
      if (passes(t.expected, a.result.choices[0]?.message.content ?? '')) baseline.success++;
    });
    const tBase = performance.now();

    const learnedFile = join(mkdtempSync(join(tmpdir(), 'daca-bench-router-')), 'support.json');
    writeFileSync(learnedFile, JSON.stringify(learned, null, 2));
    opt = await startBenchDaca(OPTIMISED_SPEC(learnedFile), 'bench-cost-optimised.yaml');
    optClient = new DacaClient(opt.url, KEY);
    const optimised: PhaseResult = { success: 0, latencies: [] };
    const passedById = new Map<string, boolean>();
    await pool(tasks, CONCURRENCY, async (t) => {
      const a = await optClient!.chat(request(t, 'gpt-4o'), { 'x-daca-tags': `task=${t.task},phase=optimised` });
      optimised.latencies.push(a.latencyMs);
      const ok = passes(t.expected, a.result.choices[0]?.message.content ?? '');
      passedById.set(a.requestId, ok);
      if (ok) optimised.success++;
    });
    const tOpt = performance.now();

    // Costs from daca's own metering (the baseline's node and the optimised node).
    await daca.services.recorder.flush();
    await opt.services.recorder.flush();
    const usage = [...(await daca.services.store.usage.query({ groupBy: ['tag:phase'] })).groups, ...(await opt.services.store.usage.query({ groupBy: ['tag:phase'] })).groups];
    const costOf = (phase: string): number => usage.find((g) => g.key['tag:phase'] === phase)?.costMicros ?? 0;
    const callsOf = (phase: string): number => usage.find((g) => g.key['tag:phase'] === phase)?.requests ?? 0;
    const optTotals = usage.find((g) => g.key['tag:phase'] === 'optimised')!;
    const n = tasks.length;
    const b = { cost: costOf('baseline'), rate: baseline.success / n };
    const o = { cost: costOf('optimised'), rate: optimised.success / n };
    const bCps = b.cost / 1e6 / Math.max(1, baseline.success);
    const oCps = o.cost / 1e6 / Math.max(1, optimised.success);

    // What the gateway recorded for each optimised request: its routing decision and savings.
    const rows: UsageRecord[] = await opt.services.store.usage.list({ tags: { phase: 'optimised' } });
    const hits = { exact: rows.filter((u) => u.routingReason?.startsWith('exact cache hit')).length, semantic: rows.filter((u) => u.routingReason?.startsWith('semantic cache hit')).length };
    const routed = rows.filter((u) => u.routingPolicy === 'router');
    const byModel = new Map<string, number>();
    const escalatedRow = (u: UsageRecord): boolean => /; escalated /.test(u.routingReason ?? '');
    for (const u of routed) {
      const k = escalatedRow(u) ? `escalated to ${u.model}` : `${u.model}${/, verified/.test(u.routingReason ?? '') ? ' (verified)' : ''}`;
      byModel.set(k, (byModel.get(k) ?? 0) + 1);
    }
    const escalated = routed.filter(escalatedRow).length;
    // A wrong semantic hit answers another question than the one asked: its answer fails the grader.
    const wrongCacheHits = rows.filter((u) => u.routingReason?.startsWith('semantic cache hit') && passedById.get(u.id) === false).length;

    const byTask = [...(await daca.services.store.usage.query({ groupBy: ['tag:phase', 'tag:task'] })).groups, ...(await opt.services.store.usage.query({ groupBy: ['tag:phase', 'tag:task'] })).groups];
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
      const c = (phase: string): number => byTask.find((g) => g.key['tag:phase'] === phase && g.key['tag:task'] === task)?.costMicros ?? 0;
      out.write(`  ${task} $${(c('baseline') / 1e6).toFixed(4)} → $${(c('optimised') / 1e6).toFixed(4)}`);
    }
    out.write('\n');
    out.write(`\noptimised (as the gateway recorded it): cache hits ${hits.exact} exact + ${hits.semantic} semantic (${wrongCacheHits} semantic hits graded wrong); routed ${routed.length}: ${[...byModel].map(([k, v]) => `${k} ${v}`).join(', ')}; escalated ${escalated}\n`);
    out.write(`saved against gpt-4o without cache: by the cache $${(optTotals.savedByCacheMicros / 1e6).toFixed(4)}, by routing $${(optTotals.savedByRoutingMicros / 1e6).toFixed(4)}\n`);
    out.write(`time: training ${((tTrain - t0) / 1000).toFixed(1)} s, baseline ${((tBase - tTrain) / 1000).toFixed(1)} s, optimised ${((tOpt - tBase) / 1000).toFixed(1)} s\n\n`);
    const line = {
      tasks: n,
      baseline: { cost_per_success_usd: r6(bCps), success_rate: r3(b.rate), p50_ms: Math.round(percentile(baseline.latencies, 0.5)) },
      optimised: { cost_per_success_usd: r6(oCps), success_rate: r3(o.rate), p50_ms: Math.round(percentile(optimised.latencies, 0.5)), cache_hits: hits.exact + hits.semantic, escalations: escalated, saved_by_cache_usd: r6(optTotals.savedByCacheMicros / 1e6), saved_by_routing_usd: r6(optTotals.savedByRoutingMicros / 1e6) },
      cost_ratio: Math.round((bCps / oCps) * 100) / 100,
    };
    out.write(JSON.stringify(line) + '\n');
  } finally {
    client.close();
    optClient?.close();
    await daca.close();
    await opt?.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:cost failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
