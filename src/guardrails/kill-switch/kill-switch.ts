/**
 * The kill switch: suspend a key, agent, team or tenant at once on every node.
 *
 * A suspension is stored, applied immediately on the node that received it, and picked up by
 * the other nodes from the store: a node re-reads the suspensions when its copy is older than
 * `pollMs` (in the background, while calls keep flowing) and, when it is older than `maxStaleMs`
 * (an idle node), before it lets a call through. So no node acts on a copy older than
 * `maxStaleMs`, and an idle node costs the database nothing. {@link KillSwitch.apply} is the hook
 * for a push channel (NATS): a pushed change is applied at once.
 */
import { ForbiddenError } from '../../errors.js';
import type { Attribution, Principal } from '../../identity/principal.js';
import type { Store } from '../../store/types.js';
import { SuspensionRepo, type Suspension, type SuspensionKind } from './suspension-repo.js';

/** A change pushed between nodes (by a bus, later). */
export type SuspensionChange = { op: 'suspend'; suspension: Suspension } | { op: 'resume'; kind: SuspensionKind; subject: string };

/** A channel that pushes suspension changes to every node (the NATS bus implements it later). */
export interface SuspensionFeed {
  publish(change: SuspensionChange): Promise<void>;
  subscribe(listener: (change: SuspensionChange) => void): () => void;
}

/** Options of {@link KillSwitch}. */
export interface KillSwitchOptions {
  store: Store;
  now?: () => number;
  /** Re-read in the background when the local copy is older than this. Default 1000 ms. */
  pollMs?: number;
  /** Re-read before deciding when the local copy is older than this. Default 2000 ms. */
  maxStaleMs?: number;
  /** Optional push channel between nodes. */
  feed?: SuspensionFeed;
  /** Failures of background reads (the previous copy stays in force). */
  onError?: (e: unknown) => void;
}

/**
 * Suspensions, enforced.
 *
 * @example
 * ```ts
 * const ks = new KillSwitch({ store });
 * await ks.suspend({ kind: 'agent', subject: 'triage', reason: 'runaway loop', by: 'ops' });
 * const wait = ks.enforce(principal, attribution); // throws ForbiddenError when suspended
 * if (wait) await wait;
 * ```
 */
export class KillSwitch {
  private readonly repo: SuspensionRepo;
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly maxStaleMs: number;
  private readonly onError: (e: unknown) => void;
  private readonly feed: SuspensionFeed | undefined;
  private readonly unsubscribe: (() => void) | undefined;
  private readonly by: Record<SuspensionKind, Map<string, Suspension>> = { key: new Map(), agent: new Map(), team: new Map(), tenant: new Map() };
  private count = 0;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private duringLoad: SuspensionChange[] | null = null;

  constructor(opts: KillSwitchOptions) {
    this.repo = new SuspensionRepo(opts.store);
    this.now = opts.now ?? Date.now;
    this.pollMs = opts.pollMs ?? 1000;
    this.maxStaleMs = opts.maxStaleMs ?? 2000;
    this.onError = opts.onError ?? (() => undefined);
    this.feed = opts.feed;
    this.unsubscribe = opts.feed?.subscribe((c) => this.apply(c));
  }

  /**
   * Throws `ForbiddenError` (403 `forbidden`, with the reason) when the call's key, agent, team or
   * tenant is suspended. Returns nothing when the local copy is fresh (the common case), or a
   * promise to await when it first has to re-read the store.
   */
  enforce(p: Principal, a: Attribution): void | Promise<void> {
    const age = this.now() - this.loadedAt;
    if (age > this.maxStaleMs) return this.refresh().then(() => this.assertAllowed(p, a));
    if (age > this.pollMs && this.loading === null) void this.refresh().catch(() => undefined);
    this.assertAllowed(p, a);
  }

  /** The suspension that applies to the call in the local copy, or null. */
  check(p: Principal, a: Attribution): Suspension | null {
    if (this.count === 0) return null;
    return this.by.key.get(p.keyId) ?? this.by.agent.get(a.agent) ?? this.by.team.get(a.team) ?? this.by.tenant.get(a.tenant) ?? null;
  }

  /** Suspends a principal: stored, applied here at once, and pushed to the feed if there is one. */
  async suspend(s: { kind: SuspensionKind; subject: string; reason: string; by: string }): Promise<Suspension> {
    const suspension: Suspension = { ...s, at: this.now() };
    await this.repo.put(suspension);
    this.apply({ op: 'suspend', suspension });
    await this.feed?.publish({ op: 'suspend', suspension }).catch(this.onError);
    return suspension;
  }

  /** Lifts a suspension; false when there was none. */
  async resume(kind: SuspensionKind, subject: string): Promise<boolean> {
    const removed = await this.repo.remove(kind, subject);
    this.apply({ op: 'resume', kind, subject });
    await this.feed?.publish({ op: 'resume', kind, subject }).catch(this.onError);
    return removed;
  }

  /** Every stored suspension (read from the store, so it includes other nodes' changes). */
  list(): Promise<Suspension[]> {
    return this.repo.list();
  }

  /** Applies one change to the local copy at once (called by a push channel). */
  apply(c: SuspensionChange): void {
    this.duringLoad?.push(c);
    if (c.op === 'suspend') {
      const m = this.by[c.suspension.kind];
      if (!m.has(c.suspension.subject)) this.count++;
      m.set(c.suspension.subject, c.suspension);
    } else if (this.by[c.kind].delete(c.subject)) {
      this.count--;
    }
  }

  /** Re-reads every suspension from the store (concurrent callers share one read). */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  /** Also re-reads every `pollMs` while idle (optional; `enforce` keeps the copy fresh on its own). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch(this.onError), this.pollMs);
    this.timer.unref();
  }

  /** Stops polling and unsubscribes from the feed. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
  }

  private async load(): Promise<void> {
    const started = this.now();
    const during: SuspensionChange[] = [];
    this.duringLoad = during;
    let rows: Suspension[];
    try {
      rows = await this.repo.list();
    } finally {
      this.duringLoad = null;
    }
    for (const m of Object.values(this.by)) m.clear();
    this.count = 0;
    for (const s of rows) this.apply({ op: 'suspend', suspension: s });
    // Changes applied while the read ran may be missing from it: apply them again.
    for (const c of during) this.apply(c);
    this.loadedAt = started;
  }

  private assertAllowed(p: Principal, a: Attribution): void {
    const s = this.check(p, a);
    if (s === null) return;
    const name = s.kind === 'key' ? `key ${s.subject}` : `${s.kind} ${s.subject}`;
    throw new ForbiddenError(`${name} is suspended: ${s.reason} (since ${new Date(s.at).toISOString()}, by ${s.by}). An operator can lift it with \`daca resume ${s.kind} ${s.subject}\`.`, {
      details: { suspension: { kind: s.kind, subject: s.subject, reason: s.reason, by: s.by, at: new Date(s.at).toISOString() } },
    });
  }
}
