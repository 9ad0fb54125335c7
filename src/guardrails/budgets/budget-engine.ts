/**
 * The budget engine: reserve a call's estimated cost on every budget that applies before the call,
 * settle the actual cost after it, release on failure.
 *
 * Hard limits hold across nodes because the database is the arbiter (see {@link BudgetLedger}).
 * The fast path: a node leases a slice of a counter's headroom (by default 1/20 of it) and
 * reserves from the lease in memory; spend is written back every `flushMs`, and unused leases
 * are returned when idle. Near exhaustion the slices shrink to the exact estimate, so the last
 * dollar is still arbitrated by the database. Trade-offs: spend settled on a node that crashes
 * before its next write-back (at most `flushMs` of it) is lost to the counter, and a lease
 * outlives its node by at most `leaseTtlMs`. A node only uses a lease locally until
 * `leaseTtlMs - leaseMarginMs` after it last renewed it, so clocks of different nodes may differ by
 * up to `leaseMarginMs` before a swept lease could be spent twice.
 */
import { randomUUID } from 'node:crypto';
import { BudgetExceededError } from '../../errors.js';
import type { Attribution } from '../../identity/principal.js';
import type { Store } from '../../store/types.js';
import { BudgetLedger, type CounterRef } from './budget-ledger.js';
import { BudgetPolicy, describeLimit, windowWord, type ApplicableBudget } from './budget-policy.js';
import { BudgetReservation, NO_RESERVATION } from './budget-reservation.js';
import type { BudgetRuleSpec, BudgetWindow } from './budget-spec.js';
import { windowEnd, windowStart } from './budget-window.js';
import { CounterState } from './counter-state.js';
import { formatUsd } from './usd.js';

/** Called when a counter's spend crosses one of its alert levels (`soft`, `80%`, `100%`, …). */
export type BudgetThresholdHook = (subject: string, usedMicros: number, limitMicros: number, level: string) => void;

/** Options of {@link BudgetEngine}. */
export interface BudgetEngineOptions {
  store: Store;
  /** The spec's `budgets:` section. */
  budgets: readonly BudgetRuleSpec[];
  /** Milliseconds since the epoch; windows are UTC days and months of this clock. */
  now?: () => number;
  /** Names this node's leases; default a random id. */
  nodeId?: string;
  /** Alert hook; the alerts engine's `reportBudgetUsage(subject, used, limit)` fits. */
  onThreshold?: BudgetThresholdHook;
  /** Failures of background write-backs (never thrown into a request). */
  onError?: (e: unknown) => void;
  /** Lease headroom to this node (default true). False: every call reserves in the database. */
  leasing?: boolean;
  /** Share of a counter's headroom one lease takes (default 1/20). */
  leaseFraction?: number;
  /** Largest lease in micro-dollars (default $1000). */
  maxLeaseMicros?: number;
  /** A lease expires this long after its last renewal (default 30 s). */
  leaseTtlMs?: number;
  /** A lease is used locally only until `leaseTtlMs - leaseMarginMs` after renewal (default 10 s). */
  leaseMarginMs?: number;
  /** Spend is written back this often (default 1000 ms). */
  flushMs?: number;
  /** A lease unused this long is returned (default 10 s). */
  idleMs?: number;
}

interface Failure {
  state: CounterState;
  spent: number;
  reserved: number;
}

/**
 * Budgets of the spec, enforced.
 *
 * @example
 * ```ts
 * const budgets = new BudgetEngine({ store, budgets: spec.budgets });
 * const r = await budgets.reserve(principal.keyId, attribution, estimateMicros); // throws BudgetExceededError
 * try { …call…; budgets.settle(r, meter.costMicros); } catch (e) { budgets.release(r); throw e; }
 * ```
 */
export class BudgetEngine {
  readonly policy: BudgetPolicy;
  readonly ledger: BudgetLedger;
  private readonly now: () => number;
  private readonly nodeId: string;
  private readonly states = new Map<string, CounterState>();
  private readonly windows = new Map<BudgetWindow, { start: number; end: number }>();
  private readonly o: Required<Omit<BudgetEngineOptions, 'store' | 'budgets' | 'now' | 'nodeId' | 'onThreshold' | 'onError'>>;
  private readonly onThreshold: BudgetThresholdHook | undefined;
  private readonly onError: (e: unknown) => void;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(opts: BudgetEngineOptions) {
    this.policy = new BudgetPolicy(opts.budgets);
    this.ledger = new BudgetLedger(opts.store);
    this.now = opts.now ?? Date.now;
    this.nodeId = opts.nodeId ?? randomUUID();
    this.onThreshold = opts.onThreshold;
    this.onError = opts.onError ?? (() => undefined);
    this.o = {
      leasing: opts.leasing ?? true,
      leaseFraction: opts.leaseFraction ?? 1 / 20,
      maxLeaseMicros: opts.maxLeaseMicros ?? 1_000_000_000,
      leaseTtlMs: opts.leaseTtlMs ?? 30_000,
      leaseMarginMs: opts.leaseMarginMs ?? 10_000,
      flushMs: opts.flushMs ?? 1000,
      idleMs: opts.idleMs ?? 10_000,
    };
  }

