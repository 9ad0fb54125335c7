import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RunningDaca } from '../../server/serve.js';
import { startTestDaca, TEST_ADMIN_KEY, post } from '../../../test/support/in-process-daca.js';
import { defineAgent, messageText } from '../../runtime/define-agent.js';
import { isDacaError } from '../../errors.js';
import { closeMeshOf, mcpToolsOf, toolboxOf } from '../node-mesh.js';

let tools: Server;
let toolsUrl: string;
let daca: RunningDaca;
let key: string;
const calls: string[] = [];

/** An MCP tool server on @modelcontextprotocol/sdk (Streamable HTTP): two inventory tools. */
async function startToolServer(): Promise<void> {
  tools = createServer(async (req, res) => {
    const server = new McpServer({ name: 'inventory-tools', version: '1.0.0' });
    server.registerTool('lookup_stock', { description: 'Units in stock of a SKU', inputSchema: { sku: z.string() } }, async ({ sku }) => {
      calls.push(`lookup_stock:${sku}`);
      return { content: [{ type: 'text' as const, text: `${sku}: 42 units` }] };
    });
    server.registerTool('delete_inventory', { description: 'Deletes every inventory record', inputSchema: {} }, async () => {
      calls.push('delete_inventory');
      return { content: [{ type: 'text' as const, text: 'deleted' }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void transport.close());
    await server.connect(transport);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await transport.handleRequest(req, res, chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined);
  });
  await new Promise<void>((r) => tools.listen(0, '127.0.0.1', r));
  toolsUrl = `http://127.0.0.1:${(tools.address() as AddressInfo).port}/mcp`;
}

/** The same tools over stdio: a script run by node. */
function stdioServerScript(): string {
  const dir = mkdtempSync(join(tmpdir(), 'daca-mcp-'));
  const sdk = resolve('node_modules/@modelcontextprotocol/sdk/dist/esm');
  const file = join(dir, 'stdio-tools.mjs');
  writeFileSync(
    file,
    `import { McpServer } from '${sdk}/server/mcp.js';
import { StdioServerTransport } from '${sdk}/server/stdio.js';
import { z } from '${resolve('node_modules/zod/index.js')}';
const server = new McpServer({ name: 'echo-tools', version: '1.0.0' });
server.registerTool('echo_text', { description: 'Echoes text', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text: 'echo: ' + text }] }));
await server.connect(new StdioServerTransport());
`,
  );
  return file;
}

beforeAll(async () => {
  await startToolServer();
  const script = stdioServerScript();
  daca = await startTestDaca(`
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim, type: chat } }
tenants: { default: {} }
teams: { default: { tenant: default } }
agents:
  stocker: { team: default }
  assistant: { team: default, prompt: { model: small, system: hi } }
  clerk: { team: default, prompt: { model: small, system: You answer stock questions., tools: [lookup_stock, delete_inventory] } }
tools:
  stocker-tools:
    agents: [stocker]
    allow:
      lookup_stock: { parameters: { type: object, properties: { sku: { type: string, pattern: "^SKU-[0-9]+$" } }, required: [sku] } }
      echo_text: {}
  clerk-tools:
    agents: [clerk]
    allow:
      lookup_stock: {}
mesh:
  mcp_servers:
    inventory: { url: "${toolsUrl}" }
    echo: { command: "${process.execPath}", args: ["${script}"] }
`);
  // a code agent that calls the MCP tools it is asked for, through daca's governed hub
  const hub = await mcpToolsOf(daca.services);
  await daca.services.runtime.register(
    defineAgent({
      name: 'stocker',
      handlers: {
        async onMessage(ctx, msg) {
          const text = messageText(msg);
          const sp = text.indexOf(' ');
          const [tool, json] = sp < 0 ? [text, '{}'] : [text.slice(0, sp), text.slice(sp + 1)];
          try {
            const r = await hub.callTool({ agent: ctx.agent, tenant: 'default' }, tool, JSON.parse(json ?? '{}') as Record<string, unknown>);
            return r.content.map((c) => c.text ?? '').join('');
          } catch (e) {
            return { state: 'failed', parts: [{ kind: 'text', text: isDacaError(e) ? `${e.code}: ${e.message}` : String(e) }], error: { code: isDacaError(e) ? e.code : 'error', message: String(e) } };
          }
        },
      },
    }),
  );
  key = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: null, team: 'default', tenant: 'default' })).json()) as { key: string }).key;
});
afterAll(async () => {
  await closeMeshOf(daca.services);
  await daca?.close();
  tools.closeAllConnections();
  await new Promise<void>((r) => tools.close(() => r()));
});

