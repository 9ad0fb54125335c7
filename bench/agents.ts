/**
 * bench:agents — 10,000 live agents on one node, each with its own state, receiving work.
 *
 * Work items are published on the bus (`agents.work.<type>`, in-process bus, or NATS when
 * `DACA_NATS_URL` is set); one subscription per agent type hands each item to its agent instance
 * in the `AgentPool` (a `defineAgent` turn: one at a time per instance, state updated); a tenth of
 * the turns send a message on to a peer agent, and a small share make a model call through the
 * real gateway (sim provider), metered to the instance. The load is closed-loop (a fixed number
 * of items in flight). Latency is publish → turn done.
 *
 * Baseline in the same run: the same state updates as plain function calls on a Map (no bus, no
 * pool), to show what the agent layer costs per message.
 *
 * `npm run bench:agents [-- --agents 10000 --seconds 10 --inflight 500 --model-share 0.002]`
 * prints a table and, last, one JSON line `{"live_agents","msgs_per_s","p99_ms","rss_mb_per_1k_agents"}`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { openBus } from '../src/bus/open-bus.js';
import { AgentPool } from '../src/orchestration/agent-pool.js';
import { defineAgent } from '../src/runtime/define-agent.js';
import { GatewayModelClient } from '../src/runtime/model-client.js';
import type { AgentMessage } from '../src/runtime/types.js';
import { createServices } from '../src/server/services.js';
import { loadMarketSpec } from '../src/orchestration/marketplace/market-spec.js';
import { quantileNearestRankSorted } from '../src/util/quantiles.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    inflight: { type: 'string', default: '500' },
    'model-share': { type: 'string', default: '0.002' },
    types: { type: 'string', default: '4' },
  },
  allowPositionals: true,
});
const AGENTS = Number(values.agents);
const SECONDS = Number(values.seconds);
const INFLIGHT = Number(values.inflight);
const MODEL_SHARE = Number(values['model-share']);
const TYPES = Math.max(1, Number(values.types));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const rssMb = (): number => {
  gc();
  gc();
  return process.memoryUsage().rss / 1048576;
};

interface WorkerState {
  n: number;
  sum: number;
  last: number[];
  peers: number;
  spent: number;
}

const services = await createServices({ spec: loadMarketSpec(), dataDir: mkdtempSync(join(tmpdir(), 'daca-agents-')), devKey: false, logger: pino({ level: 'silent' }) });
const bus = await openBus({ natsUrl: process.env.DACA_NATS_URL, env: {}, memory: { maxMessages: 10_000 }, nats: { stream: 'DACA_BENCH_AGENTS', prefix: 'daca-bench' } });
const pool = new AgentPool({ models: new GatewayModelClient(services.gateway), tenant: 'market', team: 'buyers' });
const types = Array.from({ length: TYPES }, (_, i) => `worker${i}`);
const perType = Math.ceil(AGENTS / TYPES);

let peerMsgs = 0;
let modelCalls = 0;
for (const name of types) {
  pool.register(
    defineAgent<WorkerState>({
      name,
      state: { n: 0, sum: 0, last: [], peers: 0, spent: 0 },
      handlers: {
        async onMessage(ctx, m) {
          const d = m.parts[0]?.kind === 'data' ? m.parts[0].data : {};
          const v = typeof d.v === 'number' ? d.v : 0;
          const s = ctx.state;
          s.n++;
          s.sum += v;
          s.last.push(v);
          if (s.last.length > 8) s.last.shift();
          if (d.peer === true) {
            s.peers++;
            return;
          }
          if (v % 10 === 0) {
            peerMsgs++;
            const t = types[(v >>> 4) % TYPES]!;
            pool.tell(t, String((v >>> 8) % perType), { role: 'agent', parts: [{ kind: 'data', data: { v: v + 1, peer: true } }] });
          }
          if (MODEL_SHARE > 0 && (v % 10_000) / 10_000 < MODEL_SHARE) {
            modelCalls++;
            try {
              const r = await ctx.model.chat({ model: 'negotiator', messages: [{ role: 'user', content: `Summarise ${s.last.join(',')} [sim:tokens=8]` }], max_tokens: 16 });
              s.spent += r.usage.costMicros;
            } catch {
              /* budget refusals are fine: the agent carries on */
            }
          }
        },
      },
    }),
  );
}

// ── Spawn: every agent gets its first message; RSS per 1k agents ────────────
const rss0 = rssMb();
const tSpawn = performance.now();
for (let i = 0; i < AGENTS; i++) pool.tell(types[i % TYPES]!, String(Math.floor(i / TYPES)), { role: 'agent', parts: [{ kind: 'data', data: { v: 1, peer: true } }] });
await pool.whenIdle();
const spawnMs = performance.now() - tSpawn;
const rss1 = rssMb();
const live0 = pool.live();

