/**
 * The runtime half of bench:mesh: durable agent calls through daca's runtime (`AgentRuntime.invoke`
 * → Restate ingress → daca's endpoint → `defineAgent` turn with durable state) against bare
 * Restate virtual-object calls (ingress → a plain SDK object doing the same get/set) on the same
 * restate-server, in the same run, at concurrency 64. Arms alternate (raw, daca, raw, daca) and
 * each arm's rate is the mean of its rounds.
 *
 * Run alone: `node dist/bench/runtime.js` prints a table and one JSON line
 * `{"runtime_calls_per_s","raw_restate_calls_per_s","runtime_vs_raw_restate",...}`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentRuntime } from '../src/runtime/agent-runtime.js';
import { defineAgent } from '../src/runtime/define-agent.js';
import { IngressClient, registerDeployment } from '../src/runtime/ingress-client.js';
import { RestateEndpoint } from '../src/runtime/restate-endpoint.js';
import { object, type ObjectContext } from '../src/runtime/restate-sdk.js';
import { loadDefaultSpec } from '../src/spec/default-spec.js';
import type { AgentModelClient } from '../src/runtime/model-client.js';

/** The figures of the runtime benchmark. */
export interface RuntimeBenchResult {
  runtime_calls_per_s: number;
  raw_restate_calls_per_s: number;
  runtime_vs_raw_restate: number;
}

/** Options (defaults: concurrency 64, 2 rounds of 4 s per arm after a 4 s warm-up). */
export interface RuntimeBenchOptions {
  concurrency?: number;
  roundMs?: number;
  rounds?: number;
  warmupMs?: number;
  log?: (line: string) => void;
}

const rawCounter = object({
  name: 'RawCounter',
  handlers: {
    add: async (ctx: ObjectContext, input: { text: string }): Promise<{ n: number; text: string }> => {
      const n = ((await ctx.get<number>('n')) ?? 0) + 1;
      ctx.set('n', n);
      return { n, text: input.text };
    },
  },
});

const benchCounter = defineAgent({
  name: 'bench-counter',
  durable: true,
  skills: ['count'],
  state: { n: 0 },
  handlers: {
    onMessage(ctx) {
      ctx.state.n += 1;
      return String(ctx.state.n);
    },
  },
});

const noModels: AgentModelClient = { chat: () => Promise.reject(new Error('no model calls in this benchmark')) };

/** CPU ms used so far by process `pid` (from /proc; 0 when unavailable). */
function procCpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

interface Round {
  calls: number;
  errors: number;
  rate: number;
  /** CPU µs per call in this (daca + client) process and in restate-server. */
  nodeCpuUs: number;
  restateCpuUs: number;
}

async function drive(concurrency: number, ms: number, call: (worker: number) => Promise<unknown>, restatePid?: number): Promise<Round> {
  const until = performance.now() + ms;
  const cpu0 = process.cpuUsage();
  const r0 = procCpuMs(restatePid);
  let calls = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < until) {
        try {
          await call(w);
          calls++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const n = Math.max(1, calls);
  return { calls, errors, rate: calls / ((performance.now() - t0) / 1000), nodeCpuUs: (cpu.user + cpu.system) / n, restateCpuUs: ((procCpuMs(restatePid) - r0) * 1000) / n };
}

/** Measures daca's durable runtime against bare Restate on one spawned restate-server. */
export async function measureRuntime(opts: RuntimeBenchOptions = {}): Promise<RuntimeBenchResult & { errors: number; rounds: ({ arm: string } & Round)[] }> {
  const c = opts.concurrency ?? 64;
  const warmupMs = opts.warmupMs ?? 4000;
  const roundMs = opts.roundMs ?? 4000;
  const rounds = opts.rounds ?? 2;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'daca-bench-runtime-'));
  const spec = loadDefaultSpec().spec;
  const runtime = new AgentRuntime({ spec: { ...spec, agents: {} }, dataDir: dir, models: noModels });
  const raw = new RestateEndpoint();
  let ingress: IngressClient | null = null;
  try {
    await runtime.register(benchCounter);
    await runtime.start();
    const urls = runtime.restateUrls!;
    const port = await raw.listen(0);
    raw.setServices([rawCounter]);
    await registerDeployment(urls.admin, `http://127.0.0.1:${port}`);
    ingress = new IngressClient(urls.ingress);
    const client = ingress;
    const msg = { role: 'user' as const, parts: [{ kind: 'text' as const, text: 'inc' }] };
    const arms = {
      raw: (w: number) => client.callObject('RawCounter', `k${w}`, 'add', { text: 'inc' }),
      daca: async (w: number) => {
        const r = await runtime.invoke('bench-counter', `k${w}`, msg);
        if (r.state !== 'completed') throw new Error(r.error?.message ?? r.state);
      },
    };
    log(`warm-up ${warmupMs} ms (both arms) at concurrency ${c}`);
    await drive(c, warmupMs / 2, arms.raw);
    await drive(c, warmupMs / 2, arms.daca);
    const out: ({ arm: string } & Round)[] = [];
    const pid = runtime.restateServer?.pid;
    let errors = 0;
    for (let i = 0; i < rounds; i++)
      for (const arm of ['raw', 'daca'] as const) {
        const r = await drive(c, roundMs, arms[arm], pid);
        errors += r.errors;
        out.push({ arm, ...r });
        log(`round ${i + 1} ${arm.padEnd(4)} ${r.rate.toFixed(0).padStart(6)} calls/s (${r.calls} calls, ${r.errors} errors)  cpu/call: node ${r.nodeCpuUs.toFixed(0)} µs, restate-server ${r.restateCpuUs.toFixed(0)} µs`);
      }
    const mean = (arm: string) => {
      const xs = out.filter((o) => o.arm === arm).map((o) => o.rate);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    const rawRate = mean('raw');
    const dacaRate = mean('daca');
    return {
      runtime_calls_per_s: Math.round(dacaRate),
      raw_restate_calls_per_s: Math.round(rawRate),
      runtime_vs_raw_restate: Math.round((dacaRate / rawRate) * 1000) / 1000,
      errors,
      rounds: out,
    };
  } finally {
    ingress?.close();
    await raw.close();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  measureRuntime({ log: (l) => console.log(l) })
    .then((r) => {
      console.log(`daca runtime ${r.runtime_calls_per_s} calls/s, bare Restate ${r.raw_restate_calls_per_s} calls/s, ratio ${r.runtime_vs_raw_restate}`);
      console.log(JSON.stringify({ runtime_calls_per_s: r.runtime_calls_per_s, raw_restate_calls_per_s: r.raw_restate_calls_per_s, runtime_vs_raw_restate: r.runtime_vs_raw_restate }));
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
