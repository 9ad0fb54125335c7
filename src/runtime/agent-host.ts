import type { AgentEvent, AgentMessage, AgentReply, HostedAgent, InvokeOptions } from './types.js';

/**
 * What the mesh calls to reach the agents this node runs. The runtime implements it; the mesh's
 * A2A, MCP and routing endpoints call it and never talk to Restate themselves.
 *
 * - `invoke(agent, id, msg, opts)`: one turn. `id` selects the instance of a durable agent
 *   (`type:id`); when undefined the runtime uses `msg.contextId`, else a fresh id.
 *   Unknown agent → throws `NotFoundError` from src/errors.ts. Gateway errors (budget, guardrail…)
 *   come back as `{ state: 'failed', error }` rather than throwing.
 * - `stream` (optional): the same turn as events, ending with one `{ kind: 'reply' }`.
 */
export interface AgentHost {
  /** Agents this node hosts (spec prompt agents and `defineAgent` code agents). */
  list(): HostedAgent[];
  /** Runs one turn of `agent` (instance `id`) on `message`. */
  invoke(agent: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions): Promise<AgentReply>;
  /** Runs one turn as a stream of events, ending with the reply. */
  stream?(agent: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions): AsyncIterable<AgentEvent>;
}

/**
 * How an agent calls another agent through the mesh (`ctx.callAgent`). The mesh implements it and
 * hands it to the runtime (`RuntimeOptions.mesh`); without a mesh the runtime calls its own host.
 */
export interface MeshCaller {
  /** Sends `message` to agent `type` (instance `id`) on behalf of `opts.caller`. */
  call(type: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions): Promise<AgentReply>;
}

export type { AgentEvent, AgentMessage, AgentReply, HostedAgent, InvokeOptions };
