/**
 * Concession strategies for alternating-offers negotiation (time-dependent tactics, Faratin et
 * al.): a party moves from its opening price toward its limit as rounds pass. β > 1 concedes early
 * (conceder), β < 1 holds out until the end (Boulware), β = 1 is linear. At the last round every
 * strategy reaches the limit, so two parties whose limits overlap always agree by then.
 */

/** A concession strategy. */
export interface Concession {
  /** Opening price (micro-dollars). */
  open: number;
  /** Walk-away price: a buyer's maximum, a seller's minimum. */
  limit: number;
  /** Rounds until the limit is reached. */
  rounds: number;
  /** Shape: > 1 conceder, 1 linear, < 1 Boulware. */
  beta: number;
}

/** The strategies by name. */
export const STRATEGIES = { conceder: 3, linear: 1, boulware: 0.35 } as const;

/** The price a party offers at `round` (0-based), rounded to whole micro-dollars. */
export function priceAt(c: Concession, round: number): number {
  const t = Math.min(1, Math.max(0, round / Math.max(1, c.rounds)));
  const f = Math.pow(t, 1 / c.beta);
  return Math.round(c.open + (c.limit - c.open) * f);
}

/** Whether a buyer (limit ≥ offers) accepts `offered` when its own next bid would be `next`. */
export function buyerAccepts(offered: number, next: number, limit: number): boolean {
  return offered <= limit && offered <= next;
}

/** Whether a seller (limit ≤ offers) accepts `offered` when its own next ask would be `next`. */
export function sellerAccepts(offered: number, next: number, limit: number): boolean {
  return offered >= limit && offered >= next;
}

/**
 * Keeps a proposed price (e.g. from a model) inside what the party may offer at this point: never
 * beyond its limit, never a step back from its previous offer.
 */
export function clampMove(proposed: number, previous: number | null, limit: number, side: 'buyer' | 'seller'): number {
  if (!Number.isFinite(proposed)) return previous ?? limit;
  const p = Math.round(proposed);
  if (side === 'buyer') return Math.min(limit, Math.max(previous ?? 0, p));
  return Math.max(limit, Math.min(previous ?? Number.MAX_SAFE_INTEGER, p));
}