  /**
   * Holds `estimateMicros` on every budget that applies to the call, atomically: either all of
   * them or none. Call before the provider call.
   *
   * @throws BudgetExceededError (402 `budget_exceeded`) naming the first hard limit that would be exceeded.
   */
  async reserve(keyId: string, a: Attribution, estimateMicros: number): Promise<BudgetReservation> {
    if (this.policy.empty) return NO_RESERVATION;
    const applicable = this.policy.applicable(keyId, a);
    if (applicable.length === 0) return NO_RESERVATION;
    const amount = Math.max(0, Math.ceil(estimateMicros));
    const now = this.now();
    const parts: CounterState[] = [];
    let downgradeTo: string | null = null;
    for (const ab of applicable) {
      const s = this.stateFor(ab, a, now);
      if (s === null) continue;
      const failure = await this.take(s, amount);
      if (failure !== null) {
        for (const p of parts) p.inFlight -= amount;
        throw this.exceeded(failure, amount);
      }
      parts.push(s);
      const d = s.budget.downgrade;
      if (d !== null && downgradeTo === null && s.spent + s.reservedElsewhere + s.inFlight >= d.atMicros) downgradeTo = d.to;
    }
    if (parts.length === 0) return NO_RESERVATION;
    this.ensureTimer();
    return new BudgetReservation(parts, amount, downgradeTo);
  }

  /**
   * Charges the call's actual cost and frees its reservation (charging any overrun: a call that
   * cost more than estimated is still paid for). Call after the provider call succeeded (or
   * failed after tokens were billed). Never throws.
   */
  settle(r: BudgetReservation, actualMicros: number): void {
    if (r.parts.length === 0 || r.done) return;
    r.done = true;
    const cost = Math.max(0, Math.round(actualMicros));
    for (const s of r.parts) {
      s.inFlight -= r.amountMicros;
      s.unflushed += cost;
      this.checkLevels(s);
    }
    if (!this.o.leasing) this.kick();
  }

  /** Frees a reservation without charging (the call failed before anything was billed). Never throws. */
  release(r: BudgetReservation): void {
    if (r.parts.length === 0 || r.done) return;
    r.done = true;
    for (const s of r.parts) s.inFlight -= r.amountMicros;
  }

