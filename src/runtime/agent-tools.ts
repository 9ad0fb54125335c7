/**
 * Tools for agents: what a turn's `ctx.tools` reaches. On a daca node it is the node's MCP tool
 * hub (`mesh.mcp_servers`, every call governed by the spec's `tools:` policies and approvals); the
 * runtime only knows this interface, so it does not depend on the mesh.
 */

/** A tool an agent may call. */
export interface AgentToolInfo {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  inputSchema: Record<string, unknown>;
}

/** Who calls a tool (governance, approvals, attribution). */
export interface AgentToolCaller {
  agent: string;
  tenant: string;
  team?: string | undefined;
  session?: string | null | undefined;
}

/** The result of a tool call (MCP `CallToolResult` content). */
export interface AgentToolResult {
  content: { type: string; text?: string }[];
  isError: boolean;
}

/** Where agents' tools come from. */
export interface AgentToolbox {
  /** The tools `agent` may see. */
  listTools(agent: string): Promise<AgentToolInfo[]>;
  /** Calls a tool after governance (throws a typed `DacaError` when refused). */
  callTool(caller: AgentToolCaller, tool: string, args: Record<string, unknown>, opts?: { signal?: AbortSignal }): Promise<AgentToolResult>;
}

/** The text of a tool result (non-text content as JSON). */
export function toolResultText(r: AgentToolResult): string {
  return r.content.map((c) => (typeof c.text === 'string' ? c.text : JSON.stringify(c))).join('\n');
}
