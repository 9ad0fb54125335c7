import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReason } from '../../compliance/audit-types.js';
import { ContentBlockedError } from '../../errors.js';
import type { GatewayCall } from '../../gateway/call.js';
import type { ChatResult } from '../../providers/types.js';
import { NOOP_SPAN } from '../../telemetry/tracing/index.js';
import { ExternalGuardrailsSpecSchema } from './external-spec.js';
import { ExternalGuards } from './external-guards.js';
import type { GatewayChat } from './types.js';

let server: Server;
let url: string;
let answer: (body: Record<string, unknown>) => { status?: number; body: string } = () => ({ body: '{"action":"allow"}' });

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const a = answer(JSON.parse(raw) as Record<string, unknown>);
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((r) => server.close(r)));

function call(agent = 'a'): GatewayCall {
  return {
    id: 'req-1', startedAt: 0, t0: 0, route: 'chat',
    principal: { keyId: 'k', role: 'agent', tenant: 't', team: 'x', agent, models: null, dev: false },
    attribution: { tenant: 't', team: 'x', agent, session: null, tags: {} },
    signal: new AbortController().signal, abort: () => {}, traceparent: undefined, span: NOOP_SPAN, stream: false,
    requestedModel: 'm', model: null, recorded: false, approval: {}, reasons: [], via: [], dataSubject: undefined, cacheDirective: 'default', cache: 'miss',
  } as GatewayCall;
}

function guards(entries: unknown[]): ExternalGuards {
  return new ExternalGuards(ExternalGuardrailsSpecSchema.parse(entries));
}

describe('ExternalGuards', () => {
  it('rejects duplicate names', () => {
    expect(() => ExternalGuardrailsSpecSchema.parse([{ name: 'a', type: 'webhook', url }, { name: 'a', type: 'webhook', url }])).toThrow(/unique/);
  });

  it('an unreadable answer or HTTP error follows on_error', async () => {
    answer = () => ({ status: 500, body: 'nope' });
    const reasons: AuditReason[] = [];
    const lax = guards([{ name: 'w', type: 'webhook', url }]);
    expect(await lax.checkOutput(call(), 'hi', reasons)).toBe('hi');
    expect(reasons[0]).toMatchObject({ name: 'external:w', effect: 'info' });
    answer = () => ({ body: '{"action":"maybe"}' });
    const strict = guards([{ name: 'w', type: 'webhook', url, on_error: 'block' }]);
    const e = await strict.checkOutput(call(), 'hi', []).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ContentBlockedError);
    expect((e as ContentBlockedError).details).toMatchObject({ guardrail: 'external:w', direction: 'output' });
  });

  it('applies only to its direction and agents, and chains redactions in order', async () => {
    answer = (b) => ({ body: JSON.stringify({ action: 'redact', redacted_text: `${String(b.text)}+` }) });
    const g = guards([
      { name: 'one', type: 'webhook', url, direction: 'output' },
      { name: 'two', type: 'webhook', url, direction: 'output', agents: ['b'] },
      { name: 'three', type: 'webhook', url, direction: 'input' },
    ]);
    expect(await g.checkOutput(call('a'), 'x', [])).toBe('x+');
    expect(await g.checkOutput(call('b'), 'x', [])).toBe('x++');
    expect(g.hasInput(call('a'))).toBe(true);
  });

  it('a judge without a gateway follows on_error; with one, blocks on its verdict and skips its own call', async () => {
    const g = guards([{ name: 'j', type: 'judge', model: 'm', rubric: 'no cats', on_error: 'block' }]);
    await expect(g.checkInput(call(), [{ role: 'user', content: 'cats' }], [])).rejects.toThrow(/external:j.*unavailable/);
    const seen: GatewayCall[] = [];
    const chat: GatewayChat = async (c, req) => {
      seen.push(c);
      const verdict = JSON.stringify(req.messages.at(-1)).includes('cats') ? 'block' : 'allow';
      return { result: { id: 'r', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ verdict, reason: 'about cats' }) }, finish_reason: 'stop' }] } as unknown as ChatResult };
    };
    g.attach(chat);
    await expect(g.checkInput(call(), [{ role: 'user', content: 'dogs' }], [])).resolves.toHaveLength(1);
    const e = await g.checkInput(call(), [{ role: 'user', content: 'cats' }], []).catch((x: unknown) => x);
    expect((e as ContentBlockedError).details).toMatchObject({ guardrail: 'external:j', reason: 'about cats' });
    expect(seen[0]!.attribution.tags).toEqual({ guardrail: 'j' });
    expect(g.hasInput(seen[0]!)).toBe(false);
  });
});
