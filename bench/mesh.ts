/**
 * `npm run bench:mesh [-- --routing-set FILE]`: what the mesh costs and how well it routes.
 *
 * Sim A2A agents run in their own processes: `echo` (one instance) and `seller` (three
 * instances); daca (`daca up`, embedded store) runs in another and knows them as external agents.
 * Measured in the same run:
 * - hop overhead: the same A2A `message/send` to `echo` directly and through daca's
 *   `/a2a/echo/` (auth, policy, balancing, tracing, forwarding), interleaved; p50/p99 at
 *   concurrency 1, rate ratio at 16;
 * - routing: decision time of the offline matcher, accuracy and near-misses routed on the labelled
 *   set (`test/fixtures/routing/*.jsonl`, or `--routing-set FILE` whose skills replace the mesh's);
 * - e2e p99 of buyer → seller calls through the mesh at concurrency 64;
 * - failover: one seller instance is killed (SIGKILL) under load; the time until calls are
 *   served normally again, and whether any call failed;
 * - the runtime figures from bench/runtime.ts (`measureRuntime()`): durable agent calls through
 *   daca's runtime against bare Restate virtual-object calls.
 * Prints a table and ends with one JSON line.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:http';
import { median } from '../src/util/quantiles.js';
import { combineRounds as combine, runLoad, type LoadResult } from './load.js';
import { Children, type StartedChild } from './support/children.js';
import { loadRoutingSet, scoreRoutingSet, type RoutingSet } from '../src/mesh/routing/routing-set.js';
import { SkillIndex } from '../src/mesh/routing/skill-index.js';
import { DEFAULT_MESH_SPEC } from '../src/mesh/mesh-spec.js';
import { benchArgs } from './support/args.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { opt } = benchArgs();
const durationMs = Number(opt('duration') ?? 3000);
const rounds = Number(opt('rounds') ?? 2);
const children = new Children();
const r3 = (n: number): number => Math.round(n * 1000) / 1000;
const log = (s: string): void => console.log(s);

/** The labelled routing sets: `--routing-set FILE`, else every file of test/fixtures/routing (each file is its own mesh). */
function routingSets(): { sets: RoutingSet[]; source: string } {
  const file = opt('routing-set');
  if (file) return { sets: [loadRoutingSet(resolve(process.cwd(), file))], source: file };
  const dir = join(root, 'test/fixtures/routing');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  return { sets: files.map((f) => loadRoutingSet(join(dir, f))), source: files.join(', ') };
}

/** Accuracy, near-misses routed and decision time of the mesh's matcher (the set's skills replace the mesh's). */
function scoreRouting(): { accuracy: number; nearMisses: number; decisionP50Us: number } {
  const { sets, source } = routingSets();
  let routable = 0;
  let right = 0;
  let near = 0;
  let nearRouted = 0;
  let skills = 0;
  const times: number[] = [];
  for (const s of sets) {
    skills += s.skills.length;
    const index = new SkillIndex(s.skills, { threshold: DEFAULT_MESH_SPEC.routing.threshold });
    const score = scoreRoutingSet(s, index);
    routable += score.routable;
    right += Math.round(score.accuracy * score.routable);
    near += score.nearMisses;
    nearRouted += Math.round(score.nearMissesRouted * score.nearMisses);
    // decision time: every request, many times, after a warm-up
    for (let w = 0; w < 3; w++) for (const r of s.requests) index.match(r.text);
    for (let k = 0; k < 20; k++)
      for (const r of s.requests) {
        const t0 = performance.now();
        index.match(r.text);
        times.push((performance.now() - t0) * 1000);
      }
  }
  log(`routing set: ${source} — ${skills} skills, ${routable} routable requests, ${near} near-misses`);
  return { accuracy: routable ? right / routable : 1, nearMisses: near ? nearRouted / near : 0, decisionP50Us: median(times) ?? NaN };
}

function rpcBody(text: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'bench', role: 'user', parts: [{ kind: 'text', text }] } } });
}

