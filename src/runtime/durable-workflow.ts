/**
 * Builds the Restate workflow of a `defineWorkflow` definition (see define-workflow.ts for what a
 * workflow can do). The `run` handler runs once per workflow id; compensations registered by
 * completed steps run in reverse order when the workflow fails terminally, then the failure is
 * re-thrown.
 */
import type { MeshCaller } from './agent-host.js';
import { outcome, unwrap } from './agent-turn.js';
import type { ApprovalBridge, HumanDecision } from './approval-bridge.js';
import { textMessage } from './define-agent.js';
import type { WorkflowContext as DacaWorkflowContext, WorkflowDefinition } from './define-workflow.js';
import type { AgentIdentity, AgentModelClient } from './model-client.js';
import { TerminalError, workflow, type WorkflowContext } from './restate-sdk.js';
import type { JsonValue } from './types.js';

/** What workflows need from the runtime. */
export interface WorkflowEnv {
  identity(name: string, id: string): AgentIdentity;
  models: AgentModelClient;
  mesh: MeshCaller;
  bridge(): ApprovalBridge | null;
  defaultModel: string;
}

/** The Restate workflow of `def`. */
export function durableWorkflow<I extends JsonValue, O extends JsonValue | void>(def: WorkflowDefinition<I, O>, env: WorkflowEnv) {
  return workflow({
    name: def.name,
    handlers: {
      run: async (ctx: WorkflowContext, input: I): Promise<O> => {
        const id = ctx.key;
        const who = env.identity(def.name, id);
        const undo: (() => Promise<void>)[] = [];
        const seen = new Map<string, number>();
        const keyOf = (name: string): string => {
          const n = (seen.get(name) ?? 0) + 1;
          seen.set(name, n);
          return n === 1 ? `${id}:${name}` : `${id}:${name}#${n}`;
        };
        const w: DacaWorkflowContext = {
          id,
          step: async (name, fn, opts = {}) => {
            const key = keyOf(name);
            const runOpts = opts.retries === undefined ? {} : { maxRetryAttempts: opts.retries + 1, initialRetryInterval: opts.retryDelayMs ?? 100 };
            const result = await ctx.run(name, async () => (await fn(key)) ?? null, runOpts);
            const comp = opts.compensate;
            if (comp) undo.push(async () => void (await ctx.run(`undo ${name}`, async () => void (await comp(result as never, key)))));
            return result as never;
          },
          all: (branches) => Promise.all(branches.map((b) => b())),
          approval: async (name, ask) => {
            const bridge = env.bridge();
            if (!bridge) throw new TerminalError('human steps need the approval service (not available on this node)');
            const awk = ctx.awakeable<HumanDecision>();
            await ctx.run(`approval ${name}`, () => bridge.request(awk.id, { agent: def.name, session: id, tenant: who.tenant, team: who.team, reason: ask.reason, summary: ask.summary, expiresInMs: ask.expiresInMs }));
            return awk.promise;
          },
          sleep: (ms) => ctx.sleep(ms),
          callAgent: async (type, target, msg) => {
            const m = typeof msg === 'string' ? textMessage(msg, 'agent') : msg;
            return unwrap(await ctx.run(`call ${type}`, () => outcome(() => env.mesh.call(type, target, m, { caller: def.name, tenant: who.tenant }))));
          },
          model: {
            chat: async (req) => unwrap(await ctx.run('model', () => outcome(() => env.models.chat(who, { ...req, model: req.model ?? env.defaultModel })))),
          },
        };
        try {
          return await def.run(w, input);
        } catch (e) {
          if (e instanceof TerminalError || (e as Error)?.name === 'AgentCallError') {
            for (const u of undo.reverse()) await u();
            throw e instanceof TerminalError ? e : new TerminalError((e as Error).message);
          }
          throw e;
        }
      },
    },
  });
}
