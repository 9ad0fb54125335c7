/**
 * The marketplace protocol: the messages buyers, sellers, mediators and the policy agent
 * exchange (one `data` part each), and helpers to wrap and read them. Prices are integer
 * micro-dollars per unit; `deal` is the need id; `attempt` tells a mediator's tries apart.
 */
import type { AgentMessage, JsonValue } from '../../runtime/types.js';

/** A need as mediators and buyers see it. */
export interface NeedInfo {
  id: string;
  buyer: string;
  sku: string;
  qty: number;
  limit: number;
  postedAt: number;
  deadline: number;
}

/** Every message of the protocol. */
export type MarketMsg =
  | { t: 'need'; need: NeedInfo }
  | { t: 'match'; need: NeedInfo }
  | { t: 'hold'; deal: string; attempt: number; sku: string; qty: number; mediator: string }
  | { t: 'held'; deal: string; attempt: number; seller: string }
  | { t: 'no-stock'; deal: string; attempt: number; seller: string }
  | { t: 'negotiate'; deal: string; attempt: number; buyer: string; seller: string; mediator: string; sku: string; qty: number; limit: number }
  | { t: 'offer'; deal: string; attempt: number; round: number; price: number; buyer: string; mediator: string; sku: string; qty: number }
  | { t: 'counter'; deal: string; attempt: number; round: number; price: number; seller: string }
  | { t: 'accepted'; deal: string; attempt: number; price: number; by: string }
  | { t: 'agreed'; deal: string; attempt: number; price: number; buyer: string; seller: string; rounds: number; by: string }
  | { t: 'review'; deal: string; attempt: number; approvalId: string; amount: number; unitPrice: number; sku: string; qty: number; buyer: string; seller: string; mediator: string }
  | { t: 'decision'; deal: string; attempt: number; approvalId: string; approved: boolean; by: string; note: string }
  | { t: 'release'; deal: string; attempt: number }
  | { t: 'abort'; deal: string; attempt: number; reason: string }
  | { t: 'settled'; deal: string; attempt: number; sku: string; qty: number; amount: number }
  | { t: 'expired'; deal: string }
  | { t: 'timeout'; deal: string; attempt: number }
  | { t: 'resume'; deal: string; attempt: number }
  | { t: 'retransmit'; deal: string; attempt: number; round: number; n: number }
  | { t: 'expire-hold'; deal: string; attempt: number }
  | { t: 'wake' };

/** Wraps a protocol message as an agent message (the deal is its context, so model calls are attributed to it). */
export function wrap(m: MarketMsg): AgentMessage {
  const deal = 'deal' in m ? m.deal : 'need' in m ? m.need.id : undefined;
  const out: AgentMessage = { role: 'agent', parts: [{ kind: 'data', data: m as unknown as { [k: string]: JsonValue } }] };
  if (deal !== undefined) out.contextId = deal;
  return out;
}

/** The protocol message inside an agent message (undefined when it carries none). */
export function unwrap(m: AgentMessage): MarketMsg | undefined {
  const p = m.parts[0];
  return p && p.kind === 'data' && typeof p.data.t === 'string' ? (p.data as unknown as MarketMsg) : undefined;
}

/** An agent address. */
export interface Address {
  type: 'buyer' | 'seller' | 'mediator' | 'policy';
  id: string;
}

/** `buyer-17` → `{ type: 'buyer', id: '17' }`. */
export function addressOf(name: string): Address {
  const i = name.lastIndexOf('-');
  return { type: name.slice(0, i) as Address['type'], id: name.slice(i + 1) };
}

/** `{ type: 'buyer', id: '17' }` → `buyer-17`. */
export function nameOf(a: Address): string {
  return `${a.type}-${a.id}`;
}
