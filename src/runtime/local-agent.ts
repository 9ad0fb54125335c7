/**
 * The fast path: an agent run in-process without Restate. Turns of one instance run one at a
 * time (turn-based, like a virtual object); state lives in memory and is lost on restart; timers
 * and reminders are in-process timers. Ephemeral calls (no instance id) skip state and queueing.
 */
import type { AgentDefinition } from './define-agent.js';
import { failed, runTurn, type TurnEffects, type TurnEnv } from './agent-turn.js';
import type { AgentMessage, AgentReply, JsonValue } from './types.js';

/** In-memory instances kept per agent type (least recently used ones are dropped). */
const MAX_INSTANCES = 10_000;

/** Runs one agent type in-process. */
export class LocalAgent<S = JsonValue> {
  private readonly states = new Map<string, S>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly def: AgentDefinition<S>, private readonly env: (id: string) => Omit<TurnEnv, 'opts'>) {}

  /** One turn on instance `id` (or an ephemeral instance when `id` is undefined). */
  turn(handler: string, id: string | undefined, message: AgentMessage, opts: TurnEnv['opts']): Promise<AgentReply> {
    if (id === undefined) return this.exec(handler, 'ephemeral', message, opts, false);
    const prev = this.queues.get(id) ?? Promise.resolve();
    const next = prev.then(() => this.exec(handler, id, message, opts, true));
    const tail = next.catch(() => {});
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return next;
  }

  /** Cancels pending reminders. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async exec(handler: string, id: string, message: AgentMessage, opts: TurnEnv['opts'], keep: boolean): Promise<AgentReply> {
    const state = (keep ? this.states.get(id) : undefined) ?? structuredClone(this.def.state);
    const effects: TurnEffects = {
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      schedule: async (delayMs, h, msg) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          void this.turn(h, keep ? id : undefined, msg, {}).catch(() => {});
        }, delayMs);
        t.unref();
        this.timers.add(t);
      },
      run: (_name, fn) => fn(),
    };
    try {
      const r = await runTurn(this.def, handler, id, message, state, effects, { ...this.env(id), opts });
      if (keep) {
        this.states.delete(id);
        this.states.set(id, r.state);
        if (this.states.size > MAX_INSTANCES) this.states.delete(this.states.keys().next().value as string);
      }
      return r.reply;
    } catch (e) {
      return failed('agent_error', (e as Error)?.message ?? String(e));
    }
  }
}
