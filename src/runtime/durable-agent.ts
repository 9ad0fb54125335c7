/**
 * A durable agent: one Restate virtual object per agent type, keyed by instance id, with one
 * exclusive handler `turn` that dispatches to the definition's handlers. State is read once
 * (`ctx.get`, sent eagerly by Restate) and written back only when the turn changed it; timers are
 * Restate timers; reminders are delayed sends to the same object; idle instances cost nothing
 * (Restate keeps the state, not a process).
 */
import type { AgentDefinition } from './define-agent.js';
import { runTurn, type TurnEffects, type TurnEnv } from './agent-turn.js';
import { object, serde, TerminalError, type ObjectContext } from './restate-sdk.js';
import type { AgentMessage, AgentReply } from './types.js';

/** The input of a durable turn, as sent to `POST /<agent>/<id>/turn`. */
export interface TurnInput {
  /** Handler name (default `onMessage`). */
  h?: string;
  /** The message. */
  m: AgentMessage;
  /** Caller. */
  c?: string;
  /** traceparent. */
  tp?: string;
}

const STATE = 's';

/** Builds the Restate virtual object of `def`. */
export function durableAgentObject<S>(def: AgentDefinition<S>, env: (id: string) => Omit<TurnEnv, 'opts'>) {
  return object({
    name: def.name,
    handlers: {
      turn: async (ctx: ObjectContext, input: TurnInput): Promise<AgentReply> => {
        const id = ctx.key;
        const stored = await ctx.get<S>(STATE);
        const state = stored ?? structuredClone(def.state);
        const before = stored === null ? null : JSON.stringify(stored);
        const effects: TurnEffects = {
          sleep: (ms) => ctx.sleep(ms),
          schedule: async (delayMs, h, m) => {
            ctx.genericSend({ service: def.name, method: 'turn', key: id, parameter: { h, m } satisfies TurnInput, inputSerde: serde.json, delay: delayMs });
          },
          run: (name, fn) => ctx.run(name, fn),
        };
        const opts: TurnEnv['opts'] = {};
        if (input.c !== undefined) opts.caller = input.c;
        if (input.tp !== undefined) opts.traceparent = input.tp;
        let r: { reply: AgentReply; state: S };
        try {
          r = await runTurn(def, input.h ?? 'onMessage', id, input.m, state, effects, { ...env(id), opts });
        } catch (e) {
          if (e instanceof TerminalError) return { parts: [{ kind: 'text', text: e.message }], state: 'failed', error: { code: 'terminal', message: e.message } };
          throw e; // transient: Restate retries the turn
        }
        if (r.state !== undefined && (before === null || JSON.stringify(r.state) !== before)) ctx.set(STATE, r.state);
        return r.reply;
      },
    },
  });
}
