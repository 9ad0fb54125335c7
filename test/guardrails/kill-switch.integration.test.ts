/**
 * The kill switch across nodes: two `daca up` processes share PostgreSQL; a suspension made on one
 * (`daca suspend` or `POST /api/suspensions`) stops the subject's calls on the other within ~2 s
 * with 403 naming the reason, and resuming restores them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaca, type DacaProcess } from '../support/daca-process.js';
import { ADMIN_KEY, adminGet, adminPost, dropSchema, outcome, pgUrl, runId, sdk, startNodes, stopNodes, until, writeSpec, type CallOutcome } from './fleet.js';

const BOT_KEY = 'sk-ks-bot-0123456789abcdef';
const PEER_KEY = 'sk-ks-peer-0123456789abcdef';
const SPEC = `version: 1
server: { dev_key: false }
providers:
  sim: { kind: sim }
models:
  small: { provider: sim, price: { input: 0.15, output: 0.6 } }
tenants: { acme: {} }
teams:
  ops: { tenant: acme }
  research: { tenant: acme }
agents:
  bot: { team: ops }
  peer: { team: research }
keys:
  bot: { value: ${BOT_KEY}, agent: bot }
  peer: { value: ${PEER_KEY}, agent: peer }
`;

const schema = runId('guard_killswitch');
let a: DacaProcess;
let b: DacaProcess;

function call(node: DacaProcess, key: string): Promise<CallOutcome> {
  return outcome(() => sdk(node.url, key).chat.completions.create({ model: 'small', max_tokens: 5, messages: [{ role: 'user', content: '[sim:tokens=3] status?' }] }).withResponse());
}

/** Polls a node until a call's status is `status`; returns the ms since `t0` and the last outcome. */
async function untilStatus(node: DacaProcess, key: string, status: number, t0 = Date.now(), timeoutMs = 4000): Promise<{ ms: number; last: CallOutcome }> {
  const last = await until(`status ${status} on ${node.url}`, async () => {
    const o = await call(node, key);
    return o.status === status ? o : undefined;
  }, timeoutMs, 50);
  return { ms: Date.now() - t0, last };
}

const cli = (args: string[]) => runDaca([...args, '--url', a.url, '--admin-key', ADMIN_KEY]);

beforeAll(async () => {
  const spec = writeSpec(SPEC);
  [a] = await startNodes(1, spec, { DACA_DATABASE_URL: pgUrl(schema) });
  [b] = await startNodes(1, spec, { DACA_DATABASE_URL: pgUrl(schema) });
});
afterAll(async () => {
  await stopNodes([a, b]);
  await dropSchema(schema);
});

describe('kill switch across two nodes sharing PostgreSQL', () => {
  it('daca suspend on node A: A refuses at once, B within 2 s with 403 naming the reason; daca resume restores both', async () => {
    expect((await call(a, BOT_KEY)).status).toBe(200);
    expect((await call(b, BOT_KEY)).status).toBe(200);

    const s = await cli(['suspend', 'agent', 'bot', '--reason', 'runaway tool loop', '--as', 'oncall-ops']);
    expect(s.code, s.stderr).toBe(0);
    const suspendedAt = Date.now();
    expect(s.stdout).toContain('suspended agent bot: runaway tool loop');

    const onA = await call(a, BOT_KEY);
    expect({ status: onA.status, code: onA.code }).toEqual({ status: 403, code: 'forbidden' });
    const onB = await untilStatus(b, BOT_KEY, 403, suspendedAt);
    console.log(`[kill switch] node B refused the suspended agent ${onB.ms} ms after node A suspended it`);
    expect(onB.ms).toBeLessThanOrEqual(2500);
    for (const o of [onA, onB.last]) {
      expect(o.code).toBe('forbidden');
      expect(String(o.error?.message)).toContain('agent bot is suspended: runaway tool loop');
      expect(o.error?.suspension).toMatchObject({ kind: 'agent', subject: 'bot', reason: 'runaway tool loop', by: 'oncall-ops' });
    }
    // Only the suspended agent: another agent still runs on both nodes.
    expect((await call(a, PEER_KEY)).status).toBe(200);
    expect((await call(b, PEER_KEY)).status).toBe(200);
    const listed = await cli(['suspensions', '--json']);
    expect(JSON.parse(listed.stdout).data).toEqual([expect.objectContaining({ kind: 'agent', subject: 'bot', reason: 'runaway tool loop', by: 'oncall-ops' })]);

    const r = await cli(['resume', 'agent', 'bot']);
    const resumedAt = Date.now();
    expect(r.code, r.stderr).toBe(0);
    expect((await call(a, BOT_KEY)).status).toBe(200);
    const back = await untilStatus(b, BOT_KEY, 200, resumedAt);
    expect(back.ms).toBeLessThanOrEqual(2500);
  });

  it('POST /api/suspensions on node B suspends a team; node A refuses it within 2 s; DELETE restores', async () => {
    expect((await call(a, PEER_KEY)).status).toBe(200);
    const res = await adminPost(b.url, '/api/suspensions', { kind: 'team', subject: 'research', reason: 'cost incident INC-42', as: 'alice' });
    const suspendedAt = Date.now();
    expect(res.status).toBe(201);
    const onA = await untilStatus(a, PEER_KEY, 403, suspendedAt);
    expect(onA.ms).toBeLessThanOrEqual(2500);
    expect(String(onA.last.error?.message)).toContain('team research is suspended: cost incident INC-42');
    expect((await call(a, BOT_KEY)).status).toBe(200); // team ops is not suspended
    expect((await adminGet<{ data: unknown[] }>(a.url, '/api/suspensions')).data).toHaveLength(1);

    const del = await fetch(`${b.url}/api/suspensions/team/research`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const resumedAt = Date.now();
    expect(del.status).toBe(200);
    expect((await untilStatus(a, PEER_KEY, 200, resumedAt)).ms).toBeLessThanOrEqual(2500);
  });
});
