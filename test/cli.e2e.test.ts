/**
 * The `daca` CLI as a user runs it: help, validate, up with a bad spec, keys and usage against a
 * running daca.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaca, startDacaProcess, type DacaProcess } from './support/daca-process.js';

const dir = mkdtempSync(join(tmpdir(), 'daca-cli-'));

describe('daca CLI', () => {
  it('has --help on every command', async () => {
    for (const args of [[], ['up'], ['validate'], ['keys'], ['keys', 'create'], ['keys', 'list'], ['keys', 'revoke'], ['usage']]) {
      const r = await runDaca([...args, '--help']);
      expect(r.code, `daca ${args.join(' ')} --help`).toBe(0);
      expect(r.stdout).toMatch(/Usage: daca/);
    }
  });

  it('validates a good spec and reports every problem of a bad one with file:line:column', async () => {
    writeFileSync(join(dir, 'good.yaml'), 'providers:\n  sim: { kind: sim }\nmodels:\n  m: { provider: sim }\n');
    const ok = await runDaca(['validate', 'good.yaml'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/spec is valid: 1 providers, 1 models/);

    writeFileSync(join(dir, 'bad.yaml'), 'providers:\n  sim: { kind: sim, ttft_ms: fast }\nmodels:\n  m: { provider: sim, colour: red }\n');
    const bad = await runDaca(['validate', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:2:\d+ providers\.sim\.ttft_ms: .*number/);
    expect(bad.stderr).toMatch(/bad\.yaml:4:\d+ models\.m.*colour/);
    expect(bad.stderr).toMatch(/daca: spec is invalid: 2 problems/);

    const json = await runDaca(['validate', 'bad.yaml', '--json'], { cwd: dir });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false });
  });

  it('refuses to start on an invalid spec, naming the line', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'models:\n  m: { provider: nowhere }\n');
    const r = await runDaca(['up', '--port', '0', '--spec', 'broken.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.yaml:2:\d+ models\.m\.provider: unknown provider 'nowhere'/);
  });

  it('refuses a missing ${ENV} secret, naming the variable', async () => {
    writeFileSync(join(dir, 'env.yaml'), 'providers:\n  oai: { kind: openai, base_url: "https://api.openai.com/v1", api_key: "${DACA_TEST_MISSING_KEY}" }\n');
    const r = await runDaca(['validate', 'env.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/env\.yaml:2:\d+ .*DACA_TEST_MISSING_KEY/);
  });
});

describe('daca CLI against a running daca', () => {
  let daca: DacaProcess;
  beforeAll(async () => {
    daca = await startDacaProcess();
  });
  afterAll(async () => {
    await daca?.stop();
  });
  const env = () => ({ DACA_ADMIN_KEY: daca.adminKey, DACA_URL: daca.url });

  it('creates, lists and revokes keys; reports usage', async () => {
    const created = await runDaca(['keys', 'create', '--agent', 'cli-agent', '--team', 'ops', '--tenant', 'acme', '--json'], { env: env() });
    expect(created.code).toBe(0);
    const k = JSON.parse(created.stdout) as { id: string; key: string; agent: string };
    expect(k.agent).toBe('cli-agent');
    expect(k.key).toMatch(/^dk-[A-Za-z0-9]{40}$/);

    const chat = await fetch(`${daca.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${k.key}` }, body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(chat.status).toBe(200);

    const usage = await runDaca(['usage', '--group-by', 'agent,team', '--json'], { env: env() });
    expect(usage.code).toBe(0);
    const u = JSON.parse(usage.stdout) as { groups: { agent: string; team: string; requests: number }[] };
    expect(u.groups).toContainEqual(expect.objectContaining({ agent: 'cli-agent', team: 'ops', requests: 1 }));
    const table = await runDaca(['usage'], { env: env() });
    expect(table.stdout).toMatch(/AGENT\s+REQUESTS/);
    expect(table.stdout).toMatch(/cli-agent/);
    expect(table.stdout).toMatch(/TOTAL/);
    const csv = await runDaca(['usage', '--csv'], { env: env() });
    expect(csv.stdout.split('\n')[0]).toBe('agent,requests,errors,input_tokens,output_tokens,cached_tokens,cost_usd,cache_hits,saved_by_cache_usd,routed,saved_by_routing_usd,avg_latency_ms');

    const list = await runDaca(['keys', 'list', '--json'], { env: env() });
    expect((JSON.parse(list.stdout) as { data: { id: string }[] }).data.map((x) => x.id)).toContain(k.id);
    expect(list.stdout).not.toContain(k.key);

    const rev = await runDaca(['keys', 'revoke', k.id], { env: env() });
    expect(rev.code).toBe(0);
    const after = await fetch(`${daca.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${k.key}` }, body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(after.status).toBe(401);
  });

  it('fails with a one-line reason when daca is unreachable or the key is wrong', async () => {
    const down = await runDaca(['keys', 'list'], { env: { DACA_ADMIN_KEY: 'x'.repeat(20), DACA_URL: 'http://127.0.0.1:1' } });
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/cannot reach daca/);
    const wrong = await runDaca(['keys', 'list'], { env: { DACA_ADMIN_KEY: 'y'.repeat(20), DACA_URL: daca.url } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/401/);
  });

  it('reads the admin key from .daca/admin-key in the folder where daca up runs', async () => {
    const local = await startDacaProcess({ env: { DACA_ADMIN_KEY: '' } });
    try {
      const r = await runDaca(['keys', 'list', '--url', local.url], { cwd: local.cwd, env: { DACA_ADMIN_KEY: '' } });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ID\s+PREFIX/);
    } finally {
      await local.stop();
    }
  });
});
