/**
 * The A2A executor of a daca agent: turns an A2A request into one turn of the agent (through the
 * mesh's local invoker, which runs it on the AgentHost), publishing the task lifecycle the
 * protocol expects (working → completed / failed / canceled …), streaming deltas as artifact
 * chunks when the runtime streams.
 */
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import { randomUUID } from 'node:crypto';
import { Message } from '@a2a-js/sdk';
import type { AgentEvent as RuntimeEvent, AgentMessage, AgentReply } from '../../runtime/types.js';
import { agentMessage, partsJson, taskOf, toAgentMessage } from './convert.js';
import { MeshUser } from './caller-user.js';

/** Runs one local turn for the executor (the mesh supplies it: policy, metrics and tracing included). */
export interface LocalTurn {
  invoke(agent: string, message: AgentMessage, user: MeshUser | undefined, signal: AbortSignal): Promise<AgentReply>;
  /** Streams the turn when the agent can. */
  stream?(agent: string, message: AgentMessage, user: MeshUser | undefined, signal: AbortSignal): AsyncIterable<RuntimeEvent> | null;
}

/**
 * One executor per agent type.
 * @example
 * ```ts
 * new DefaultRequestHandler(card, new BoundedTaskStore(), new HostAgentExecutor('assistant', turns));
 * ```
 */
export class HostAgentExecutor implements AgentExecutor {
  private readonly running = new Map<string, { ctl: AbortController; contextId: string }>();

  constructor(
    private readonly agent: string,
    private readonly turns: LocalTurn,
  ) {}

  execute = async (rc: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const ids = { taskId: rc.taskId, contextId: rc.contextId };
    const user = rc.context.user instanceof MeshUser ? rc.context.user : undefined;
    const history = [...(rc.task?.history ?? []), rc.userMessage];
    bus.publish(AgentEvent.task(taskOf(ids, 'working', undefined, history)));
    const ctl = new AbortController();
    this.running.set(rc.taskId, { ctl, contextId: rc.contextId });
    const message = toAgentMessage(rc.userMessage);
    message.contextId = rc.contextId;
    message.taskId = rc.taskId;
    try {
      let reply: AgentReply | null = null;
      const stream = this.turns.stream?.(this.agent, message, user, ctl.signal) ?? null;
      if (stream) {
        let chunk = 0;
        for await (const ev of stream) {
          if (ev.kind === 'delta') {
            bus.publish(
              AgentEvent.artifactUpdate({
                taskId: rc.taskId, contextId: rc.contextId, append: chunk > 0, lastChunk: false, metadata: undefined,
                artifact: { artifactId: 'answer', name: 'answer', description: '', parts: Message.fromJSON({ parts: partsJson([{ kind: 'text', text: ev.text }]) }).parts, metadata: undefined, extensions: [] },
              }),
            );
            chunk++;
          } else if (ev.kind === 'reply') reply = ev.reply;
        }
      } else {
        reply = await this.turns.invoke(this.agent, message, user, ctl.signal);
      }
      if (ctl.signal.aborted) return; // cancelTask published the final state
      const r: AgentReply = reply ?? { parts: [], state: 'failed', error: { code: 'no_reply', message: 'the agent ended without a reply' } };
      const parts = r.parts.length || !r.error ? r.parts : [{ kind: 'text' as const, text: r.error.message }];
      this.final(bus, ids, r.state, agentMessage(parts, { messageId: randomUUID(), ...ids }), r.error ? { error: r.error } : undefined);
    } catch (e) {
      if (ctl.signal.aborted) return;
      const msg = e instanceof Error ? e.message : String(e);
      const code = (e as { code?: unknown }).code;
      this.final(bus, ids, 'failed', agentMessage([{ kind: 'text', text: msg }], { messageId: randomUUID(), ...ids }), { error: { code: typeof code === 'string' ? code : 'agent_error', message: msg } });
    } finally {
      this.running.delete(rc.taskId);
      bus.finished();
    }
  };

  cancelTask = async (taskId: string, bus: ExecutionEventBus): Promise<void> => {
    const run = this.running.get(taskId);
    run?.ctl.abort(new Error('canceled by tasks/cancel'));
    const t = taskOf({ taskId, contextId: run?.contextId ?? '' }, 'canceled');
    bus.publish(AgentEvent.statusUpdate({ taskId, contextId: t.contextId, status: t.status, metadata: undefined }));
  };

  private final(bus: ExecutionEventBus, ids: { taskId: string; contextId: string }, state: AgentReply['state'], message: ReturnType<typeof agentMessage>, metadata?: Record<string, unknown>): void {
    const t = taskOf(ids, state, message);
    bus.publish(AgentEvent.statusUpdate({ taskId: ids.taskId, contextId: ids.contextId, status: t.status, metadata }));
  }
}