async function ask(text: string, agent = 'stocker'): Promise<{ state: string; text: string }> {
  const r = await post(`${daca.url}/a2a/${agent}/`, key, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: `m-${Math.random()}`, role: 'user', parts: [{ kind: 'text', text }] } } });
  const j = (await r.json()) as { result: { status: { state: string; message?: { parts: { text: string }[] } } } };
  return { state: j.result.status.state, text: j.result.status.message?.parts.map((p) => p.text).join('') ?? '' };
}

describe('MCP tools for agents', () => {
  it('an agent calls an allowed tool of a Streamable HTTP MCP server', async () => {
    const r = await ask('lookup_stock {"sku":"SKU-4411"}');
    expect(r).toEqual({ state: 'completed', text: 'SKU-4411: 42 units' });
  });

  it('refuses a tool outside the agent\'s allow-list, and arguments that break the schema, before the server sees them', async () => {
    const before = calls.length;
    const denied = await ask('delete_inventory {}');
    expect(denied.state).toBe('failed');
    expect(denied.text).toMatch(/^content_blocked: .*delete_inventory.*not on the allow-list/);
    const bad = await ask('lookup_stock {"sku":"drop table"}');
    expect(bad.text).toMatch(/^content_blocked: .*sku/);
    expect(calls.length).toBe(before);
  });

  it('calls a tool of a stdio MCP server', async () => {
    expect(await ask('echo_text {"text":"hi"}')).toEqual({ state: 'completed', text: 'echo: hi' });
  });
});

describe('a prompt agent with prompt.tools', () => {
  it('calls its MCP tool in a tool loop and answers with the result in hand', async () => {
    const before = calls.length;
    const r = await ask('Look up the stock of SKU-77 for me', 'clerk');
    expect(r.state).toBe('completed');
    expect(calls.slice(before)).toHaveLength(1);
    expect(calls.at(-1)).toMatch(/^lookup_stock:/);
    await daca.services.recorder.flush();
    const rows = await daca.services.store.usage.list({ agent: 'clerk' });
    expect(rows).toHaveLength(2); // the call that asked for the tool, the one that answered with its result
  });

  it('is never offered a tool outside its allow-list, though the spec lists it in prompt.tools', async () => {
    expect((await toolboxOf(daca.services).listTools('clerk')).map((t) => t.name)).toEqual(['lookup_stock']);
    const before = calls.length;
    const r = await ask('Delete the inventory records', 'clerk');
    expect(r.state).toBe('completed');
    expect(calls.slice(before)).toEqual([]);
  });
});

describe('daca agents as MCP tools at /mcp', () => {
  it('lists the agents as tools and answers a call with the agent\'s reply', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${daca.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    const listed = await client.listTools();
    expect(listed.tools.map((t) => t.name).sort()).toEqual(['assistant', 'clerk', 'stocker']);
    const r = (await client.callTool({ name: 'stocker', arguments: { message: 'lookup_stock {"sku":"SKU-1"}' } })) as { content: { text: string }[]; isError?: boolean };
    expect(r.content[0]!.text).toBe('SKU-1: 42 units');
    expect(r.isError).toBe(false);
    await client.close();
  });

  it('refuses a caller without a key', async () => {
    const r = await fetch(`${daca.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(r.status).toBe(401);
  });
});
