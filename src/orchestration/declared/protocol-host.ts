/**
 * Lets any agent take part in a coordination pattern. Patterns speak a small data protocol
 * (`{ t: 'cfp' }` → `{ price }`, `{ t: 'vote' }` → `{ choice }`, …); code agents answer it with a
 * data part, but a spec prompt agent answers in words. This `AgentHost` wraps the node's host: it
 * adds a sentence saying what is asked (so a prompt agent, or a sim script matching on it, can
 * answer), and reads a text reply back into the protocol (the first number is a price, the first
 * option named is a choice, …). Negotiation moves are kept inside the party's declared bounds.
 */
import type { AgentHost } from '../../runtime/agent-host.js';
import type { AgentMessage, AgentReply, HostedAgent, InvokeOptions, JsonValue } from '../../runtime/types.js';
import { clampMove, priceAt, STRATEGIES, type Concession } from '../negotiation/concession.js';

type Data = { [k: string]: JsonValue };

/** A negotiating party's bounds (micro-dollars) and whether the agent is asked for its moves. */
export interface PartyBounds {
  side: 'buyer' | 'seller';
  open: number;
  limit: number;
  strategy: keyof typeof STRATEGIES;
  modelMoves: boolean;
}

const usd = (micros: number): string => `$${(micros / 1e6).toFixed(2)}`;

/** The first number in a text, in micro-dollars (`$1,250.50` → 1_250_500_000), or null. */
export function priceInText(text: string): number | null {
  const m = /-?\d[\d,]*(?:\.\d+)?/.exec(text);
  if (!m) return null;
  const v = Number(m[0].replace(/,/g, ''));
  return Number.isFinite(v) && v >= 0 ? Math.round(v * 1e6) : null;
}

/** Options in the order a text first names them (case-insensitive); unnamed ones are left out. */
export function optionsInText(text: string, options: readonly string[]): string[] {
  const t = text.toLowerCase();
  return options
    .map((o) => ({ o, i: t.search(new RegExp(`\\b${o.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`)) }))
    .filter((x) => x.i >= 0)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.o);
}

function textOf(r: AgentReply): string {
  return r.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('\n').trim();
}

function dataOf(m: AgentMessage): Data {
  for (const p of m.parts) if (p.kind === 'data') return p.data;
  return {};
}

/** See the module comment. */
export class ProtocolHost implements AgentHost {
  private readonly parties = new Map<string, PartyBounds>();
  private readonly previous = new Map<string, number>();

  /** @param label the pattern's kind and name, e.g. `auction gpu-slot`, put at the start of each ask. */
  constructor(private readonly inner: AgentHost, private readonly label: string) {}

  /** Declares agent `agent` a negotiating party with these bounds. */
  party(agent: string, b: PartyBounds): this {
    this.parties.set(agent, b);
    return this;
  }

  /** @inheritDoc */
  list(): HostedAgent[] {
    return this.inner.list();
  }

  /** @inheritDoc */
  async invoke(agent: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions): Promise<AgentReply> {
    const d = dataOf(message);
    const party = d.t === 'propose' ? this.parties.get(agent) : undefined;
    if (party) return this.move(agent, id ?? '', party, d, opts);
    const ask = this.ask(agent, d);
    const m: AgentMessage = ask ? { ...message, parts: [{ kind: 'text', text: ask }, ...message.parts] } : message;
    const r = await this.inner.invoke(agent, id, m, opts);
    if (r.state !== 'completed' || r.parts.some((p) => p.kind === 'data')) return r;
    return { ...r, parts: [{ kind: 'data', data: this.read(d, textOf(r)) }, ...r.parts] };
  }