/** Closed-loop load that records each call's start, end and status (for the failover window). */
async function loadWithTimeline(url: string, headers: Record<string, string>, body: string, concurrency: number, durationMs: number, during: (t0: number) => Promise<void>) {
  const u = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const calls: { start: number; end: number; ok: boolean }[] = [];
  const h = { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  const one = (): Promise<void> =>
    new Promise((done) => {
      const start = performance.now();
      const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: h }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          calls.push({ start, end: performance.now(), ok: res.statusCode === 200 && text.includes('"result"') });
          done();
        });
      });
      req.on('error', () => {
        calls.push({ start, end: performance.now(), ok: false });
        done();
      });
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) await one();
  };
  await Promise.all([...Array.from({ length: concurrency }, worker), during(t0)]);
  agent.destroy();
  return calls;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'daca-bench-mesh-'));
  const simMain = join(root, 'dist/src/mesh/sim/sim-agent-main.js');

  // ---- routing (in process: the mesh's matcher on the labelled set) ----
  const routing = scoreRouting();
  log(`routing: accuracy ${r3(routing.accuracy)}, near-misses routed ${r3(routing.nearMisses)}, decision p50 ${r3(routing.decisionP50Us)} µs`);

  // ---- agents and daca ----
  const echo = await children.start([simMain, '--name', 'echo', '--skills', 'echo:Echo'], work, {}, /"url":"([^"]+)"/);
  const sellers: StartedChild[] = [];
  for (let i = 0; i < 3; i++) sellers.push(await children.start([simMain, '--name', 'seller', '--delay-ms', '2', '--skills', 'quote:Price quote'], work, {}, /"url":"([^"]+)"/));
  const buyer = 'dk-bench-buyer-0123456789abcdefghijklmnop';
  writeFileSync(
    join(work, 'daca.yaml'),
    [
      'tenants: { shop: {} }',
      'teams: { buying: { tenant: shop } }',
      'agents: { buyer: { team: buying } }',
      'keys:',
      `  buyer: { value: "${buyer}", agent: buyer }`,
      'server: { dev_key: false }',
      'mesh:',
      '  slos:',
      '    seller: { deadline_ms: 2000, idempotent: true, p99_ms: 500 }',
      '    echo: { deadline_ms: 2000, idempotent: true }',
      '  policies:',
      '    - { callers: [buyer], skills: ["seller/*", "echo/*"] }',
      '  balancing: { max_in_flight: 128, max_queue: 1024 }',
      '  registry: { heartbeat_ms: 1000, ttl_ms: 5000 }',
      '  external_agents:',
      `    echo: { url: "${echo.value}", tenant: shop }`,
      `    seller: { url: "${sellers[0]!.value}", instances: ["${sellers[1]!.value}", "${sellers[2]!.value}"], tenant: shop }`,
    ].join('\n'),
  );
  const daca = (await children.start([join(root, 'dist/src/cli/main.js'), 'up', '--port', '0', '--spec', 'daca.yaml', '--quiet'], work, { DACA_ADMIN_KEY: 'bench-admin-key-0123456789', DACA_LOG_LEVEL: 'warn' }, /(http:\/\/\S+)/)).value;
  const auth = { authorization: `Bearer ${buyer}` };
  // wait until the mesh knows all four instances
  for (let i = 0; i < 100; i++) {
    const r = (await (await fetch(`${daca}/api/mesh/agents`, { headers: { authorization: 'Bearer bench-admin-key-0123456789' } })).json()) as { agents: { agent: string; instances: unknown[] }[] };
    if (r.agents.find((a) => a.agent === 'seller')?.instances.length === 3 && r.agents.some((a) => a.agent === 'echo')) break;
    await new Promise((res) => setTimeout(res, 100));
  }

  // ---- hop overhead ----
  const body = rpcBody('How much are three blue kettles?');
  const direct = { url: `${echo.value}/`, headers: {} };
  const via = { url: `${daca}/a2a/echo/`, headers: auth };
  await runLoad({ ...direct, body, concurrency: 4, durationMs: 1500 });
  await runLoad({ ...via, body, concurrency: 4, durationMs: 1500 });
  const hop: { c: number; direct: LoadResult; mesh: LoadResult }[] = [];
  for (const c of [1, 16]) {
    const d: LoadResult[] = [];
    const m: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      d.push(await runLoad({ ...direct, body, concurrency: c, durationMs }));
      m.push(await runLoad({ ...via, body, concurrency: c, durationMs }));
    }
    hop.push({ c, direct: combine(d), mesh: combine(m) });
  }

  // ---- e2e buyer → seller at c=64 ----
  const sellerVia = { url: `${daca}/a2a/seller/`, headers: auth };
  await runLoad({ ...sellerVia, body, concurrency: 16, durationMs: 1000 });
  const e2e = await runLoad({ ...sellerVia, body, concurrency: 64, durationMs });

  // ---- failover: kill one seller under load ----
  let killAt = 0;
  const calls = await loadWithTimeline(sellerVia.url, auth, body, 16, 4000, async (t0) => {
    await new Promise((res) => setTimeout(res, 1500));
    killAt = performance.now();
    sellers[1]!.child.kill('SIGKILL');
    void t0;
  });
  const before = calls.filter((c) => c.end < killAt && c.ok).map((c) => c.end - c.start);
  const baseline = median(before) ?? NaN;
  // calls in flight at the kill or started after it: failover is over when they are served at the
  // usual latency again; its time is the longest extra wait any of them had
  const affected = calls.filter((c) => c.end >= killAt);
  const failedAfter = affected.filter((c) => !c.ok).length;
  const extra = affected.filter((c) => c.start <= killAt + 1000).map((c) => c.end - Math.max(c.start, killAt) - baseline);
  const failoverMs = failedAfter > 0 ? Number.POSITIVE_INFINITY : Math.max(0, ...extra);
  log(`failover: killed 1 of 3 seller instances under load; ${affected.length} calls after the kill, ${failedAfter} failed, longest extra wait ${r3(failoverMs)} ms`);

  // ---- runtime (durable agents on Restate vs bare Restate) ----
  let runtime = { runtime_calls_per_s: 0, raw_restate_calls_per_s: 0, runtime_vs_raw_restate: 0 };
  try {
    const { measureRuntime } = (await import('./runtime.js')) as typeof import('./runtime.js');
    const r = await measureRuntime({ log });
    runtime = { runtime_calls_per_s: r.runtime_calls_per_s, raw_restate_calls_per_s: r.raw_restate_calls_per_s, runtime_vs_raw_restate: r.runtime_vs_raw_restate };
  } catch (e) {
    log(`runtime figures unavailable: ${e instanceof Error ? e.message : String(e)}`);
  }

  const c1 = hop[0]!;
  const c16 = hop[1]!;
  console.log('\nconcurrency  arm      rps      p50 ms   p99 ms');
  for (const r of hop) {
    for (const [arm, v] of [['direct', r.direct], ['mesh', r.mesh]] as const) console.log(`${String(r.c).padStart(11)}  ${arm.padEnd(7)} ${String(Math.round(v.rps)).padStart(6)}   ${r3(v.p50_ms).toFixed(3).padStart(6)}   ${r3(v.p99_ms).toFixed(3).padStart(6)}`);
  }
  console.log(`e2e buyer→seller c=64: ${Math.round(e2e.rps)} rps, p50 ${r3(e2e.p50_ms)} ms, p99 ${r3(e2e.p99_ms)} ms, ${e2e.errors} errors`);
  const errors = hop.reduce((n, r) => n + r.direct.errors + r.mesh.errors, 0) + e2e.errors;
  if (errors) console.log(`errors during the hop/e2e runs: ${errors}`);
  const result = {
    hop_overhead_p50_ms: r3(c1.mesh.p50_ms - c1.direct.p50_ms),
    hop_overhead_p99_ms: r3(c1.mesh.p99_ms - c1.direct.p99_ms),
    rps_ratio: r3(c16.mesh.rps / c16.direct.rps),
    route_decision_p50_us: r3(routing.decisionP50Us),
    failover_ms: Number.isFinite(failoverMs) ? r3(failoverMs) : -1,
    routing_accuracy: r3(routing.accuracy),
    near_misses_routed: r3(routing.nearMisses),
    e2e_p99_ms: r3(e2e.p99_ms),
    runtime_calls_per_s: runtime.runtime_calls_per_s,
    raw_restate_calls_per_s: runtime.raw_restate_calls_per_s,
    runtime_vs_raw_restate: runtime.runtime_vs_raw_restate,
  };
  console.log(JSON.stringify(result));
}

const stop = (): void => {
  children.killAll('SIGKILL');
};
main()
  .then(() => {
    stop();
    process.exit(0);
  })
  .catch((e: unknown) => {
    console.error(e);
    stop();
    process.exit(1);
  });