// ── Load: closed loop through the bus ───────────────────────────────────────
const lat: number[] = [];
const sent = new Map<string, number>();
let done = 0;
let seq = 0;
let stop = false;
let resolveDone: () => void = () => {};
const finished = new Promise<void>((r) => (resolveDone = r));
let inflight = 0;
for (const t of types)
  await bus.subscribe(
    `agents.work.${t}`,
    async (msg) => {
      const d = msg.data as { id: string; v: number; k: string };
      const m: AgentMessage = { role: 'agent', parts: [{ kind: 'data', data: { v: d.v } }] };
      await pool.call(t, d.id, 'onMessage', m);
      const t0 = sent.get(d.k)!;
      sent.delete(d.k);
      lat.push(performance.now() - t0);
      done++;
      inflight--;
      if (!stop) publishOne();
      else if (inflight === 0) resolveDone();
    },
    { concurrency: INFLIGHT },
  );

function publishOne(): void {
  const i = seq++;
  const v = (Math.imul(i, 2654435761) >>> 0) % 1_000_000;
  const a = v % AGENTS;
  const k = String(i);
  sent.set(k, performance.now());
  inflight++;
  void bus.publish(`agents.work.${types[a % TYPES]}`, { id: String(Math.floor(a / TYPES)), v, k });
}

const tLoad = performance.now();
for (let i = 0; i < INFLIGHT; i++) publishOne();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
stop = true;
const loadMs = performance.now() - tLoad;
const doneAtStop = done;
await finished;
await pool.whenIdle();
const live1 = pool.live();
lat.sort((a, b) => a - b);
const q = (p: number): number => quantileNearestRankSorted(lat, p) ?? 0;
const rss2 = process.memoryUsage().rss / 1048576;

// ── Baseline: the same state updates as plain calls on a Map ────────────────
const plain = new Map<string, WorkerState>();
for (let i = 0; i < AGENTS; i++) plain.set(String(i), { n: 0, sum: 0, last: [], peers: 0, spent: 0 });
const tBase = performance.now();
let baseOps = 0;
while (performance.now() - tBase < 1000)
  for (let k = 0; k < 10_000; k++, baseOps++) {
    const v = (Math.imul(baseOps, 2654435761) >>> 0) % 1_000_000;
    const s = plain.get(String(v % AGENTS))!;
    s.n++;
    s.sum += v;
    s.last.push(v);
    if (s.last.length > 8) s.last.shift();
  }
const baseRate = baseOps / ((performance.now() - tBase) / 1000);

const msgsPerS = Math.round(doneAtStop / (loadMs / 1000));
const result = {
  live_agents: Math.min(live0, live1),
  msgs_per_s: msgsPerS,
  p99_ms: Math.round(q(0.99) * 10) / 10,
  rss_mb_per_1k_agents: Math.round(((rss1 - rss0) / (AGENTS / 1000)) * 100) / 100,
};
const rows: [string, string][] = [
  ['agents (types)', `${AGENTS} (${TYPES})`],
  ['spawn all', `${Math.round(spawnMs)} ms`],
  ['live after spawn / after load', `${live0} / ${live1}`],
  ['bus', bus.kind],
  ['messages handled (in flight)', `${doneAtStop} in ${(loadMs / 1000).toFixed(1)} s (${INFLIGHT})`],
  ['messages / s', String(msgsPerS)],
  ['agent-to-agent messages', String(peerMsgs)],
  ['model calls through the gateway', String(modelCalls)],
  ['latency p50 / p99 / max', `${q(0.5).toFixed(1)} / ${q(0.99).toFixed(1)} / ${q(1).toFixed(1)} ms`],
  ['RSS before / after spawn / after load', `${rss0.toFixed(0)} / ${rss1.toFixed(0)} / ${rss2.toFixed(0)} MiB`],
  ['RSS per 1k agents', `${result.rss_mb_per_1k_agents} MiB`],
  ['baseline (plain Map updates) / s', String(Math.round(baseRate))],
  ['agent layer cost vs baseline', `${(baseRate / Math.max(1, msgsPerS)).toFixed(0)}x per message`],
];
const w = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
// The figures are final: print them before cleanup, then close with a bound (a close that never
// settles must not swallow the result line; it is reported on stderr instead).
console.log(JSON.stringify(result));
const keepAlive = setInterval(() => {}, 1000);
const closed = await Promise.race([
  (async () => {
    await bus.close();
    await services.close();
    return true;
  })(),
  new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
]);
clearInterval(keepAlive);
if (!closed) console.error('warning: bus or services did not close within 10 s');
process.exit(0);