  /**
   * Writes spend back now and renews or returns leases (also runs every `flushMs`). With
   * `returnLeases`, every lease not backing a call in flight is returned to its counter.
   */
  flush(returnLeases = false): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush(returnLeases));
    const run = this.flushAll(returnLeases).finally(() => (this.flushing = null));
    this.flushing = run;
    return run;
  }

  /** Frees expired leases of crashed or stalled nodes; returns how many. */
  sweep(): Promise<number> {
    return this.ledger.sweep(this.now());
  }

  /** Writes everything back, returns this node's leases, and stops the timer. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush(true);
  }

  private stateFor(ab: ApplicableBudget, a: Attribution, now: number): CounterState | null {
    const subject = ab.subject ?? a.session;
    if (subject === null) return null;
    const b = ab.budget;
    let w = this.windows.get(b.window);
    if (w === undefined || now >= w.end || now < w.start) {
      const start = windowStart(b.window, now);
      w = { start, end: windowEnd(b.window, start) };
      this.windows.set(b.window, w);
    }
    const key = `${b.scope}|${subject}|${b.window}|${w.start}|${b.index}`;
    let s = this.states.get(key);
    if (s === undefined) {
      const ref: CounterRef = { scope: b.scope, subject, window: b.window, windowStart: w.start, limitMicros: b.enforcedMicros };
      s = new CounterState(ref, b, `${this.nodeId}|${key}`, `${b.scope}:${subject}/${b.window}`);
      this.states.set(key, s);
    }
    return s;
  }

  /** Takes `amount` from the node's lease, growing the lease in the database when it runs short. */
  private async take(s: CounterState, amount: number): Promise<Failure | null> {
    for (;;) {
      const now = this.now();
      s.lastUsed = now;
      if (s.available(now) >= amount) {
        s.inFlight += amount;
        return null;
      }
      if (s.busy !== null) {
        await s.busy.catch(() => undefined);
        continue;
      }
      // Hold the lease's unused part at once, so no other call takes it while the lease grows.
      const have = Math.max(0, s.available(now));
      s.inFlight += have;
      const p = this.grow(s, amount - have);
      s.busy = p;
      let failure: Failure | null = null;
      try {
        failure = await p;
      } catch (e) {
        s.inFlight -= have;
        throw e;
      } finally {
        if (s.busy === p) s.busy = null;
      }
      if (failure !== null) {
        s.inFlight -= have;
        failure.reserved = Math.max(0, failure.reserved - have);
      }
      return failure;
    }
  }

  /** Grows the lease by `need` plus a slice of the headroom; on success `need` is taken. */
  private async grow(s: CounterState, need: number): Promise<Failure | null> {
    const headroom = s.ref.limitMicros - s.dbSpent - s.dbReserved;
    let extra = this.o.leasing ? Math.min(this.o.maxLeaseMicros, Math.floor(Math.max(0, headroom) * this.o.leaseFraction)) : 0;
    let swept = false;
    for (;;) {
      const started = this.now();
      const expires = started + this.o.leaseTtlMs;
      const r = await this.ledger.grow(s.ref, s.leaseId, need + extra, expires, started);
      s.dbSpent = r.spentMicros;
      s.dbReserved = r.reservedMicros;
      if (r.ok) {
        s.granted = r.leaseMicros;
        s.grantedAtDb = r.leaseMicros;
        s.validUntil = expires - this.o.leaseMarginMs;
        s.renewAt = started + this.o.leaseTtlMs / 3;
        s.inFlight += need;
        this.checkLevels(s);
        return null;
      }
      s.grantedAtDb = s.granted;
      if (extra > 0) {
        extra = 0;
        continue;
      }
      if (!swept && (await this.ledger.sweep(this.now(), s.ref)) > 0) {
        swept = true;
        continue;
      }
      return { state: s, spent: s.spent, reserved: s.reservedElsewhere + s.inFlight };
    }
  }

  private exceeded(f: Failure, estimate: number): BudgetExceededError {
    const b = f.state.budget;
    const { scope, subject, window, windowStart: start } = f.state.ref;
    const inFlight = f.reserved > 0 ? ` and ${formatUsd(f.reserved)} is held by calls in flight` : '';
    const resets = window === 'total' ? '' : ` It resets at ${new Date(windowEnd(window as BudgetWindow, start)).toISOString()}.`;
    return new BudgetExceededError(
      `${scope} ${subject} has spent ${formatUsd(f.spent)} of its ${describeLimit(b)}${inFlight}; this call is estimated at ${formatUsd(estimate)}.${resets}`,
      {
        details: {
          budget: {
            scope, subject, window: windowWord(b.window), limit_usd: b.limitMicros / 1e6,
            spent_usd: f.spent / 1e6, reserved_usd: f.reserved / 1e6, estimate_usd: estimate / 1e6,
          },
        },
      },
    );
  }

  private checkLevels(s: CounterState): void {
    const levels = s.budget.levels;
    if (s.nextLevel >= levels.length) return;
    const used = s.spent;
    while (s.nextLevel < levels.length && used >= levels[s.nextLevel]!.micros) {
      const level = levels[s.nextLevel++]!;
      try {
        this.onThreshold?.(s.label, used, s.budget.limitMicros, level.name);
      } catch (e) {
        this.onError(e);
      }
    }
  }

  private ensureTimer(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setInterval(() => void this.flush().catch(this.onError), this.o.flushMs);
    this.timer.unref();
  }

  private kick(): void {
    if (!this.flushing) void this.flush().catch(this.onError);
  }

  private async flushAll(returnLeases: boolean): Promise<void> {
    if (returnLeases) for (const s of this.states.values()) if (s.busy !== null) await s.busy.catch(() => undefined);
    const now = this.now();
    const jobs: Promise<void>[] = [];
    for (const [key, s] of this.states) {
      const idle = s.inFlight === 0 && (returnLeases || now - s.lastUsed >= this.o.idleMs || !this.o.leasing);
      const drop = idle && s.granted > 0;
      if (s.unflushed === 0 && !drop && !(s.granted > 0 && now >= s.renewAt)) {
        if (idle && s.granted === 0 && s.unflushed === 0 && s.busy === null) this.states.delete(key);
        continue;
      }
      if (s.busy !== null) continue;
      const p = this.writeBack(s, drop);
      s.busy = p;
      jobs.push(p.finally(() => {
        if (s.busy === p) s.busy = null;
      }));
    }
    const results = await Promise.allSettled(jobs);
    for (const r of results) if (r.status === 'rejected') this.onError(r.reason);
    if (this.states.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private async writeBack(s: CounterState, drop: boolean): Promise<void> {
    const spent = s.unflushed;
    const decrease = Math.min(spent, s.granted);
    const started = this.now();
    const expires = started + this.o.leaseTtlMs;
    const dropping = drop && s.inFlight === 0;
    // A lease being returned must not back new calls meanwhile: they wait and grow a new one.
    if (dropping) s.validUntil = 0;
    const r = await this.ledger.writeBack(s.ref, s.leaseId, spent, decrease, expires, started, dropping);
    s.unflushed -= spent;
    s.granted = r.leaseMicros;
    s.grantedAtDb = r.leaseMicros;
    s.dbSpent = r.spentMicros;
    s.dbReserved = r.reservedMicros;
    if (r.leaseFound) {
      s.validUntil = expires - this.o.leaseMarginMs;
      s.renewAt = started + this.o.leaseTtlMs / 3;
    }
    this.checkLevels(s);
  }
}
