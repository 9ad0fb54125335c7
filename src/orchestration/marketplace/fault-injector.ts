/**
 * The market's scheduled faults: agents killed at random times (in-memory state and mailbox
 * lost), the ledger's store closed and reopened, and restate-server killed with SIGKILL during a
 * settlement step. Message-level faults (drops, duplicates, reordering) are the message carrier's.
 */
import type { SimClock } from '../clock.js';
import { rng } from '../rng.js';
import type { DurableSettlement } from './durable-settlement.js';
import type { MarketConfig } from './market-config.js';
import type { MarketMetrics } from './market-metrics.js';

/** What a `FaultInjector` works with. */
export interface FaultInjectorDeps {
  cfg: MarketConfig;
  clock: SimClock;
  metrics: MarketMetrics;
  /** Kills one agent instance; false when it was not live. */
  kill: (type: string, id: string) => boolean;
  /** Closes the ledger's store (errors ignored by the caller). */
  closeStore: () => Promise<void>;
  /** Opens the ledger's store again and reconnects the ledger to it. */
  reopenStore: () => Promise<void>;
  /** Transient failures (counted by the market). */
  transient: (e: unknown) => void;
}

/**
 * Schedules and fires the market's process-level faults.
 * @example
 * ```ts
 * const faults = new FaultInjector({ cfg, clock, metrics, kill, closeStore, reopenStore, transient });
 * faults.schedule(end, scenario.needs.length, durable);
 * // after each settlement:
 * faults.afterSettlement(metrics.deals.size);
 * ```
 */
export class FaultInjector {
  private readonly restartAfter = new Set<number>();
  private readonly restateAfter = new Set<number>();
  private durable: DurableSettlement | null = null;

  constructor(private readonly d: FaultInjectorDeps) {}

  /** Kills agents at the configured rate until `end` and picks the settlements after which stores restart. */
  schedule(end: number, needs: number, durable: DurableSettlement | null): void {
    const { cfg, clock, metrics } = this.d;
    this.durable = durable;
    const f = cfg.faults;
    const agents = cfg.buyers + cfg.sellers + cfg.mediators;
    const kills = Math.round((f.killsPerAgentHour * agents * end) / 3_600_000);
    const r = rng(cfg.seed ^ 0xdead);
    for (let k = 0; k < kills; k++) {
      clock.setTimer(r.range(0, end * 0.9), () => {
        const u = r.int(0, agents - 1);
        const [type, id] = u < cfg.buyers ? ['buyer', u] : u < cfg.buyers + cfg.sellers ? ['seller', u - cfg.buyers] : ['mediator', u - cfg.buyers - cfg.sellers];
        if (this.d.kill(String(type), String(id))) metrics.kills++;
      });
    }
    // Store restarts happen right after a settlement (so work is in flight) at evenly spaced
    // points of the demand; the store stays down for 20 simulated seconds: durable steps fail
    // and are retried with the same idempotency keys.
    const expected = needs * 0.8;
    for (let k = 0; k < f.storeRestarts; k++) this.restartAfter.add(Math.max(1, Math.floor((expected * (k + 1)) / (f.storeRestarts + 1))));
    // restate-server restarts fall between the store restarts.
    const rr = durable ? (f.restateRestarts ?? 0) : 0;
    for (let k = 0; k < rr; k++) this.restateAfter.add(Math.max(1, Math.floor((expected * (2 * k + 1)) / (2 * rr + 1))));
  }

  /** Called once per settled deal with the number settled so far: fires the restarts due then. */
  afterSettlement(settled: number): void {
    if (this.restartAfter.delete(settled)) this.restartStore();
    if (this.restateAfter.delete(settled)) this.restartRestate();
  }

  /**
   * Arms a kill of restate-server (SIGKILL) during the next settlement step (after its ledger
   * transaction, before Restate journals it); it starts again after `restateDownMs` of wall time.
   * The simulated clock holds still while it is down (tracked work), so deadlines do not run out
   * meanwhile; durable settlement calls in flight are retried by the runtime with their idempotency
   * keys and Restate re-runs the interrupted step, which the ledger answers `duplicate`.
   */
  private restartRestate(): void {
    const d = this.durable;
    if (!d) return;
    void d.killDuringNextStep(this.d.cfg.faults.restateDownMs ?? 1_000).then(() => void this.d.metrics.restateRestarts++, (e: unknown) => this.d.transient(e));
  }

  private restartStore(): void {
    const { clock, metrics } = this.d;
    clock.setTimer(0, async () => {
      await this.d.closeStore().catch(() => {});
      metrics.storeRestarts++;
      clock.setTimer(20_000, () => this.d.reopenStore());
    });
  }
}
