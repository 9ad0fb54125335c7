/**
 * Admission of concurrent model calls to a scarce provider: at most `concurrency` calls in flight
 * and at most `tokensPerMinute` tokens per minute (a token bucket), shared among competing agents
 * by dominant resource fairness with ageing. When a slot frees, the next call comes from the agent
 * whose weighted dominant share (max of its in-flight slots / concurrency and its tokens of the
 * last minute / quota) is smallest, less a bonus for how long its oldest call has waited — so an
 * agent that floods the queue gets its fair share and no more, and no agent waits forever. Calls of
 * one agent keep their order. Jain's index is reported per resource (slots granted and tokens
 * served, each over the agents' weighted max-min fair shares of what was served).
 */
import { RealClock, type Clock, type ClockTimer } from '../clock.js';
import { weightedMaxMin } from './allocation.js';
import { jainIndex } from './jain.js';

/** Limits of the shared resource. */
export interface FairSchedulerOptions {
  /** Calls in flight at most. */
  concurrency: number;
  /** Tokens per minute at most (omit: no token quota). */
  tokensPerMinute?: number;
  /** An agent's entitlement (default 1). */
  weight?: (agent: string) => number;
  /** Dominant share forgiven per second of waiting (default 0.5): ageing, so nobody starves. */
  agePerSec?: number;
  clock?: Clock;
  /** `fair` (default), or `fifo`: plain arrival order (the baseline fairness is measured against). */
  order?: 'fair' | 'fifo';
}

/** A granted call; `release` it with the tokens it really used. */
export interface FairLease {
  readonly agent: string;
  /** How long the call waited for admission, ms. */
  readonly waitedMs: number;
  release(tokensUsed?: number): void;
}

/** Figures of one resource. */
export interface ResourceFairness {
  /** Served per agent (calls that held a slot and finished, for concurrency; tokens, for tokens). */
  served: Record<string, number>;
  /** Jain's index of served / weighted max-min fair share of the total served, over agents that asked. */
  jain: number;
}

/** What the scheduler reports. */
export interface FairSchedulerStats {
  inFlight: number;
  waiting: Record<string, number>;
  admitted: Record<string, number>;
  /** Longest admission wait so far per agent, ms. */
  maxWaitMs: Record<string, number>;
  /** Slot time used by finished calls, ms. */
  slotMs: number;
  resources: { concurrency: ResourceFairness; tokens: ResourceFairness };
}

interface Pending {
  seq: number;
  tokens: number;
  at: number;
  grant: (l: FairLease) => void;
}

interface AgentState {
  queue: Pending[];
  inFlight: number;
  /** Tokens admitted in the last minute: [time, tokens]. */
  window: [number, number][];
  admitted: number;
  maxWait: number;
  slotMs: number;
  tokens: number;
  /** Demand, for the fairness figures: slot-ms asked (estimated) and tokens asked. */
  askedTokens: number;
  askedCalls: number;
}

/**
 * @example
 * ```ts
 * const s = new FairScheduler({ concurrency: 4, tokensPerMinute: 100_000 });
 * const lease = await s.acquire('buyer-7', 800);
 * try { await callTheModel(); } finally { lease.release(actualTokens); }
 * ```
 */
export class FairScheduler {
  private readonly agents = new Map<string, AgentState>();
  private inFlight = 0;
  private bucket: number;
  private refilledAt: number;
  private readonly clock: Clock;
  private wake: ClockTimer | null = null;
  private slotMsTotal = 0;
  private seq = 0;

