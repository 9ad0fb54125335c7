/**
 * `npm run bench:gateway`: daca's own overhead on a request.
 *
 * A local OpenAI-compatible upstream with a fixed reply runs in its own process; daca (`daca up`,
 * embedded SQLite store, auth + metering + batched usage writes on) runs in another. The same load
 * generator calls the upstream directly and through daca, interleaved, at concurrency 1, 16 and 64,
 * plus a streaming run (time to first byte). Prints a table and ends with one JSON line:
 * overheads are daca − direct at concurrency 1; `rps_ratio` is daca / direct at concurrency 16.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { combineRounds as combine, runLoad, type LoadResult } from './load.js';
import { Children } from './support/children.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const durationMs = flag('duration', 3000);
/** `--guardrails`: turn on every deterministic content guardrail (input and output) in daca's spec. */
const withGuardrails = args.includes('--guardrails');
const rounds = flag('rounds', 2);
const children = new Children();

const r3 = (n: number): number => Math.round(n * 1000) / 1000;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'daca-bench-'));
  const upstream = (await children.start([join(here, 'fixed-upstream.js')], work, {}, /(http:\/\/\S+)/, 60_000)).value;
  const secret = 'dk-bench-0123456789abcdefghijklmnopqrstuv';
  writeFileSync(
    join(work, 'daca.yaml'),
    [
      'providers:',
      '  up: { kind: openai, base_url: "' + upstream + '" }',
      'models:',
      '  bench-model: { provider: up, price: { input: 0.15, output: 0.6 } }',
      'tenants: { bench: {} }',
      'teams: { perf: { tenant: bench } }',
      'agents: { bench-agent: { team: perf } }',
      'keys:',
      `  bench: { value: "${secret}", agent: bench-agent }`,
      'server: { dev_key: false }',
      ...(withGuardrails ? ['guardrails: { policy: {} }'] : []),
    ].join('\n'),
  );
  const daca = (await children.start([join(root, 'dist/src/cli/main.js'), 'up', '--port', '0', '--spec', 'daca.yaml', '--quiet'], work, { DACA_ADMIN_KEY: 'bench-admin-key-0123456789', DACA_LOG_LEVEL: 'warn' }, /(http:\/\/\S+)/, 60_000)).value;

  const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say hello to the team.' }] });
  const streamBody = JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'Say hello to the team.' }] });
  const direct = { url: `${upstream}/chat/completions`, headers: { authorization: 'Bearer upstream' } };
  const via = { url: `${daca}/v1/chat/completions`, headers: { authorization: `Bearer ${secret}` } };

  // Warm both paths (JIT, connection pools, SQLite pages).
  await runLoad({ ...direct, body, concurrency: 4, durationMs: 1500 });
  await runLoad({ ...via, body, concurrency: 4, durationMs: 1500 });

  const runs: { c: number; direct: LoadResult; daca: LoadResult }[] = [];
  for (const c of [1, 16, 64]) {
    const d: LoadResult[] = [];
    const g: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      d.push(await runLoad({ ...direct, body, concurrency: c, durationMs }));
      g.push(await runLoad({ ...via, body, concurrency: c, durationMs }));
    }
    runs.push({ c, direct: combine(d), daca: combine(g) });
  }
  const sd: LoadResult[] = [];
  const sg: LoadResult[] = [];
  for (let i = 0; i < rounds; i++) {
    sd.push(await runLoad({ ...direct, body: streamBody, concurrency: 1, durationMs, ttfb: true }));
    sg.push(await runLoad({ ...via, body: streamBody, concurrency: 1, durationMs, ttfb: true }));
  }
  const stream = { direct: combine(sd), daca: combine(sg) };

  const usage = (await (await fetch(`${daca}/api/usage?group_by=agent`, { headers: { authorization: 'Bearer bench-admin-key-0123456789' } })).json()) as { totals: { requests: number } };

  const c1 = runs[0]!;
  const c16 = runs[1]!;
  const result = {
    runs: runs.map((r) => ({
      c: r.c,
      direct: { rps: Math.round(r.direct.rps), p50_ms: r3(r.direct.p50_ms), p99_ms: r3(r.direct.p99_ms) },
      daca: { rps: Math.round(r.daca.rps), p50_ms: r3(r.daca.p50_ms), p99_ms: r3(r.daca.p99_ms) },
    })),
    overhead_p50_ms: r3(c1.daca.p50_ms - c1.direct.p50_ms),
    overhead_p99_ms: r3(c1.daca.p99_ms - c1.direct.p99_ms),
    rps_ratio: r3(c16.daca.rps / c16.direct.rps),
    stream: {
      direct_ttfb_p50_ms: r3(stream.direct.ttfb_p50_ms!),
      daca_ttfb_p50_ms: r3(stream.daca.ttfb_p50_ms!),
      ttfb_overhead_p50_ms: r3(stream.daca.ttfb_p50_ms! - stream.direct.ttfb_p50_ms!),
      direct_p50_ms: r3(stream.direct.p50_ms),
      daca_p50_ms: r3(stream.daca.p50_ms),
    },
    metered_requests: usage.totals.requests,
    guardrails: withGuardrails,
    tracing: !!process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
    errors: runs.reduce((n, r) => n + r.direct.errors + r.daca.errors, 0) + stream.direct.errors + stream.daca.errors,
  };

  console.log('concurrency  arm     rps      p50 ms   p99 ms');
  for (const r of result.runs)
    for (const arm of ['direct', 'daca'] as const)
      console.log(`${String(r.c).padStart(11)}  ${arm.padEnd(6)} ${String(r[arm].rps).padStart(7)}  ${r[arm].p50_ms.toFixed(3).padStart(7)}  ${r[arm].p99_ms.toFixed(3).padStart(7)}`);
  console.log(`streaming c=1: ttfb p50 direct ${result.stream.direct_ttfb_p50_ms} ms, daca ${result.stream.daca_ttfb_p50_ms} ms`);
  console.log(`overhead p50 ${result.overhead_p50_ms} ms, p99 ${result.overhead_p99_ms} ms; rps ratio at c=16 ${result.rps_ratio}; metered ${result.metered_requests} requests`);
  console.log(JSON.stringify(result));
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    children.killAll('SIGTERM');
  });
