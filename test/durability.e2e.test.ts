/**
 * Durability: SIGTERM `daca up` while 50 streaming requests are in flight. Every response that
 * completed must have exactly one usage row after a restart.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKey, startDacaProcess } from './support/daca-process.js';

const SPEC = `
providers:
  sim: { kind: sim, ttft_ms: 150, tokens_per_second: 80 }
models:
  slow: { provider: sim, upstream: sim-small, price: { input: 0.15, output: 0.6 } }
`;

async function streamOnce(url: string, key: string, i: number): Promise<{ id: string | null; done: boolean }> {
  try {
    const r = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', stream: true, max_tokens: 40, messages: [{ role: 'user', content: `Write a short note number ${i} about the sea.` }] }),
    });
    const id = r.headers.get('x-daca-request-id');
    const text = await r.text();
    return { id, done: r.status === 200 && text.includes('data: [DONE]') };
  } catch {
    return { id: null, done: false };
  }
}

describe('durability under SIGTERM', () => {
  it('keeps the usage of every completed response, exactly once', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'daca-durable-'));
    writeFileSync(join(cwd, 'daca.yaml'), SPEC);
    const first = await startDacaProcess({ cwd });
    const { key } = await createKey(first.url, first.adminKey, { agent: 'durable' });
    const inflight = Array.from({ length: 50 }, (_, i) => streamOnce(first.url, key, i));
    await new Promise((r) => setTimeout(r, 250));
    const code = await first.stop('SIGTERM');
    const results = await Promise.all(inflight);
    expect(code).toBe(0);
    const completed = results.filter((r) => r.done).map((r) => r.id!);
    expect(completed.length).toBeGreaterThan(0);

    // Restart on the same folder: the store must hold one row per completed response.
    const second = await startDacaProcess({ cwd });
    await second.stop('SIGTERM');
    const db = new Database(join(cwd, '.daca', 'daca.db'), { readonly: true });
    const rows = db.prepare(`select id, status, output_tokens from usage_events where agent = 'durable'`).all() as { id: string; status: number; output_tokens: number }[];
    db.close();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.size).toBe(rows.length); // no id counted twice
    for (const id of completed) {
      expect(byId.get(id), `usage row for ${id}`).toBeDefined();
      expect(byId.get(id)!.status).toBe(200);
      expect(byId.get(id)!.output_tokens).toBeGreaterThan(0);
    }
    expect(rows.length).toBeLessThanOrEqual(50);
  }, 60_000);
});
