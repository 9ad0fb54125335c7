/**
 * daca's agents as MCP tools at `/mcp` (Streamable HTTP, stateless, JSON responses): one tool per
 * agent the node hosts, named after it, taking `{ message }` and answering with the agent's
 * reply. A call runs through the mesh like any other: authorised as the key's caller, traced,
 * metered per edge.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { Mesh } from '../mesh.js';
import type { MeshCallerIdentity } from '../security/call-policy.js';
import { textOf } from '../a2a/convert.js';

/** MCP tool names allow letters, digits, `_`, `-` and `.`. */
function toolName(agent: string): string {
  return agent.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

/**
 * Serves one MCP request (a fresh stateless server per request, as the SDK recommends).
 * @example
 * ```ts
 * await serveAgentsOverMcp(mesh, caller, incoming, outgoing, body);
 * ```
 */
export async function serveAgentsOverMcp(mesh: Mesh, caller: MeshCallerIdentity, req: IncomingMessage, res: ServerResponse, body: unknown, traceparent?: string): Promise<void> {
  const server = new McpServer({ name: 'daca', version: '0.1.0' });
  for (const agent of mesh.host?.list() ?? []) {
    if (mesh.policy.refusal(caller, { agent: agent.name, skill: null, tenant: mesh.tenantOf(agent.name) })) continue;
    const skills = agent.skills.map((s) => s.name || s.id).join(', ');
    server.registerTool(
      toolName(agent.name),
      {
        title: agent.name,
        description: `${agent.description || `Agent ${agent.name}`}${skills ? ` Skills: ${skills}.` : ''} Send it a message; it answers in text.`,
        inputSchema: { message: z.string().min(1).describe('what to ask the agent'), context_id: z.string().optional().describe('continue a conversation') },
      },
      async ({ message, context_id }) => {
        const reply = await mesh.invokeLocal(agent.name, { role: 'user', parts: [{ kind: 'text', text: message }], ...(context_id ? { contextId: context_id } : {}) }, caller, traceparent ? { traceparent } : {});
        const text = textOf(reply.parts) || reply.error?.message || '';
        return { content: [{ type: 'text' as const, text }], isError: reply.state === 'failed' };
      },
    );
  }
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.once('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}
