/**
 * Settlement as a durable step on Restate (`MarketConfig.durableSettlement`): each settlement is
 * one call to the durable agent `market-settlement` (a Restate virtual object keyed by market and
 * deal) with the idempotency key `settle:<market>:<deal>:<attempt>`; inside, the ledger
 * transaction runs as a journaled step (`ctx.run`). When restate-server dies mid-call (`kill -9`),
 * the runtime's ingress client retries the call with the same key until the server is back, and
 * Restate resumes the invocation from its journal; the ledger's settlement row (primary key = the
 * deal) makes a re-executed step a `duplicate`, so a deal settles exactly once either way. The
 * fault injector uses `restart()` to kill and restart the runtime's restate-server mid-market.
 */
import type { AgentRuntime } from '../../runtime/agent-runtime.js';
import { defineAgent } from '../../runtime/define-agent.js';
import type { JsonValue } from '../../runtime/types.js';
import type { MarketLedger, SettleResult } from './market-ledger.js';

/** The durable agent's name. */
export const SETTLEMENT_AGENT = 'market-settlement';

const ledgers = new Map<string, { ledger: MarketLedger; afterStep: (r: SettleResult) => void }>();
const registered = new WeakSet<object>();

type StepResult = SettleResult | { status: 'transient'; reason: string };

const settlementAgent = defineAgent<{ runs: number }>({
  name: SETTLEMENT_AGENT,
  description: 'Settles marketplace deals as durable steps (exactly once, resumed after a restart of restate-server).',
  durable: true,
  state: { runs: 0 },
  handlers: {
    async onMessage(ctx, m) {
      const d = (m.parts[0]?.kind === 'data' ? m.parts[0].data : {}) as { market?: string; deal?: string; attempt?: number; at?: number };
      const r = await ctx.run<JsonValue>('settle', async () => {
        const m = ledgers.get(String(d.market));
        if (!m) return { status: 'transient', reason: `no ledger for market '${String(d.market)}' on this node` };
        try {
          const r = await m.ledger.settle(String(d.deal), Number(d.attempt), Number(d.at));
          m.afterStep(r);
          return r as unknown as JsonValue;
        } catch (e) {
          // The store is down: say so (a thrown step would be retried by Restate while the market's clock waits).
          return { status: 'transient', reason: (e as Error)?.message ?? String(e) };
        }
      });
      ctx.state.runs++;
      return [{ kind: 'data', data: r as { [k: string]: JsonValue } }];
    },
  },
});

/** Counters of the durable path. */
export interface DurableSettlementStats {
  /** Settlement calls made through Restate. */
  calls: number;
  /** Calls that failed for a transient reason (retried by the market later). */
  transient: number;
  /** restate-server kills and restarts. */
  restarts: number;
  /** Settlement calls in flight when restate-server was killed (each resumed by its idempotency key). */
  inFlightAtKill: number;
  /** Settlements completed after the last restart (the runtime reconnected). */
  afterRestart: number;
  /** Executions of the journaled step, and those that found the deal already settled (a step re-run by Restate after a kill). */
  stepRuns: number;
  stepDuplicates: number;
  /** Deals whose step was running when restate-server was killed. */
  killedDuring: string[];
}

/** See the module comment. */
export class DurableSettlement {
  private inFlight = 0;
  private readonly running = new Set<string>();
  private armed: { downMs: number; done: (e?: unknown) => void } | null = null;
  readonly stats: DurableSettlementStats = { calls: 0, transient: 0, restarts: 0, inFlightAtKill: 0, afterRestart: 0, stepRuns: 0, stepDuplicates: 0, killedDuring: [] };

  private constructor(private readonly runtime: AgentRuntime, private readonly market: string, private readonly track: <T>(p: Promise<T>) => Promise<T>) {}

  /**
   * Registers the durable agent on `runtime` (starting Restate when needed) and this market's ledger.
   * `track` holds a simulated clock still while restate-server is down.
   */
  static async start(runtime: AgentRuntime, market: string, ledger: MarketLedger, track: <T>(p: Promise<T>) => Promise<T> = (p) => p): Promise<DurableSettlement> {
    const d = new DurableSettlement(runtime, market, track);
    ledgers.set(market, { ledger, afterStep: (r) => d.afterStep(r) });
    if (!registered.has(runtime)) {
      registered.add(runtime);
      await runtime.register(settlementAgent as never);
      await runtime.start();
    }
    if (!runtime.restateUrls) throw new Error('durable settlement needs Restate, which did not start');
    return d;
  }

  /**
   * Kills restate-server (SIGKILL) while the next settlement step is running — after its ledger
   * transaction, before Restate has journaled it — and starts it again `downMs` (wall) later.
   * Resolves once it is back.
   */
  killDuringNextStep(downMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.armed = { downMs, done: (e) => (e ? reject(e) : resolve()) };
    });
  }

  private afterStep(r: SettleResult): void {
    this.stats.stepRuns++;
    if (r.status === 'duplicate') this.stats.stepDuplicates++;
    const a = this.armed;
    if (!a) return;
    this.armed = null;
    void this.track(this.restart(a.downMs)).then(() => a.done(), (e: unknown) => a.done(e));
  }

  /** Settles one deal as a durable step; throws when the step could not complete now (retry later). */
  async settle(deal: string, attempt: number, at: number): Promise<SettleResult> {
    this.stats.calls++;
    this.inFlight++;
    this.running.add(deal);
    try {
      const reply = await this.runtime.invoke(SETTLEMENT_AGENT, `${this.market}/${deal}`, { role: 'agent', parts: [{ kind: 'data', data: { market: this.market, deal, attempt, at } }] }, {
        idempotencyKey: `settle:${this.market}:${deal}:${attempt}`,
        caller: 'mediator',
      });
      const part = reply.parts.find((p) => p.kind === 'data');
      const r = (part?.kind === 'data' ? part.data : null) as StepResult | null;
      if (reply.state !== 'completed' || !r || r.status === 'transient') {
        this.stats.transient++;
        throw new Error(`durable settlement of ${deal} did not complete: ${r && 'reason' in r ? r.reason : (reply.error?.message ?? reply.state)}`);
      }
      if (this.stats.restarts > 0) this.stats.afterRestart++;
      return r;
    } finally {
      this.inFlight--;
      this.running.delete(deal);
    }
  }

  /** Kills restate-server with SIGKILL, waits `downMs` (wall time), and starts it again on the same data. */
  async restart(downMs: number): Promise<void> {
    const server = this.runtime.restateServer;
    if (!server) throw new Error('restate-server is external here (DACA_RESTATE_URL): it cannot be restarted from the market');
    this.stats.inFlightAtKill += this.inFlight;
    this.stats.killedDuring.push(...this.running);
    await server.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, downMs));
    await server.start();
    this.stats.restarts++;
  }

  /** Forgets this market's ledger. */
  close(): void {
    ledgers.delete(this.market);
    this.armed?.done();
    this.armed = null;
  }
}