  constructor(private readonly o: FairSchedulerOptions) {
    if (!(o.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    this.clock = o.clock ?? new RealClock();
    this.bucket = o.tokensPerMinute ?? Infinity;
    this.refilledAt = this.clock.now();
  }

  private state(agent: string): AgentState {
    let s = this.agents.get(agent);
    if (!s) this.agents.set(agent, (s = { queue: [], inFlight: 0, window: [], admitted: 0, maxWait: 0, slotMs: 0, tokens: 0, askedTokens: 0, askedCalls: 0 }));
    return s;
  }

  /** Waits until `agent` may make a call of about `tokens` tokens. */
  acquire(agent: string, tokens = 0): Promise<FairLease> {
    const s = this.state(agent);
    s.askedTokens += tokens;
    s.askedCalls++;
    return new Promise((grant) => {
      s.queue.push({ seq: this.seq++, tokens, at: this.clock.now(), grant });
      this.admit();
    });
  }

  /** Runs `fn` once admitted and releases with the tokens `used` reports. */
  async run<T>(agent: string, tokens: number, fn: () => Promise<T>, used: (r: T) => number = () => tokens): Promise<T> {
    const lease = await this.acquire(agent, tokens);
    let spent = tokens;
    try {
      const r = await fn();
      spent = used(r);
      return r;
    } finally {
      lease.release(spent);
    }
  }

  private refill(now: number): void {
    const tpm = this.o.tokensPerMinute;
    if (tpm === undefined) return;
    this.bucket = Math.min(tpm, this.bucket + ((now - this.refilledAt) * tpm) / 60_000);
    this.refilledAt = now;
  }

  /** Weighted dominant share of `s` now, less its ageing bonus. */
  private score(s: AgentState, agent: string, now: number): number {
    const cutoff = now - 60_000;
    while (s.window.length && s.window[0]![0] < cutoff) s.window.shift();
    const tokens = s.window.reduce((a, [, t]) => a + t, 0);
    const tpm = this.o.tokensPerMinute;
    const dom = Math.max(s.inFlight / this.o.concurrency, tpm ? tokens / tpm : 0);
    const waited = (now - s.queue[0]!.at) / 1000;
    return dom / (this.o.weight?.(agent) ?? 1) - (this.o.agePerSec ?? 0.5) * waited;
  }

  private admit(): void {
    const now = this.clock.now();
    this.refill(now);
    while (this.inFlight < this.o.concurrency) {
      let best: { agent: string; s: AgentState; score: number } | null = null;
      for (const [agent, s] of this.agents) {
        if (!s.queue.length) continue;
        const score = this.o.order === 'fifo' ? s.queue[0]!.at + s.queue[0]!.seq / 1e9 : this.score(s, agent, now);
        if (!best || score < best.score) best = { agent, s, score };
      }
      if (!best) return;
      const p = best.s.queue[0]!;
      const need = Math.min(p.tokens, this.o.tokensPerMinute ?? Infinity);
      if (need > this.bucket) {
        // The fairest call does not fit the quota yet: wait for the bucket (never skip it, or big calls would starve).
        if (!this.wake) {
          const ms = Math.ceil(((need - this.bucket) * 60_000) / this.o.tokensPerMinute!);
          this.wake = this.clock.setTimer(Math.max(1, ms), () => {
            this.wake = null;
            this.admit();
          });
        }
        return;
      }
      best.s.queue.shift();
      this.bucket -= need;
      this.grant(best.agent, best.s, p, now);
    }
  }

  private grant(agent: string, s: AgentState, p: Pending, now: number): void {
    this.inFlight++;
    s.inFlight++;
    s.admitted++;
    s.window.push([now, p.tokens]);
    const waited = now - p.at;
    s.maxWait = Math.max(s.maxWait, waited);
    let done = false;
    p.grant({
      agent,
      waitedMs: waited,
      release: (used = p.tokens) => {
        if (done) return;
        done = true;
        const end = this.clock.now();
        this.inFlight--;
        s.inFlight--;
        s.slotMs += end - now;
        this.slotMsTotal += end - now;
        s.tokens += used;
        // Correct the quota with what the call really used.
        if (this.o.tokensPerMinute !== undefined) {
          this.bucket = Math.min(this.o.tokensPerMinute, this.bucket - (used - p.tokens));
          const w = s.window.find((x) => x[0] === now && x[1] === p.tokens);
          if (w) w[1] = used;
        }
        this.admit();
      },
    });
  }

  /** Queues, admissions, waits and fairness per resource. */
  stats(): FairSchedulerStats {
    const waiting: Record<string, number> = {};
    const admitted: Record<string, number> = {};
    const maxWaitMs: Record<string, number> = {};
    const slot: Record<string, number> = {};
    const tok: Record<string, number> = {};
    for (const [a, s] of this.agents) {
      waiting[a] = s.queue.length;
      admitted[a] = s.admitted;
      maxWaitMs[a] = s.maxWait;
      slot[a] = s.admitted - s.inFlight;
      tok[a] = s.tokens;
    }
    const weight = (a: string): number => this.o.weight?.(a) ?? 1;
    const fairness = (served: Record<string, number>, asked: (s: AgentState) => number): ResourceFairness => {
      const total = Object.values(served).reduce((x, y) => x + y, 0);
      const claims = [...this.agents].map(([id, s]) => ({ id, demand: asked(s), weight: weight(id) })).filter((c) => c.demand > 0);
      const fair = weightedMaxMin(total, claims);
      return { served, jain: jainIndex(claims.map((c) => (fair[c.id]! > 0 ? Math.min(1, served[c.id]! / fair[c.id]!) : 1))) };
    };
    return {
      inFlight: this.inFlight, waiting, admitted, maxWaitMs, slotMs: this.slotMsTotal,
      resources: { concurrency: fairness(slot, (s) => s.askedCalls), tokens: fairness(tok, (s) => s.askedTokens) },
    };
  }
}
