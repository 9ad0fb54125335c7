/**
 * `npm run bench:audit`: audit ledger throughput and latency.
 *
 * - SQLite batched: appends as fast as a busy gateway would (yielding to the event loop every 500
 *   records so batches flush while appends continue), records/s from the first append until all
 *   are committed. Best of `--rounds`.
 * - SQLite strict: sequential `appendAndWait()` (one request at a time), p50 latency; plus 16
 *   concurrent callers sharing transactions (group commit).
 * - PostgreSQL (DACA_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test, own schema):
 *   the same two figures; null when PostgreSQL is unreachable.
 * - Gateway overhead: a node:http server whose handler does what the gateway does per request
 *   (parse the body, build the gateway_request audit entry, append it) against the same handler
 *   without auditing, at concurrency 1; p50 difference. (Until the audit writer is wired into the
 *   gateway pipeline this stands in for it; bench/gateway.ts measures the real gateway.)
 * Prints a table and ends with one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { openAuditLedger, type AuditLedger } from '../src/compliance/audit-ledger.js';
import type { AuditEntry } from '../src/compliance/audit-types.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import { quantileFloorIndex } from '../src/util/quantiles.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = flag('records', 200_000);
const ROUNDS = flag('rounds', 2);
const STRICT_N = flag('strict', 2000);
const PG_URL = process.env.DACA_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** `--only sqlite|pg|gateway` runs one part (for profiling); the JSON line then has nulls for the rest. */
const ONLY = ((): string | null => {
  const i = args.indexOf('--only');
  return i >= 0 ? args[i + 1]! : null;
})();
const part = (name: string): boolean => ONLY === null || ONLY === name;

function entry(i: number): AuditEntry {
  return {
    kind: 'gateway_request', tenant: 'acme', actor: { kind: 'key', id: 'key_bench' }, agent: `agent-${i % 50}`,
    refs: { requestId: `req_${i.toString(36)}_${(i * 7919) % 100_003}`, session: `sess_${i % 997}`, traceId: `tr_${i.toString(16)}` },
    inputs: { model: 'small', messages_sha256: 'ab'.repeat(32), message_count: 3 },
    decision: {
      action: 'allowed',
      reasons: [{ source: 'guardrail', name: 'pii', effect: 'allow' }, { source: 'budget', name: 'team:support/day', effect: 'allow' }],
      route: { requestedModel: 'small', model: 'small', provider: 'sim', upstreamModel: 'sim-small' },
    },
    outcome: { status: 200, input_tokens: 120, output_tokens: 40, latency_ms: 312.5 },
    costMicros: 1234,
  };
}

const pct = (xs: number[], q: number): number => quantileFloorIndex(xs, q) ?? NaN;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** CPU time of the whole process (every thread: the event loop and the audit worker) per batched record, µs. */
let cpuPerRecord: number[] = [];

async function batched(ledger: AuditLedger, n: number): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    ledger.append(entry(i));
    if (i % 500 === 499) await tick();
  }
  await ledger.flush();
  const t = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpuPerRecord.push((c.user + c.system) / n);
  return n / (t / 1000);
}

async function strict(ledger: AuditLedger, n: number): Promise<{ p50: number; p99: number }> {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await ledger.appendAndWait(entry(i));
    lat.push(performance.now() - t);
  }
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

async function strictConcurrent(ledger: AuditLedger, n: number, c: number): Promise<{ p50: number; perS: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await ledger.appendAndWait(entry(i));
        lat.push(performance.now() - t);
      }
    }),
  );
  return { p50: pct(lat, 0.5), perS: n / ((performance.now() - t0) / 1000) };
}

interface EngineResult {
  batchedPerS: number[];
  /** Process CPU µs per record in each measured batched round (robust to a shared machine). */
  cpuUs: number[];
  strictP50: number;
  strictP99: number;
  groupP50: number;
  groupPerS: number;
}

async function runEngine(open: () => Promise<{ store: Store; dir: string; cleanup: () => Promise<void> }>): Promise<EngineResult> {
  const out: EngineResult = { batchedPerS: [], cpuUs: [], strictP50: 0, strictP99: 0, groupP50: 0, groupPerS: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const { store, dir, cleanup } = await open();
    const ledger = await openAuditLedger({ store, dataDir: dir, env: {} }); // default batching and checkpoints, as `daca up` runs
    await batched(ledger, 5000); // warm-up (JIT, worker start, page cache)
    cpuPerRecord = [];
    out.batchedPerS.push(await batched(ledger, N));
    out.cpuUs.push(cpuPerRecord[0]!);
    if (round === 0) {
      const s = await strict(ledger, STRICT_N);
      out.strictP50 = s.p50;
      out.strictP99 = s.p99;
      const g = await strictConcurrent(ledger, STRICT_N * 2, 16);
      out.groupP50 = g.p50;
      out.groupPerS = g.perS;
    }
    await ledger.close();
    await cleanup();
  }
  return out;
}

