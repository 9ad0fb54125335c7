/**
 * Agents under test: a real HTTP agent service, a shell command, and a prompt-agent with scripted
 * tools calling the sim through daca.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca } from '../../../test/support/in-process-daca.js';
import { UpstreamError } from '../../errors.js';
import type { RunningDaca } from '../../server/serve.js';
import { evaluate } from '../evaluate.js';
import { MemoryRunStore } from '../sinks/memory-sink.js';
import { parseSuiteText } from '../suite-loader.js';
import { SIM_KEY, SIM_SPEC } from '../testing/sim-fixtures.js';
import { commandAgent } from './command-agent.js';
import { httpAgent } from './http-agent.js';

let daca: RunningDaca;
let agentServer: Server;
let agentUrl: string;
const seen: { input: string; history: unknown[]; case: { id: string } }[] = [];

beforeAll(async () => {
  daca = await startTestDaca(SIM_SPEC);
  agentServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const turn = JSON.parse(body) as { input: string; history: unknown[]; case: { id: string; context: string[] } };
      seen.push(turn);
      if (turn.case.id === 'broken') {
        res.writeHead(500).end('agent crashed');
        return;
      }
      const answer = turn.case.id === 'weather' ? 'It is 21 degrees in Oslo today.' : 'Refunds take 5 business days.';
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ output: answer, tool_calls: [{ name: 'kb_search', arguments: '{"q":"refund"}' }], usage: { prompt_tokens: 30, completion_tokens: 7 }, cost_usd: 0.00012 }),
      );
    });
  });
  await new Promise<void>((r) => agentServer.listen(0, '127.0.0.1', r));
  agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/agent`;
});
afterAll(async () => {
  await daca?.close();
  await new Promise((r) => agentServer?.close(r));
});

const SUITE = `name: support
personas: [neutral, novice]
cases:
  - id: refund
    input: How long do refunds take?
    context: ["Refunds take 5 business days."]
    expected: 5 business days
    expected_tools: [{ name: kb_search, arguments: { q: refund } }]
  - id: weather
    input: Weather in Oslo?
    context: ["Oslo: 18 degrees, cloudy."]
    graders: [{ type: contains, value: degrees }]
  - id: broken
    input: crash please
`;

describe('http agent', () => {
  it('sends {input, history, case} and grades {output, tool_calls, usage, cost_usd}', async () => {
    const suite = parseSuiteText(SUITE, 's.yaml');
    const run = await evaluate({ suite, sink: new MemoryRunStore(), agent: { kind: 'http', url: agentUrl, headers: {}, timeout_ms: 5000 }, seed: 1 });
    const by = new Map(run.trials.map((t) => [t.key, t]));
    expect(by.get('refund|neutral|0')).toMatchObject({ passed: true, completed: true, promptTokens: 30, completionTokens: 7, costMicros: 120, hallucinated: false });
    expect(by.get('refund|novice|0')!.grades.map((g) => g.kind)).toEqual(['contains', 'tool_calls']);
    // 21 is not in the context: graded pass (contains "degrees") but flagged as a hallucination
    expect(by.get('weather|neutral|0')).toMatchObject({ passed: true, hallucinated: true, unsupportedClaims: 1 });
    expect(by.get('broken|neutral|0')).toMatchObject({ completed: false, passed: false });
    expect(by.get('broken|neutral|0')!.error).toMatch(/answered 500: agent crashed/);
    const novice = seen.find((s) => s.case.id === 'refund' && s.input !== 'How long do refunds take?')!;
    expect(novice.history).toEqual([]);
    expect(run.meta.agent).toEqual({ kind: 'http', model: null, version: agentUrl });
  });

  it('throws UpstreamError when the agent is unreachable', async () => {
    const agent = httpAgent({ url: 'http://127.0.0.1:1/agent', timeoutMs: 2000 });
    await expect(agent.respond({ input: 'x', history: [], case: { id: 'a', input: 'x', context: [], tags: [] }, persona: 'neutral', seed: 1 })).rejects.toThrow(UpstreamError);
    agent.close();
  });
});

describe('command agent', () => {
  it('writes the turn as JSON to stdin and reads the answer from stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmd-agent-'));
    writeFileSync(
      join(dir, 'agent.mjs'),
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);process.stdout.write(JSON.stringify({output:`Echo ${t.case.id}: ${t.input.length}`,usage:{prompt_tokens:3,completion_tokens:2}}))});',
    );
    const agent = commandAgent({ command: `node ${join(dir, 'agent.mjs')}` });
    const r = await agent.respond({ input: 'hello', history: [], case: { id: 'c1', input: 'hello', context: [], tags: [] }, persona: 'neutral', seed: 1 });
    expect(r).toEqual({ output: 'Echo c1: 5', toolCalls: [], toolResults: [], promptTokens: 3, completionTokens: 2, costMicros: 0 });
    await expect(commandAgent({ command: 'echo not-json' }).respond({ input: 'x', history: [], case: { id: 'c', input: 'x', context: [], tags: [] }, persona: 'n', seed: 1 })).rejects.toThrow(/invalid JSON: not-json/);
    await expect(commandAgent({ command: 'echo oops >&2; exit 3' }).respond({ input: 'x', history: [], case: { id: 'c', input: 'x', context: [], tags: [] }, persona: 'n', seed: 1 })).rejects.toThrow(/exited 3: oops/);
  });
});

describe('prompt agent with scripted tools', () => {
  it('answers tool calls with the scripted results and grounds claims in them', async () => {
    const suite = parseSuiteText(
      `name: orders
agent:
  kind: prompt
  model: strong
  system: You help with orders.
  tools:
    - name: lookup_order
      description: look up an order by its number
      parameters: { type: object, properties: { order: { type: integer } }, required: [order] }
      result: { order: 4417, status: shipped, carrier: DHL, eta: "2 days" }
cases:
  - id: where
    input: Please lookup order 4417 status
    graders:
      - { type: tool_calls, calls: [{ name: lookup_order, arguments: { order: 4417 } }] }
      - { type: contains, value: shipped }
`,
      's.yaml',
    );
    const run = await evaluate({ suite, sink: new MemoryRunStore(), baseUrl: `${daca.url}/v1`, apiKey: SIM_KEY, seed: 1 });
    const t = run.trials[0]!;
    expect(t.error).toBeNull();
    expect(t.grades).toEqual([
      { name: 'tool_calls', kind: 'tool_calls', pass: true, score: 1 },
      { name: 'contains', kind: 'contains', pass: true, score: 1 },
    ]);
    expect(t.output).toMatch(/lookup_order result: .*shipped/);
    expect(t.hallucinated).toBe(false); // DHL and 4417 come from the tool result
    expect(t.costMicros).toBeGreaterThan(0);
    expect(run.meta.agent.version).toMatch(/^sha256:/);
  });
});
