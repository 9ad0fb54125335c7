/**
 * Model calls of competing agents admitted by a {@link FairScheduler}: wraps the agents' model
 * client (the gateway) so that, for models whose provider has limited concurrency or a token
 * quota, each call waits for its fair turn. Give it to an `AgentPool` as `models`.
 */
import type { ModelChatRequest, ModelChatResult } from '../../runtime/define-agent.js';
import type { AgentIdentity, AgentModelClient, ModelCallOptions } from '../../runtime/model-client.js';
import type { FairScheduler } from './fair-scheduler.js';

/** A call's token estimate: its messages (~4 characters a token) plus the reply it allows. */
export function estimateTokens(req: ModelChatRequest): number {
  let chars = 0;
  for (const m of req.messages) chars += m.content?.length ?? 0;
  return Math.ceil(chars / 4) + (req.max_tokens ?? 256);
}

/**
 * @example
 * ```ts
 * const gpu = new FairScheduler({ concurrency: 4, tokensPerMinute: 200_000 });
 * const pool = new AgentPool({ models: new FairModelClient(new GatewayModelClient(gateway), (model) => (model.startsWith('local-') ? gpu : undefined)) });
 * ```
 */
export class FairModelClient implements AgentModelClient {
  /**
   * @param schedulerFor the scheduler of the provider behind `model` (undefined: not limited).
   * @param competitor who competes for it (default: the agent instance, `agent:session`; e.g. `who.team` to share by team).
   */
  constructor(
    private readonly inner: AgentModelClient,
    private readonly schedulerFor: (model: string) => FairScheduler | undefined,
    private readonly competitor: (who: AgentIdentity) => string = (who) => (who.session ? `${who.agent}:${who.session}` : who.agent),
  ) {}

  /** @inheritDoc */
  chat(who: AgentIdentity, req: ModelChatRequest & { model: string }, opts?: ModelCallOptions): Promise<ModelChatResult> {
    const s = this.schedulerFor(req.model);
    if (!s) return this.inner.chat(who, req, opts);
    return s.run(this.competitor(who), estimateTokens(req), () => this.inner.chat(who, req, opts), (r) => r.usage.inputTokens + r.usage.outputTokens);
  }
}
