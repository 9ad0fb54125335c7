/**
 * Test support: a daca node in-process on the sim provider with a declared fleet of agents, and
 * helpers to drive real traffic through its HTTP gateway. Used by the analytics, anomaly and API
 * tests (not by production code).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseSpecText } from '../../spec/loader.js';
import { startDaca, type RunningDaca } from '../../server/serve.js';

/** A running test node with its admin key and a team-wide agent key. */
export interface TestFleet {
  daca: RunningDaca;
  url: string;
  adminKey: string;
  /** A key of team `fleet` (tenant `acme`) that may claim any agent via `x-daca-agent`. */
  key: string;
  /** Calls the admin API and parses JSON. */
  api<T = Record<string, unknown>>(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: T }>;
  /** One chat completion as `agent` in `session`, with a reply of `tokens` tokens. */
  chat(agent: string, session: string | null, tokens: number, extra?: string): Promise<Response>;
  close(): Promise<void>;
}

/** The fleet spec: 8 agents of team `fleet`, plus extra YAML appended. */
export function fleetSpecYaml(extra = ''): string {
  const agents = Array.from({ length: 8 }, (_, i) => `  a${i + 1}: { team: fleet, role: support }`).join('\n');
  return `providers:
  sim: { kind: sim }
models:
  sim-small:
    provider: sim
    price: { input: 0.15, output: 0.60 }
tenants:
  acme: {}
teams:
  fleet: { tenant: acme }
agents:
${agents}
server:
  usage_flush_ms: 10
  dev_key: false
${extra}`;
}

/**
 * Starts a node on port 0 with a temp data dir.
 *
 * @example
 * ```ts
 * const f = await startFleet();
 * await f.chat('a1', 's1', 100);
 * ```
 */
export async function startFleet(extraYaml = ''): Promise<TestFleet> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daca-obs-'));
  const adminKey = `admin-${Math.random().toString(36).slice(2)}-0123456789`;
  const spec = parseSpecText(fleetSpecYaml(extraYaml), 'fleet.yaml', {});
  const daca = await startDaca({ spec, port: 0, host: '127.0.0.1', dataDir, adminKey, logger: pino({ level: 'silent' }), drainMs: 200 });
  const api: TestFleet['api'] = async (path, init = {}) => {
    const res = await fetch(`${daca.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${adminKey}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
  };
  const created = await api<{ key: string }>('/api/keys', { method: 'POST', body: { tenant: 'acme', team: 'fleet' } });
  const key = created.body.key;
  return {
    daca, url: daca.url, adminKey, key, api,
    chat(agent, session, tokens, extra = '') {
      return fetch(`${daca.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-daca-agent': agent, ...(session ? { 'x-daca-session': session } : {}) },
        body: JSON.stringify({ model: 'sim-small', messages: [{ role: 'user', content: `Summarise the customer's ticket. [sim:tokens=${tokens}] ${extra}` }] }),
      });
    },
    async close() {
      await daca.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