async function sqliteEngine() {
  const dir = mkdtempSync(join(tmpdir(), 'daca-bench-audit-'));
  const store = await openSqliteStore(join(dir, 'daca.db'));
  return { store, dir, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function pgEngine() {
  const dir = mkdtempSync(join(tmpdir(), 'daca-bench-audit-pg-'));
  const schema = `bench_audit_${process.pid}_${Date.now()}`;
  const store = await openPostgresStore(PG_URL, { schema });
  return {
    store, dir,
    cleanup: async () => {
      const { sql } = await import('kysely');
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(store.db);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** p50 request latency of a tiny gateway-like HTTP handler, with and without auditing. */
async function gatewayOverhead(ledger: AuditLedger, n: number): Promise<{ off: number; batched: number; strict: number }> {
  let mode: 'off' | 'batched' | 'strict' = 'off';
  let i = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string };
      const reply = (): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `chatcmpl-${i}`, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }] }));
      };
      const e = entry(i++);
      if (mode === 'off') reply();
      else if (mode === 'batched') {
        ledger.append(e);
        reply();
      } else void ledger.appendAndWait(e).then(reply);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const payload = JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'Say hello to the team.' }] });
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, agent: keepAlive }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - t));
      });
      req.on('error', reject);
      req.end(payload);
    });
  const { Agent } = await import('node:http');
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  const lat = { off: [] as number[], batched: [] as number[], strict: [] as number[] };
  for (let k = 0; k < 300; k++) await once(); // warm-up
  // Interleave the modes in blocks so drift affects all alike.
  for (let block = 0; block < 10; block++) {
    for (const m of ['off', 'batched', 'strict'] as const) {
      mode = m;
      for (let k = 0; k < n / 10; k++) lat[m].push(await once());
    }
  }
  keepAlive.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return { off: pct(lat.off, 0.5), batched: pct(lat.batched, 0.5), strict: pct(lat.strict, 0.5) };
}

async function main(): Promise<void> {
  const none: EngineResult = { batchedPerS: [NaN], cpuUs: [NaN], strictP50: NaN, strictP99: NaN, groupP50: NaN, groupPerS: NaN };
  const sqlite = part('sqlite') ? await runEngine(sqliteEngine) : none;
  let pg: EngineResult | null = null;
  let pgNote = '';
  try {
    if (part('pg')) pg = await runEngine(pgEngine);
  } catch (e) {
    pgNote = `PostgreSQL not measured: ${e instanceof Error ? e.message : String(e)}`;
  }
  const gw = !part('gateway') ? { off: NaN, batched: NaN, strict: NaN } : await (async () => {
    const { store, dir, cleanup } = await sqliteEngine();
    const ledger = await openAuditLedger({ store, dataDir: dir, env: {} });
    const r = await gatewayOverhead(ledger, 3000);
    await ledger.close();
    await cleanup();
    return r;
  })();

  const rows: [string, string, string][] = [
    ['SQLite batched appends/s', sqlite.batchedPerS.map((x) => Math.round(x)).join(' / '), 'goal >= 50,000'],
    ['SQLite batched: process CPU µs per record', sqlite.cpuUs.map((x) => x.toFixed(1)).join(' / '), 'all threads'],
    ['SQLite strict p50 / p99 ms (1 caller)', `${r3(sqlite.strictP50)} / ${r3(sqlite.strictP99)}`, 'goal p50 < 2'],
    ['SQLite strict, 16 callers: p50 ms, appends/s', `${r3(sqlite.groupP50)}, ${Math.round(sqlite.groupPerS)}`, 'group commit'],
    ['PostgreSQL batched appends/s', pg ? pg.batchedPerS.map((x) => Math.round(x)).join(' / ') : 'n/a', ''],
    ['PostgreSQL batched: process CPU µs per record', pg ? pg.cpuUs.map((x) => x.toFixed(1)).join(' / ') : 'n/a', 'daca side only'],
    ['PostgreSQL strict p50 / p99 ms (1 caller)', pg ? `${r3(pg.strictP50)} / ${r3(pg.strictP99)}` : 'n/a', ''],
    ['PostgreSQL strict, 16 callers: p50 ms, appends/s', pg ? `${r3(pg.groupP50)}, ${Math.round(pg.groupPerS)}` : 'n/a', 'group commit'],
    ['HTTP handler p50 ms: no audit / batched / strict', `${r3(gw.off)} / ${r3(gw.batched)} / ${r3(gw.strict)}`, 'gateway-like loop'],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`audit ledger benchmark (${N} records per batched round, best of ${ROUNDS}; ${STRICT_N} strict appends)`);
  for (const [k, v, note] of rows) console.log(`  ${k.padEnd(w)}  ${v.padStart(24)}  ${note}`);
  if (pgNote) console.log(`  ${pgNote}`);
  console.log(
    JSON.stringify({
      sqlite_batched_per_s: Math.round(Math.max(...sqlite.batchedPerS)),
      sqlite_strict_p50_ms: r3(sqlite.strictP50),
      pg_batched_per_s: pg ? Math.round(Math.max(...pg.batchedPerS)) : null,
      pg_strict_p50_ms: pg ? r3(pg.strictP50) : null,
      gateway_overhead_p50_ms: r3(Math.max(0, gw.batched - gw.off)),
    }),
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
