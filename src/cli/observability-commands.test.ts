/**
 * `daca agents`, `daca alerts` and `daca usage export` against a real in-process daca.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type TestFleet } from '../telemetry/analytics/test-fleet.js';
import { registerAgents } from './agents.js';
import { registerAlerts } from './alerts.js';
import { registerUsage } from './usage.js';
import { registerUsageExport } from './usage-export.js';

let f: TestFleet;
let dir: string;

beforeAll(async () => {
  f = await startFleet('alerts:\n  rules:\n    - { name: chatty, expr: "agent.requests > 2", notify: [] }\n');
  dir = await mkdtemp(join(tmpdir(), 'daca-cli-obs-'));
  for (let i = 0; i < 3; i++) expect((await f.chat('a1', `s${i}`, 30)).status).toBe(200);
  expect((await f.chat('a2', null, 30, '[sim:fail=500]')).status).toBeGreaterThanOrEqual(500);
  await f.daca.services.observability.alerts.evaluate();
});
afterAll(async () => {
  await f?.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerUsage(program);
  registerUsageExport(program);
  registerAgents(program);
  registerAlerts(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'daca', ...args, '--url', f.url, '--admin-key', f.adminKey]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('daca agents', () => {
  it('prints a table with tokens/call, cost/day, p95 and error rate', async () => {
    const text = await run('agents');
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^AGENT\s+TEAM\s+REQUESTS\s+TOKENS\/CALL\s+COST\/DAY \$\s+P95 MS\s+ERROR %\s+ANOMALY$/);
    expect(lines.find((l) => l.startsWith('a1 '))).toMatch(/^a1\s+fleet\s+3\s/);
    expect(lines.find((l) => l.startsWith('a2 '))).toMatch(/\s100$/);
  });

  it('prints the API answer with --json', async () => {
    const r = JSON.parse(await run('agents', '--json')) as { data: { agent: string; requests: number }[] };
    expect(r.data.find((a) => a.agent === 'a1')!.requests).toBe(3);
  });
});

describe('daca alerts', () => {
  it('lists alert history, filtered by state', async () => {
    const text = await run('alerts', '--state', 'firing');
    expect(text).toMatch(/firing\s+chatty\s+warning\s+agent:a1/);
    expect(await run('alerts', '--state', 'resolved')).toBe('no resolved alerts\n');
    const json = JSON.parse(await run('alerts', '--json')) as { data: { rule: string }[] };
    expect(json.data.map((a) => a.rule)).toEqual(['chatty']);
    await expect(run('alerts', '--state', 'open')).rejects.toThrow(/--state must be firing, resolved or all/);
  });
});

describe('daca usage export', () => {
  it('writes every row as CSV, and as JSON', async () => {
    const csvFile = join(dir, 'u.csv');
    await run('usage', 'export', '--from', '-1h', '--out', csvFile);
    const lines = (await readFile(csvFile, 'utf8')).trim().split('\n');
    expect(lines[0]!.startsWith('id,ts,tenant,team,agent,session,')).toBe(true);
    expect(lines).toHaveLength(5);
    const jsonFile = join(dir, 'u.json');
    await run('usage', 'export', '--format', 'json', '--agent', 'a1', '--out', jsonFile);
    const rows = JSON.parse(await readFile(jsonFile, 'utf8')) as { agent: string; cost_micros: number; session: string }[];
    expect(rows.map((r) => r.session)).toEqual(['s0', 's1', 's2']);
    const total = (await f.api<{ totals: { cost_micros: number } }>('/api/usage?agent=a1')).body.totals.cost_micros;
    expect(rows.reduce((s, r) => s + r.cost_micros, 0)).toBe(total);
  });

  it('exports groups with --group-by (month rollup)', async () => {
    const file = join(dir, 'g.json');
    await run('usage', 'export', '--format', 'json', '--group-by', 'month,agent', '--out', file);
    const r = JSON.parse(await readFile(file, 'utf8')) as { group_by: string[]; groups: { month: string; agent: string; requests: number }[] };
    expect(r.group_by).toEqual(['month', 'agent']);
    const month = new Date().toISOString().slice(0, 7);
    expect(r.groups.map((g) => [g.month, g.agent, g.requests])).toEqual([[month, 'a1', 3], [month, 'a2', 1]]);
  });

  it('pages through more rows than one page', async () => {
    const store = f.daca.services.store;
    const base = (await store.usage.list({ agent: 'a1', limit: 1 }))[0]!;
    const rows = Array.from({ length: 12_345 }, (_, i) => ({ ...base, id: `bulk_${String(i).padStart(6, '0')}`, ts: Date.parse('2025-06-01T00:00:00Z') + Math.floor(i / 3), agent: 'bulk' }));
    await store.usage.insertBatch(rows);
    const file = join(dir, 'bulk.csv');
    await run('usage', 'export', '--agent', 'bulk', '--from', '2025-01-01', '--out', file);
    const lines = (await readFile(file, 'utf8')).trim().split('\n').slice(1);
    expect(lines).toHaveLength(12_345);
    expect(new Set(lines.map((l) => l.split(',')[0])).size).toBe(12_345);
  });
});
