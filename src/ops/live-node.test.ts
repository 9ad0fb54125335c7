import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/app.js';
import { createServices } from '../server/services.js';
import { parseSpecText } from '../spec/loader.js';
import { LiveNode } from './live-node.js';
import { watchSpecFile } from './watch-spec.js';
import { writeFileSync } from 'node:fs';
import { listSpecVersions } from './spec-versions.js';
import { auditOf } from '../compliance/node-audit.js';

const ADMIN = 'test-admin-key-0123456789abcdef';
const AGENT = 'sk-live-apply-agent-0123456789';
const v1 = `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim, ttft_ms: 2, tokens_per_second: 0 }
models:
  small: { provider: sim, price: { input: 0.1, output: 0.2 } }
tenants: { acme: { name: Acme } }
teams: { support: { tenant: acme } }
agents: { bot: { team: support } }
keys:
  bot: { value: ${AGENT}, agent: bot }
budgets:
  - { scope: team, team: support, limit_usd: 10 }
`;
const v2 = v1.replace('limit_usd: 10', 'limit_usd: 5') + `guardrails:
  policy:
    deny_patterns: ["forbidden-\\\\w+"]
`;

let live: LiveNode;
let server: Server;
let url: string;

beforeAll(async () => {
  const base = await createServices({ spec: parseSpecText(v1, 'daca.yaml', {}), dataDir: mkdtempSync(join(tmpdir(), 'daca-live-')), adminKey: ADMIN, devKey: false, logger: pino({ level: 'silent' }) });
  live = new LiveNode(base, { drainMs: 50 });
  server = createServer(getRequestListener(createApp(live.services).fetch));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await live.close();
});

const chat = (content: string): Promise<Response> =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content }] }) });
const budgetLimits = async (): Promise<unknown[]> => ((await (await fetch(`${url}/api/budgets`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { budgets: { limit_usd: number }[] }).budgets.map((b) => b.limit_usd);

describe('LiveNode.apply', () => {
  it('changes a budget and a guardrail under live traffic with no failed request, audited and kept', async () => {
    expect((await chat('hello forbidden-alpha')).status).toBe(200);
    expect(await budgetLimits()).toEqual([10]);
    let stop = false;
    const statuses: number[] = [];
    const traffic = Promise.all(Array.from({ length: 8 }, async () => {
      while (!stop) {
        const r = await chat('hello there');
        await r.text();
        statuses.push(r.status);
      }
    }));
    await new Promise((r) => setTimeout(r, 150));
    const r = await live.apply(parseSpecText(v2, 'daca.yaml', {}), { text: v2, actor: 'admin' });
    await new Promise((r) => setTimeout(r, 150));
    stop = true;
    await traffic;
    expect(r.swapped).toBe(true);
    expect(r.plan.changes.map((c) => `${c.op} ${c.section}`)).toEqual(['change budgets', 'add guardrails']);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await budgetLimits()).toEqual([5]);
    expect((await chat('hello forbidden-alpha')).status).toBe(400);
    expect((await listSpecVersions(live.base.dataDir)).map((v) => v.version)).toEqual([1]);
    const ledger = await auditOf(live.base);
    await ledger.flush();
    const kinds = (await ledger.db.selectFrom('audit_records').select('kind').where('kind', '=', 'spec_change').execute()).map((r) => r.kind);
    expect(kinds).toEqual(['spec_change']);
  });

  it('plans and applies over the admin API (/api/spec-ops)', async () => {
    const admin = (path: string, body?: unknown): Promise<Response> =>
      fetch(`${url}/api/spec-ops${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const v4 = v2.replace('limit_usd: 5', 'limit_usd: 7');
    const plan = (await (await admin('/plan', { yaml: v4 })).json()) as { changes: { op: string; section: string; fields: { path: string; from: unknown; to: unknown }[] }[] };
    expect(plan.changes).toEqual([{ op: 'change', section: 'budgets', id: 'scope=team,team=support,window=total', fields: [{ path: 'limit_usd', from: 5, to: 7 }] }]);
    expect(await budgetLimits()).toEqual([5]);
    const applied = (await (await admin('/apply', { yaml: v4 })).json()) as { swapped: boolean; version: { version: number } };
    expect(applied).toMatchObject({ swapped: true, version: { version: 2 } });
    expect(await budgetLimits()).toEqual([7]);
    const back = v4.replace('limit_usd: 7', 'limit_usd: 5');
    await admin('/apply', { yaml: back });
    expect(await budgetLimits()).toEqual([5]);
    expect(((await (await admin('/versions')).json()) as { versions: unknown[] }).versions).toHaveLength(3);
  });

  it('a failing apply leaves the old spec in force', async () => {
    const before = live.spec.hash;
    const v3 = v2.replace('limit_usd: 5', 'limit_usd: 1');
    let err = '';
    try {
      await live.apply(parseSpecText(v3, 'daca.yaml', {}), { text: v3, preflight: async () => { throw new Error('provider sim cannot start'); } });
    } catch (e) {
      err = String((e as Error).message);
    }
    expect(err).toMatch(/cannot start/);
    expect(live.spec.hash).toBe(before);
    expect(await budgetLimits()).toEqual([5]);
    expect((await chat('hello')).status).toBe(200);
    expect((await listSpecVersions(live.base.dataDir)).length).toBe(3);
  });

  it('applies the spec file when it changes (daca up --watch), and keeps the spec in force when the file is invalid', async () => {
    const file = join(live.base.dataDir, 'watched.yaml');
    writeFileSync(file, v2);
    const applied: number[] = [];
    const errors: string[] = [];
    const stop = watchSpecFile(file, live, { onApplied: (r) => applied.push(r.plan.changes.length), onError: (e) => errors.push(String(e)) }, 20);
    try {
      writeFileSync(file, v2.replace('limit_usd: 5', 'limit_usd: 6'));
      for (let i = 0; i < 100 && !applied.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await budgetLimits()).toEqual([6]);
      writeFileSync(file, 'models: [not valid');
      for (let i = 0; i < 100 && !errors.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(errors.length).toBeGreaterThan(0);
      expect(await budgetLimits()).toEqual([6]);
    } finally {
      stop();
    }
  });
});
