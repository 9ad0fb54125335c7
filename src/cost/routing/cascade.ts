/**
 * The cascade: call the decision's model; if it must be verified and a verifier rejects the answer
 * (or the call fails and escalation on errors is on), call the next model of the ladder, and so on.
 * The last model's answer is taken as is. Every attempt is recorded in `tried`.
 */
import { DacaError } from '../../errors.js';
import type { ChatRequest, ChatResult } from '../../providers/types.js';
import type { ModelCall, RoutingDecision } from './routing-types.js';
import type { Verifier } from './verifiers.js';

/** One attempt of a cascade. */
export interface TriedModel {
  model: string;
  /** Upstream cost of the answer plus its verification, micro-dollars. */
  costMicros: number;
  accepted: boolean;
  /** The verifier's reason, or the error. */
  note: string;
}

/** What a cascade returns. */
export interface CascadeOutcome {
  result: ChatResult;
  /** The model whose answer is returned. */
  model: string;
  /** Total cost of every attempt and verification, micro-dollars. */
  costMicros: number;
  tried: TriedModel[];
  /** The decision as it ended (reason extended with escalations). */
  decision: RoutingDecision;
}

/** What the cascade runs on. */
export interface CascadeContext {
  req: ChatRequest;
  decision: RoutingDecision;
}

/**
 * Runs decisions with verification and escalation.
 *
 * @example
 * ```ts
 * const cascade = new Cascade([compileVerifier({ type: 'consistency', probe_tokens: 'auto', on_no_answer: 'reject', probe_temperature: 0.7 })]);
 * const out = await cascade.run({ req, decision }, (model, r) => callUpstream(model, r));
 * out.tried; // [{ model: 'gpt-4o-mini', accepted: false, … }, { model: 'gpt-4o', accepted: true, … }]
 * ```
 */
export class Cascade {
  constructor(
    private readonly verifiers: readonly Verifier[],
    private readonly opts: { escalateOnError: boolean } = { escalateOnError: true },
  ) {}

  async run(ctx: CascadeContext, call: ModelCall): Promise<CascadeOutcome> {
    const { req, decision } = ctx;
    const ladder = decision.verify ? [decision.model, ...decision.escalateTo] : [decision.model];
    const tried: TriedModel[] = [];
    let total = 0;
    for (let i = 0; i < ladder.length; i++) {
      const model = ladder[i]!;
      const last = i === ladder.length - 1;
      let answer;
      try {
        answer = await call(model, req);
      } catch (e) {
        if (last || !this.opts.escalateOnError || (e instanceof DacaError && e.callerFault)) throw e;
        tried.push({ model, costMicros: 0, accepted: false, note: `error: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      let cost = answer.costMicros;
      let accepted = true;
      let note = last ? (i === 0 ? 'not verified' : 'last model: taken as is') : 'verified';
      if (!last) {
        for (const v of this.verifiers) {
          let verdict;
          try {
            verdict = await v.verify({ req, result: answer.result, model, call });
          } catch (e) {
            if (e instanceof DacaError && e.callerFault) throw e;
            verdict = { accept: false, reason: `${v.kind} verifier failed: ${e instanceof Error ? e.message : String(e)}`, costMicros: 0 };
          }
          cost += verdict.costMicros;
          note = `${v.kind}: ${verdict.reason}`;
          if (!verdict.accept) {
            accepted = false;
            break;
          }
        }
      }
      total += cost;
      tried.push({ model, costMicros: cost, accepted, note });
      if (accepted) {
        const escalated = tried.length > 1;
        const reason = escalated ? `${decision.reason}; escalated ${tried.map((t) => `${t.model}${t.accepted ? '' : ` (${t.note})`}`).join(' → ')}` : decision.verify ? `${decision.reason}; ${note}` : decision.reason;
        return { result: answer.result, model, costMicros: total, tried, decision: { ...decision, model, reason } };
      }
    }
    /* c8 ignore next */
    throw new Error('unreachable: the last model is always accepted');
  }
}
