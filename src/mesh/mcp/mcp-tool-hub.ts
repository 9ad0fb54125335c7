/**
 * Tools from MCP servers declared in `mesh.mcp_servers` (stdio or Streamable HTTP), for agents.
 * Every call passes daca's tool governance first: the agent's allow-list and argument schema
 * (`tools:` policies), and a human approval where the policy asks for one. Connections open on
 * first use and stay open.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ForbiddenError, NotFoundError, UpstreamError } from '../../errors.js';
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import { toolBlockedError, type ToolPolicy } from '../../guardrails/tools/tool-policy.js';
import type { McpServerSpec } from '../mesh-spec.js';

/** A tool an agent may see. */
export interface McpTool {
  server: string;
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** The result of a tool call (MCP `CallToolResult` content). */
export interface McpToolResult {
  content: { type: string; text?: string; [k: string]: unknown }[];
  isError: boolean;
}

/** Who calls a tool (for governance and approvals). */
export interface ToolCaller {
  agent: string;
  tenant: string;
  team?: string | undefined;
  keyId?: string | undefined;
  session?: string | null | undefined;
}

interface Connection {
  client: Client;
  tools: McpTool[];
}

/**
 * The MCP servers of a spec and their tools.
 * @example
 * ```ts
 * const hub = new McpToolHub(spec.mesh.mcp_servers, { tools: new ToolPolicy(spec), approvals });
 * const tools = await hub.listTools('researcher');
 * const r = await hub.callTool({ agent: 'researcher', tenant: 'acme' }, 'search', { q: 'kettles' });
 * ```
 */
export class McpToolHub {
  private readonly conns = new Map<string, Promise<Connection>>();

  constructor(
    private readonly servers: Readonly<Record<string, McpServerSpec>>,
    private readonly governance: { tools: ToolPolicy; approvals?: ApprovalService | undefined },
  ) {}

  private connect(name: string): Promise<Connection> {
    let p = this.conns.get(name);
    if (!p) {
      const spec = this.servers[name];
      if (!spec) return Promise.reject(new NotFoundError(`no MCP server '${name}' in mesh.mcp_servers`));
      p = (async () => {
        const client = new Client({ name: 'daca', version: '0.1.0' });
        const transport = spec.url
          ? new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: spec.headers } })
          : new StdioClientTransport({ command: spec.command!, args: spec.args, env: { ...(process.env as Record<string, string>), ...spec.env }, ...(spec.cwd ? { cwd: spec.cwd } : {}), stderr: 'ignore' });
        await client.connect(transport);
        const listed = await client.listTools();
        const tools = listed.tools.map((t) => ({ server: name, name: t.name, description: t.description ?? '', inputSchema: t.inputSchema as Record<string, unknown> }));
        return { client, tools };
      })();
      p.catch(() => this.conns.delete(name));
      this.conns.set(name, p);
    }
    return p;
  }

  private serversFor(agent: string): string[] {
    return Object.entries(this.servers)
      .filter(([, s]) => s.agents.includes('*') || s.agents.includes(agent))
      .map(([n]) => n);
  }

  /**
   * The tools `agent` may see: those of the servers that list it, less the ones its `tools:`
   * policy does not allow (they could not be called); each server connected on first use.
   */
  async listTools(agent: string): Promise<McpTool[]> {
    const out: McpTool[] = [];
    const policy = this.governance.tools;
    for (const name of this.serversFor(agent))
      for (const t of (await this.connect(name)).tools) if (policy.checkDeclared(agent, [{ type: 'function', function: { name: t.name } }]).action !== 'block') out.push(t);
    return out;
  }

  /**
   * Calls a tool for an agent after governance: refused with 400 `content_blocked` when the tool
   * is not on the agent's allow-list or its arguments break the schema; 403 `approval_required`
   * until a human approves when the policy asks for one.
   */
  async callTool(caller: ToolCaller, tool: string, args: Record<string, unknown>, opts: { signal?: AbortSignal; approvalId?: string } = {}): Promise<McpToolResult> {
    const call = { id: `mcp_${randomUUID()}`, type: 'function' as const, function: { name: tool, arguments: JSON.stringify(args) } };
    const v = this.governance.tools.checkResult(caller.agent, [call]);
    if (v.action === 'block') throw toolBlockedError(v, 'output');
    if (v.action === 'approval') {
      if (!this.governance.approvals) throw new ForbiddenError(`tool '${tool}' needs a human approval, and approvals are not available here`);
      const ctx = {
        subject: { keyId: caller.keyId ?? `agent:${caller.agent}`, tenant: caller.tenant, team: caller.team ?? 'default', agent: caller.agent, session: caller.session ?? null },
        request: { model: `mcp:${tool}`, messages: [] },
        toolCalls: [call],
      };
      if (opts.approvalId) await this.governance.approvals.consume(opts.approvalId, ctx);
      else await this.governance.approvals.gate(ctx, { ruleId: `tools:${v.policy}`, reason: v.reason });
    }
    let server: string | undefined;
    for (const name of this.serversFor(caller.agent)) {
      if ((await this.connect(name)).tools.some((t) => t.name === tool)) {
        server = name;
        break;
      }
    }
    if (!server) throw new NotFoundError(`no MCP server available to agent '${caller.agent}' offers tool '${tool}'`);
    const { client } = await this.connect(server);
    try {
      const r = await client.callTool({ name: tool, arguments: args }, undefined, opts.signal ? { signal: opts.signal } : undefined);
      return { content: (r.content ?? []) as McpToolResult['content'], isError: r.isError === true };
    } catch (e) {
      throw new UpstreamError(`MCP tool '${tool}' on server '${server}' failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  /** Closes every connection (stdio servers are stopped). */
  async close(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map((p) => p.then((c) => c.client.close()).catch(() => {})));
  }
}
