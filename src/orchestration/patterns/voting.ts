/**
 * Conflict resolution by voting: simple majority (plurality, with an absolute-majority flag),
 * weighted voting, and ranked choice (instant runoff). Each result says who won and why, round by
 * round, so a resolution can be recorded and explained.
 */

/** A ballot: one choice, or a ranking (best first) for ranked choice. */
export interface Ballot {
  voter: string;
  /** The voter's choice (majority, weighted) or ranking (ranked choice). */
  choice: string | string[];
  /** Weight (weighted voting; default 1). */
  weight?: number;
}

/** The outcome of a vote. */
export interface VoteResult {
  method: 'majority' | 'weighted' | 'ranked-choice';
  winner: string | null;
  /** Final tally. */
  tally: Record<string, number>;
  /** Whether the winner has more than half of the (weighted) votes. */
  absolute: boolean;
  /** Ranked choice: the tally of each round and who was eliminated. */
  rounds: { tally: Record<string, number>; eliminated: string | null }[];
  /** Why, in words. */
  explanation: string;
}

function top(tally: Record<string, number>, options: readonly string[]): { winner: string | null; tie: boolean } {
  let best: string | null = null;
  let tie = false;
  for (const o of options) {
    const v = tally[o] ?? 0;
    if (best === null || v > (tally[best] ?? 0)) {
      best = o;
      tie = false;
    } else if (v === (tally[best] ?? 0)) tie = true;
  }
  return { winner: best, tie };
}

function count(ballots: readonly Ballot[], options: readonly string[], weighted: boolean): Record<string, number> {
  const t: Record<string, number> = Object.fromEntries(options.map((o) => [o, 0]));
  for (const b of ballots) {
    const c = Array.isArray(b.choice) ? b.choice[0] : b.choice;
    if (c !== undefined && c in t) t[c]! += weighted ? (b.weight ?? 1) : 1;
  }
  return t;
}

/**
 * Plurality vote; ties are broken by the order of `options` (the first listed wins).
 * @example
 * ```ts
 * majority(['a', 'b'], [{ voter: 'x', choice: 'a' }, { voter: 'y', choice: 'a' }, { voter: 'z', choice: 'b' }]).winner; // 'a'
 * ```
 */
export function majority(options: readonly string[], ballots: readonly Ballot[]): VoteResult {
  return plural('majority', options, ballots, false);
}

/** Weighted plurality: each ballot counts its weight (e.g. stake, seniority). */
export function weightedVote(options: readonly string[], ballots: readonly Ballot[]): VoteResult {
  return plural('weighted', options, ballots, true);
}

function plural(method: 'majority' | 'weighted', options: readonly string[], ballots: readonly Ballot[], weighted: boolean): VoteResult {
  const tally = count(ballots, options, weighted);
  const total = Object.values(tally).reduce((a, b) => a + b, 0);
  const { winner, tie } = top(tally, options);
  const absolute = winner !== null && (tally[winner] ?? 0) * 2 > total;
  const w = winner ?? 'nobody';
  return {
    method, winner: total ? winner : null, tally, absolute, rounds: [{ tally, eliminated: null }],
    explanation: total
      ? `${w} has ${tally[w]} of ${total} ${weighted ? 'weighted votes' : 'votes'}${absolute ? ' (a majority)' : ' (a plurality)'}${tie ? '; tie broken by the order of the options' : ''}`
      : 'no valid votes',
  };
}

/**
 * Ranked choice (instant runoff): count first preferences; while nobody has a majority, drop the
 * option with the fewest (ties: the one listed last) and move its ballots to their next choice.
 * @example
 * ```ts
 * rankedChoice(['a', 'b', 'c'], [{ voter: 'x', choice: ['c', 'b'] }, { voter: 'y', choice: ['b'] }, { voter: 'z', choice: ['a'] }]);
 * ```
 */
export function rankedChoice(options: readonly string[], ballots: readonly Ballot[]): VoteResult {
  let alive = [...options];
  const rounds: VoteResult['rounds'] = [];
  for (;;) {
    const t: Record<string, number> = Object.fromEntries(alive.map((o) => [o, 0]));
    for (const b of ballots) {
      const ranking = Array.isArray(b.choice) ? b.choice : [b.choice];
      const c = ranking.find((o) => alive.includes(o));
      if (c !== undefined) t[c]! += 1;
    }
    const total = Object.values(t).reduce((a, b) => a + b, 0);
    const { winner } = top(t, alive);
    if (total === 0) {
      rounds.push({ tally: t, eliminated: null });
      return { method: 'ranked-choice', winner: null, tally: t, absolute: false, rounds, explanation: 'no valid ballots' };
    }
    if ((t[winner!] ?? 0) * 2 > total || alive.length === 1) {
      rounds.push({ tally: t, eliminated: null });
      const elim = rounds.filter((r) => r.eliminated).map((r) => r.eliminated);
      return {
        method: 'ranked-choice', winner, tally: t, absolute: (t[winner!] ?? 0) * 2 > total, rounds,
        explanation: `${winner} wins with ${t[winner!]} of ${total} in round ${rounds.length}${elim.length ? ` after eliminating ${elim.join(', ')}` : ''}`,
      };
    }
    let loser = alive[alive.length - 1]!;
    for (let i = alive.length - 1; i >= 0; i--) if ((t[alive[i]!] ?? 0) < (t[loser] ?? 0)) loser = alive[i]!;
    rounds.push({ tally: t, eliminated: loser });
    alive = alive.filter((o) => o !== loser);
  }
}
