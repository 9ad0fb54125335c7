/**
 * `daca cost report|advise|train-router` against a real in-process server and real eval runs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { post, startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { parseLearnedPolicy } from '../cost/routing/learned-policy.js';
import { evaluate } from '../evals/evaluate.js';
import { JsonlRunStore } from '../evals/sinks/jsonl-sink.js';
import { loadSuiteFile } from '../evals/suite-loader.js';
import type { RunningDaca } from '../server/serve.js';
import { registerCost } from './cost.js';

const KEY = 'dk-cli-cost-support-0123456789abc';
let d: RunningDaca;
const dir = mkdtempSync(join(tmpdir(), 'daca-cli-cost-'));
const suiteFile = join(dir, 'suite.yaml');

beforeAll(async () => {
  d = await startTestDaca(`
providers: { sim: { kind: sim, seed: 3 } }
models:
  gpt-4o-mini: { provider: sim, capability: 0.6 }
  gpt-4o: { provider: sim, capability: 0.9 }
tenants: { acme: {} }
teams: { care: { tenant: acme } }
agents: { support: { team: care } }
keys: { support: { value: "${KEY}", agent: support } }
`);
  const cases = Array.from({ length: 24 }, (_, i) => {
    const hard = i >= 12;
    return `  - { id: c${i}, input: "Question ${i} about order ${500 + i} [sim:difficulty=${hard ? 0.85 : 0.05}] [sim:answer=${10 + i}]", expected: "${10 + i}", tags: [task=${hard ? 'hard' : 'faq'}] }`;
  });
  writeFileSync(suiteFile, `name: support-suite\nagent: { kind: prompt, model: gpt-4o, system: "Answer briefly." }\ncases:\n${cases.join('\n')}\n`);
  const suite = await loadSuiteFile(suiteFile);
  for (const model of ['gpt-4o-mini', 'gpt-4o']) await evaluate({ suite, sink: new JsonlRunStore(join(d.services.dataDir, 'evals')), baseUrl: `${d.url}/v1`, apiKey: KEY, model, seed: 1, concurrency: 4 });
  const res = await post(`${d.url}/v1/chat/completions`, KEY, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] }, { 'x-daca-tags': 'customer=globex' });
  await res.text();
}, 60_000);
afterAll(() => d?.close());

async function cli(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerCost(program);
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  try {
    await program.parseAsync(['node', 'daca', ...args]);
  } finally {
    write.mockRestore();
  }
  return out.join('');
}
const conn = () => ['--url', d.url, '--admin-key', TEST_ADMIN_KEY];

describe('daca cost', () => {
  it('report: a table per group and JSON', async () => {
    const text = await cli('cost', 'report', '-g', 'agent,tag:customer', ...conn());
    expect(text).toMatch(/AGENT\s+TAG:CUSTOMER\s+REQUESTS/);
    expect(text).toMatch(/support\s+globex\s+1\b/);
    const json = JSON.parse(await cli('cost', 'report', '--json', ...conn())) as { groups: { agent: string }[] };
    expect(json.groups.some((g) => g.agent === 'support')).toBe(true);
  });

  it('train-router: learns per task label from the eval runs and writes the policy file', async () => {
    const out = join(dir, 'router.json');
    const text = await cli('cost', 'train-router', '--suite', suiteFile, '--results', join(d.services.dataDir, 'evals'), '--margin', '2pp', '--min-trials', '10', '--out', out);
    expect(text).toMatch(/router policy for suite support-suite from 2 runs/);
    const policy = parseLearnedPolicy(readFileSync(out, 'utf8'));
    expect(policy.routes['task=faq']?.model).toBe('gpt-4o-mini');
    expect(policy.routes['task=hard']?.model).toBe('gpt-4o');
    await expect(cli('cost', 'train-router', '--suite', suiteFile, '--results', join(dir, 'none'))).rejects.toThrow(/on 0 model\(s\)/);
  });

  it('advise: prints the recommendation with its evidence', async () => {
    const text = await cli('cost', 'advise', '--agent', 'support', '--suite', suiteFile, ...conn());
    expect(text).toMatch(/^agent support: now gpt-4o(-mini)? — \d+ requests/m);
    expect(text).toMatch(/evidence: support-suite-gpt-4o/);
    expect(text).toMatch(/router\s+[\d.]+%/);
    const json = JSON.parse(await cli('cost', 'advise', '--agent', 'support', '--json', ...conn())) as { agents: { agent: string; recommendation: { kind: string } }[] };
    expect(json.agents[0]!.agent).toBe('support');
  });
});
