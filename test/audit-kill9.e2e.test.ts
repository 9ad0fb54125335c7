/**
 * Kill -9 under load with `server.durability: strict`: the built `daca up` serves concurrent chat
 * completions from the official `openai` client and is SIGKILLed mid-load. After a restart on the
 * same store, every request that got a 2xx response must have exactly one `gateway_request` audit
 * record (found by its `x-daca-request-id`), and `daca audit verify` must pass — on the embedded
 * SQLite store (audit worker thread) and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createKey, runDaca, startDacaProcess, type DacaProcess } from './support/daca-process.js';

const SPEC = `
server:
  durability: strict
providers:
  sim: { kind: sim, ttft_ms: 2, tokens_per_second: 5000 }
models:
  quick: { provider: sim, upstream: sim-small, price: { input: 0.15, output: 0.6 } }
audit:
  checkpoint_every: 50
`;

const PG_URL = process.env.DACA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = 24;
/** Startup can be slow on a loaded CI machine. */
const START_MS = 90_000;

interface LoadResult {
  /** Request ids of the calls that got a 2xx response. */
  acked: string[];
  /** Calls that failed (connection reset by the kill, mostly). */
  failed: number;
}

/**
 * Drives `CONCURRENCY` callers until the process dies; `onAck` sees the running count of 2xx
 * responses (the test kills the process from there).
 */
async function drive(d: DacaProcess, key: string, onAck: (n: number) => void): Promise<LoadResult> {
  const client = new OpenAI({ baseURL: `${d.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
  const acked: string[] = [];
  let failed = 0;
  let dead = false;
  void new Promise<void>((r) => d.proc.once('exit', () => r())).then(() => (dead = true));
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (!dead) {
        const i = n++;
        try {
          const { data, response } = await client.chat.completions
            .create({ model: 'quick', max_tokens: 8, messages: [{ role: 'user', content: `caller ${w} request ${i}: say hi` }] })
            .withResponse();
          const id = response.headers.get('x-daca-request-id');
          if (response.status >= 200 && response.status < 300 && id && data.choices.length) {
            acked.push(id);
            onAck(acked.length);
          }
        } catch {
          failed++;
          if (!dead) await new Promise((r) => setTimeout(r, 5));
        }
      }
    }),
  );
  return { acked, failed };
}

/** Runs load, SIGKILLs `daca up` once `killAfter` responses were acknowledged, returns what was acked. */
async function loadAndKill(env: Record<string, string>, cwd: string, killAfter: number): Promise<{ acked: string[]; exit: number | null; signal: NodeJS.Signals | null }> {
  const d = await startDacaProcess({ cwd, env, startTimeoutMs: START_MS });
  const { key } = await createKey(d.url, d.adminKey, { agent: 'kill9' });
  let killed = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => d.proc.once('exit', (code, signal) => r({ code, signal })));
  const load = drive(d, key, (n) => {
    if (n >= killAfter && !killed) {
      killed = true;
      d.proc.kill('SIGKILL'); // mid-load: the other callers' requests are in flight
    }
  });
  const [{ acked, failed }, { code, signal }] = await Promise.all([load, exited]);
  expect(failed, 'some requests were in flight when the process died').toBeGreaterThan(0);
  return { acked, exit: code, signal };
}

async function verifyCli(cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const r = await runDaca(['audit', 'verify'], { cwd, env });
  return { code: r.code, out: r.stdout + r.stderr };
}

/** Restarts on the same store, serves one more request, and stops cleanly. */
async function restartOnce(cwd: string, env: Record<string, string>): Promise<void> {
  const d = await startDacaProcess({ cwd, env, startTimeoutMs: START_MS });
  const { key } = await createKey(d.url, d.adminKey, { agent: 'after-restart' });
  const client = new OpenAI({ baseURL: `${d.url}/v1`, apiKey: key, maxRetries: 0 });
  await client.chat.completions.create({ model: 'quick', max_tokens: 4, messages: [{ role: 'user', content: 'still there?' }] });
  expect(await d.stop('SIGTERM')).toBe(0);
}

function expectEveryAckRecordedOnce(acked: string[], recorded: { request_id: string; n: number }[]): void {
  const count = new Map(recorded.map((r) => [r.request_id, Number(r.n)]));
  const missing = acked.filter((id) => !count.has(id));
  expect(missing, `acknowledged requests without an audit record (${missing.length} of ${acked.length})`).toEqual([]);
  const twice = acked.filter((id) => count.get(id)! > 1);
  expect(twice, 'acknowledged requests recorded more than once').toEqual([]);
}

describe('audit ledger survives kill -9 under load (durability: strict)', () => {
  it('SQLite: every acknowledged request has its audit record after a restart, and the chain verifies', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'daca-kill9-'));
    writeFileSync(join(cwd, 'daca.yaml'), SPEC);
    const env = { DACA_DATABASE_URL: '', DACA_DATA_DIR: join(cwd, '.daca') };
    const { acked, signal } = await loadAndKill(env, cwd, 150);
    expect(signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(150);

    // The crashed store, as left on disk (WAL recovery on open), already verifies…
    const crashed = await verifyCli(cwd, env);
    expect(crashed.out).toMatch(/^OK: \d+ records/);
    expect(crashed.code).toBe(0);

    // …and after a restart (which appends and checkpoints on top of it) too.
    await restartOnce(cwd, env);
    const db = new Database(join(cwd, '.daca', 'daca.db'), { readonly: true });
    const recorded = db
      .prepare(`SELECT request_id, count(*) AS n FROM audit_records WHERE kind = 'gateway_request' AND agent = 'kill9' GROUP BY request_id`)
      .all() as { request_id: string; n: number }[];
    db.close();
    expectEveryAckRecordedOnce(acked, recorded);
    const after = await verifyCli(cwd, env);
    expect(after.out).toMatch(/^OK: \d+ records, [1-9]\d* signed checkpoints/);
    expect(after.code).toBe(0);
  }, 300_000);

  describe('PostgreSQL', () => {
    const schema = `daca_kill9_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    afterAll(async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    });

    it('every acknowledged request has its audit record after a restart, and the chain verifies', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'daca-kill9-pg-'));
      writeFileSync(join(cwd, 'daca.yaml'), SPEC);
      const env = { DACA_DATABASE_URL: `${PG_URL}?schema=${schema}`, DACA_DATA_DIR: join(cwd, '.daca') };
      const { acked, signal } = await loadAndKill(env, cwd, 150);
      expect(signal).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThanOrEqual(150);

      const crashed = await verifyCli(cwd, env);
      expect(crashed.out).toMatch(/^OK: \d+ records/);
      expect(crashed.code).toBe(0);

      await restartOnce(cwd, env);
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      const { rows } = await c.query<{ request_id: string; n: string }>(
        `SELECT request_id, count(*) AS n FROM ${schema}.audit_records WHERE kind = 'gateway_request' AND agent = 'kill9' GROUP BY request_id`,
      );
      await c.end();
      expectEveryAckRecordedOnce(acked, rows.map((r) => ({ request_id: r.request_id, n: Number(r.n) })));
      const after = await verifyCli(cwd, env);
      expect(after.out).toMatch(/^OK: \d+ records, [1-9]\d* signed checkpoints/);
      expect(after.code).toBe(0);
    }, 300_000);
  });
});
