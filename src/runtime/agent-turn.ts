/**
 * One turn of an agent, independent of where it runs: builds the handler's `AgentContext` from a
 * small set of effects (durable on Restate, or plain in-process), runs the handler, and returns
 * the reply and the state to keep. Model calls and agent calls go through `effects.run`, so a
 * durable turn replays their journaled results instead of calling (and paying) twice.
 */
import { DacaError, NotFoundError } from '../errors.js';
import { toolResultText, type AgentToolbox } from './agent-tools.js';
import type { MeshCaller } from './agent-host.js';
import { messageText, textMessage, toReply, type AgentContext, type AgentDefinition, type ModelChatRequest, type ModelChatResult } from './define-agent.js';
import type { AgentIdentity, AgentModelClient } from './model-client.js';
import type { AgentMessage, AgentReply, AgentUsage, InvokeOptions } from './types.js';

/** Where a turn's side effects go. */
export interface TurnEffects {
  sleep(ms: number): Promise<void>;
  schedule(delayMs: number, handler: string, message: AgentMessage): Promise<void>;
  /** Runs `fn` once (journaled when durable); its result must be JSON. */
  run<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** What a turn needs besides its effects. */
export interface TurnEnv {
  identity: AgentIdentity;
  models: AgentModelClient;
  mesh: MeshCaller;
  /** The node's tools (absent: the agent has none). */
  tools?: AgentToolbox | undefined;
  opts: InvokeOptions;
}

/** A model or agent call's outcome as journaled: a value or a typed failure. */
export type Outcome<T> = { ok: T } | { err: { code: string; message: string; status: number } };

/** The error a journaled failure is re-thrown as inside the handler. */
export class AgentCallError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'AgentCallError';
  }
}

/** Runs `fn`, turning typed failures into a journal-safe value. */
export async function outcome<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await fn() };
  } catch (e) {
    if (e instanceof DacaError) return { err: { code: e.code, message: e.message, status: e.status } };
    const x = e as { code?: unknown; status?: unknown; message?: unknown };
    if (typeof x?.code === 'string' && typeof x.status === 'number') return { err: { code: x.code, message: String(x.message), status: x.status } };
    throw e;
  }
}

/** The value of an outcome, or its failure re-thrown as `AgentCallError`. */
export function unwrap<T>(o: Outcome<T>): T {
  if ('ok' in o) return o.ok;
  throw new AgentCallError(o.err.code, o.err.message, o.err.status);
}

/** Runs `handler` of `def` on `message` with `state`; returns the reply and the new state. */
export async function runTurn<S>(
  def: AgentDefinition<S>,
  handler: string,
  id: string,
  message: AgentMessage,
  state: S,
  effects: TurnEffects,
  env: TurnEnv,
): Promise<{ reply: AgentReply; state: S }> {
  const fn = def.handlers[handler];
  if (!fn) return { reply: { parts: [], state: 'failed', error: { code: 'not_found', message: `agent '${def.name}' has no handler '${handler}'` } }, state };
  let usage: AgentUsage | null = null;
  const defaultModel = def.model ?? 'default';
  const ctx: AgentContext<S> = {
    agent: def.name,
    id,
    caller: env.opts.caller,
    state,
    model: {
      chat: async (req: ModelChatRequest): Promise<ModelChatResult> => {
        const r = unwrap(await effects.run('model', () => outcome(() => env.models.chat(env.identity, { ...req, model: req.model ?? defaultModel }, { signal: env.opts.signal, traceparent: env.opts.traceparent }))));
        usage ??= { inputTokens: 0, outputTokens: 0, costMicros: 0, modelCalls: 0 };
        usage.inputTokens += r.usage.inputTokens;
        usage.outputTokens += r.usage.outputTokens;
        usage.costMicros += r.usage.costMicros;
        usage.modelCalls += 1;
        return r;
      },
    },
    tools: {
      list: async () => (env.tools ? env.tools.listTools(def.name) : []),
      call: async (name, args) =>
        unwrap(
          await effects.run(`tool ${name}`, () =>
            outcome(async () => {
              if (!env.tools) throw new NotFoundError(`agent '${def.name}' has no tools here (declare MCP servers in mesh.mcp_servers)`);
              const who = { agent: def.name, tenant: env.identity.tenant, team: env.identity.team, session: env.identity.session };
              const r = await env.tools.callTool(who, name, args, env.opts.signal ? { signal: env.opts.signal } : {});
              return { text: toolResultText(r), isError: r.isError };
            }),
          ),
        ),
    },
    callAgent: async (type, targetId, msg) => {
      const m = typeof msg === 'string' ? textMessage(msg, 'agent') : msg;
      return unwrap(await effects.run(`call ${type}`, () => outcome(() => env.mesh.call(type, targetId, m, { caller: def.name, traceparent: env.opts.traceparent, deadlineMs: env.opts.deadlineMs, tenant: env.identity.tenant }))));
    },
    sleep: (ms) => effects.sleep(ms),
    schedule: (delayMs, h, msg) => effects.schedule(delayMs, h, typeof msg === 'string' ? textMessage(msg, 'agent') : msg),
    run: (name, f) => effects.run(name, async () => (await f()) as never),
  };
  try {
    const r = await fn(ctx, message);
    return { reply: toReply(r, usage), state: ctx.state };
  } catch (e) {
    if (e instanceof AgentCallError || e instanceof DacaError) return { reply: failed(e.code, e.message, usage), state };
    throw e;
  }
}

/** A failed reply. */
export function failed(code: string, message: string, usage: AgentUsage | null = null): AgentReply {
  const r: AgentReply = { parts: [{ kind: 'text', text: message }], state: 'failed', error: { code, message } };
  if (usage) r.usage = usage;
  return r;
}

export { messageText };