  /** The sentence for an ask, or null for messages that need none. */
  private ask(agent: string, d: Data): string | null {
    const L = `[${this.label}]`;
    switch (d.t) {
      case 'task':
        return `${L} task ${String(d.task)} for ${agent}: ${typeof d.input === 'string' ? d.input : JSON.stringify(d.input)}`;
      case 'bid':
        return `${L} bidder ${agent}: your sealed bid in USD for ${JSON.stringify(d.item ?? '')}? Reply with one number.`;
      case 'cfp':
        return `${L} contractor ${agent}: call for proposals for task ${String(d.task)} (${JSON.stringify(d.input)}), obligations: ${JSON.stringify(d.obligations ?? [])}; deliver within ${String(d.deadlineMs)} ms. Reply with your price in USD, or NO BID.`;
      case 'perform':
        return `${L} contractor ${agent}: perform contract ${String(d.contract)} (task ${String(d.task)}): ${JSON.stringify(d.input)}`;
      case 'vote':
        return `${L} voter ${agent}: ${String(d.question)} Options: ${(d.options as string[]).join(', ')}. Reply with the options in your order of preference.`;
      case 'escalation':
        return `${L} escalation to ${agent} from ${String(d.from)}: ${String(d.question)} Reply RETRY or ABANDON and why.`;
      case 'arbitrate':
        return `${L} mediator ${agent}: arbitrate ${JSON.stringify(d.dispute)}. Reply with the party you award and why.`;
      case 'matched':
      case 'assigned':
        return `${L} ${String(d.t)}: ${String(d.qty)} of '${String(d.topic)}' (${String(d.needer)} ← ${String(d.provider)})`;
      default:
        return null;
    }
  }

  /** Reads a text answer into the protocol's data. */
  private read(d: Data, text: string): Data {
    switch (d.t) {
      case 'bid':
      case 'cfp': {
        const price = /\bno bid\b/i.test(text) ? null : priceInText(text);
        return price === null ? { bid: false, text } : { price, text };
      }
      case 'vote': {
        const ranking = optionsInText(text, (d.options as string[]) ?? []);
        return ranking.length ? { choice: ranking[0]!, ranking, text } : { text };
      }
      case 'escalation':
        return { decision: /\b(retry|yes|approve)/i.test(text) ? 'retry' : 'abandon', reason: text };
      case 'arbitrate': {
        const parties = ((d.dispute as { parties?: { name: string }[] })?.parties ?? []).map((p) => p.name);
        return { award: optionsInText(text, parties)[0] ?? 'undecided', reason: text };
      }
      default:
        return { result: text };
    }
  }

  /** A negotiation move: the strategy's move, or the agent's (clamped into its bounds); accepts by rule. */
  private async move(agent: string, id: string, p: PartyBounds, d: Data, opts: InvokeOptions): Promise<AgentReply> {
    const round = Number(d.round ?? 0);
    const rounds = Math.max(1, Number(d.rounds ?? 1) - 1); // at the last round, the limit
    const theirs = typeof d.theirs === 'number' ? d.theirs : null;
    const c: Concession = { open: p.open, limit: p.limit, rounds, beta: STRATEGIES[p.strategy] };
    const key = `${agent}:${id}`;
    const prev = this.previous.get(key) ?? null;
    const rule = clampMove(priceAt(c, round), prev, p.limit, p.side);
    let mine = rule;
    let said = '';
    if (p.modelMoves) {
      const ask = `[${this.label}] you are the ${p.side} ${agent}, round ${round + 1} of ${rounds + 1}; their offer: ${theirs === null ? 'none yet' : usd(theirs)}; your planned offer: ${usd(rule)}. Reply with your price in USD, or ACCEPT.`;
      const r = await this.inner.invoke(agent, id, { role: 'agent', parts: [{ kind: 'text', text: ask }, { kind: 'data', data: d }] }, opts);
      if (r.state !== 'completed') return r;
      said = textOf(r);
      const asked = priceInText(said);
      if (asked !== null) mine = clampMove(asked, prev, p.limit, p.side);
    }
    this.previous.set(key, mine);
    const acceptable = theirs !== null && (p.side === 'buyer' ? theirs <= mine : theirs >= mine);
    const data: Data = acceptable ? { accept: true, price: theirs } : { price: mine };
    if (said) data.text = said;
    return { state: 'completed', parts: [{ kind: 'data', data }] };
  }
}
