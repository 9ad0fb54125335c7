/**
 * Several nodes (integration: real PostgreSQL, NATS JetStream and a restate-server; CI=true
 * requires them): three `daca up` processes share one database schema, the bus and Restate,
 * behind a round-robin load balancer. They join one marketplace and spread its mediator agents;
 * needs are posted through the load balancer; one node is killed with SIGKILL mid-run. The others
 * take its agents over, every need ends served or expired, no deal is lost or settled twice
 * (ledger invariants), every settled deal is audited and the shared audit chain verifies.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus } from '../src/bus/nats/nats-bus.js';
import { RestateServer } from '../src/runtime/restate-server.js';
import { startDacaProcess, type DacaProcess } from './support/daca-process.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './support/round-robin-proxy.js';

const PG = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS = process.env.DACA_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const schema = `ops_mn_${run}`;
const market = `mn${run}`;
const AGENTS = 9;
const NEEDS = 180;
const ADMIN = 'ops-multi-node-admin-key-0123456789';
const spec = `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim, ttft_ms: 2, tokens_per_second: 0 }
models:
  negotiator: { provider: sim, price: { input: 0.1, output: 0.4 } }
tenants: { market: { name: Market } }
teams: { mediators: { tenant: market } }
`;

let nodes: DacaProcess[] = [];
let lb: RoundRobinProxy;
let restate: RestateServer;

type Status = { node: string; agents: string[]; takenOver: string[]; ledger: { needs: Record<string, number>; settlements: number; settledDeals: number; mismatchedSettlements: number; servedWithoutSettlement: number; negativeAccounts: number; unapprovedLarge: number; totals: Record<string, number>; openingTotals: Record<string, number> } };
const call = async <T>(base: string, method: string, path: string, body?: unknown): Promise<T> => {
  const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path} → ${r.status}: ${text}`);
  return JSON.parse(text) as T;
};
const until = async (what: () => Promise<boolean>, label: string, ms = 240_000): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${label}`);
};

beforeAll(async () => {
  // Fail (not skip) when a service is missing.
  const db = new pg.Client({ connectionString: PG });
  await db.connect();
  await db.query(`create schema if not exists ${schema}`);
  await db.end();
  const bus = await NatsBus.connect(NATS);
  await bus.close();
  restate = new RestateServer({ dataDir: mkdtempSync(join(tmpdir(), 'daca-mn-restate-')) });
  const urls = await restate.start();
  const { privateKey } = generateKeyPairSync('ed25519');
  const env = {
    DACA_DATABASE_URL: `${PG}?schema=${schema}`, DACA_NATS_URL: NATS, DACA_RESTATE_URL: `admin=${urls.admin},ingress=${urls.ingress}`,
    DACA_ADMIN_KEY: ADMIN, DACA_AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), DACA_AUDIT_MASTER_KEY: randomBytes(32).toString('hex'),
    DACA_LOG_LEVEL: 'warn',
  };
  for (const name of ['node-a', 'node-b', 'node-c']) {
    const cwd = mkdtempSync(join(tmpdir(), `daca-mn-${name}-`));
    writeFileSync(join(cwd, 'daca.yaml'), spec);
    // One at a time: the first node runs the migrations.
    nodes.push(await startDacaProcess({ cwd, args: ['--spec', 'daca.yaml'], env: { ...env, DACA_NODE_ID: name }, startTimeoutMs: 120_000 }));
  }
  lb = await startRoundRobinProxy(nodes.map((n) => n.url));
}, 600_000);

afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => {});
  await lb?.close();
  await restate?.stop?.().catch(() => {});
  const bus = await NatsBus.connect(NATS).catch(() => null);
  for (let i = 0; i < AGENTS; i++) await bus?.deleteDurable(`opsmkt_${market}_mediator-${i}`).catch(() => {});
  await bus?.close();
  const db = new pg.Client({ connectionString: PG });
  await db.connect();
  await db.query(`drop schema if exists ${schema} cascade`);
  await db.end();
}, 120_000);

describe('three daca nodes share PostgreSQL, NATS JetStream and Restate', () => {
  it('spread the market’s agents, take over a killed node’s agents, lose and double no deal, and keep one verified audit chain', async () => {
    const join = { agents: AGENTS, buyers: 60, sellers: 30, skus: 12, needs: NEEDS, seed: 11, model: 'negotiator', lease_ms: 2000 };
    for (const n of nodes) await call(n.url, 'PUT', `/api/ops/markets/${market}`, join);
    // Agents spread: every node runs a share, together all of them, none twice.
    await until(async () => {
      const held = await Promise.all(nodes.map((n) => call<Status>(n.url, 'GET', `/api/ops/markets/${market}`).then((s) => s.agents)));
      return held.every((h) => h.length === AGENTS / nodes.length) && new Set(held.flat()).size === AGENTS;
    }, 'the agents to spread over the three nodes');

    // Demand through the load balancer; the victim is killed while needs are in flight.
    const post = (from: number, to: number) => call<{ posted: number }>(lb.url, 'POST', `/api/ops/markets/${market}/needs`, { from, to });
    for (let i = 0; i < NEEDS / 2; i += 15) await post(i, i + 15);
    const victim = nodes[1]!;
    const before = await call<Status>(victim.url, 'GET', `/api/ops/markets/${market}`);
    expect(before.agents.length).toBe(AGENTS / 3);
    victim.proc.kill('SIGKILL');
    await new Promise((r) => victim.proc.once('exit', r));
    const survivors = nodes.filter((n) => n !== victim);
    for (let i = NEEDS / 2; i < NEEDS; i += 15) await post(i, i + 15);

    // Every need ends (served or expired) on the survivors.
    let final: Status | null = null;
    await until(async () => {
      final = await call<Status>(survivors[0]!.url, 'GET', `/api/ops/markets/${market}`);
      return final.ledger.needs.open === 0 && final.ledger.needs.served! + final.ledger.needs.expired! === NEEDS;
    }, 'every need to be served or expired');
    const st = final! as Status;
    const after = await Promise.all(survivors.map((n) => call<Status>(n.url, 'GET', `/api/ops/markets/${market}`)));
    // The survivors hold every agent, the victim's included, and say they took them over.
    expect(new Set(after.flatMap((s) => s.agents)).size).toBe(AGENTS);
    expect(after.flatMap((s) => s.takenOver)).toEqual(expect.arrayContaining(before.agents));
    // No deal lost or settled twice: one settlement per served need, money and goods conserved.
    expect(st.ledger.needs.served).toBeGreaterThan(0);
    expect(st.ledger.settlements).toBe(st.ledger.needs.served);
    expect(st.ledger.settledDeals).toBe(st.ledger.settlements);
    expect(st.ledger.servedWithoutSettlement).toBe(0);
    expect(st.ledger.mismatchedSettlements).toBe(0);
    expect(st.ledger.negativeAccounts).toBe(0);
    expect(st.ledger.totals).toEqual(st.ledger.openingTotals);
    // Every settled deal is audited; the one chain the three nodes wrote verifies.
    // A need is closed in the ledger just before its audit record is written: wait for the last ones.
    const audited = async (): Promise<Set<string>> => {
      const settled = new Set<string>();
      let beforeSeq: number | null = null;
      for (;;) {
        const page: { records: { session: string | null; body: { decision?: { summary?: string } } }[]; next_before: number | null } =
          await call(survivors[0]!.url, 'GET', `/api/audit?kind=agent_decision&limit=1000${beforeSeq ? `&before=${beforeSeq}` : ''}`);
        for (const r of page.records) if (r.session && / settled: /.test(r.body.decision?.summary ?? '')) settled.add(r.session);
        if (!page.next_before) break;
        beforeSeq = page.next_before;
      }
      return settled;
    };
    let settled = new Set<string>();
    await until(async () => (settled = await audited()).size >= st.ledger.needs.served!, 'every settled need to be audited', 60_000).catch(() => {});
    expect(settled.size).toBe(st.ledger.needs.served);
    const verified = await call<{ ok: boolean; records: number }>(survivors[1]!.url, 'GET', '/api/audit/verify');
    expect(verified.ok).toBe(true);
    expect(verified.records).toBeGreaterThanOrEqual(NEEDS);
  }, 900_000);
});
