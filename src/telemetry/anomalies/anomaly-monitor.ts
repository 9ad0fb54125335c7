/**
 * The AnomalyMonitor: on every tick, compares each agent to its peer group over the configured
 * window ({@link detectAnomalies}), opens an anomaly when one is flagged, keeps it while it stays
 * flagged, and resolves it when it stops. New anomalies go to the store, the event stream
 * (`event: anomaly`) and `onDetected` (the alert engine's `anomaly` rules).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../analytics/clock.js';
import type { Analytics } from '../analytics/analytics.js';
import type { AnomaliesSpec } from './anomaly-spec.js';
import type { AnomalyRepo } from './anomaly-repo.js';
import { detectAnomalies } from './detect.js';
import type { Anomaly } from './types.js';

/** Options of an {@link AnomalyMonitor}. */
export interface AnomalyMonitorOptions {
  analytics: Analytics;
  repo: AnomalyRepo;
  clock: Clock;
  /** The current `anomalies:` settings (read on every tick, so `daca apply` takes effect). */
  config: () => AnomaliesSpec;
  /** Where new anomalies are published (the EventHub). */
  publish?: (type: 'anomaly', data: Anomaly) => void;
  /** Called with a new anomaly (e.g. to log it). */
  onDetected?: (a: Anomaly) => void;
}

const identity = (a: { tenant: string; team: string; agent: string; metric: string }): string => `${a.tenant}/${a.team}/${a.agent}:${a.metric}`;

/** Runs anomaly detection; see the module comment. */
export class AnomalyMonitor {
  private readonly activeById = new Map<string, Anomaly>();
  private loaded = false;

  constructor(private readonly opts: AnomalyMonitorOptions) {}

  /** Active anomalies right now. */
  active(): Anomaly[] {
    return [...this.activeById.values()];
  }

  /** Active anomalies of one agent. */
  activeFor(agent: { tenant: string; team: string; agent: string }): Anomaly[] {
    const prefix = `${agent.tenant}/${agent.team}/${agent.agent}:`;
    const out: Anomaly[] = [];
    for (const [k, a] of this.activeById) if (k.startsWith(prefix)) out.push(a);
    return out;
  }

  /** One detection run. Returns the anomalies active after it. */
  async tick(): Promise<Anomaly[]> {
    if (!this.loaded) {
      for (const a of await this.opts.repo.active()) this.activeById.set(identity(a), a);
      this.loaded = true;
    }
    const cfg = this.opts.config();
    if (!cfg.enabled) return this.active();
    const to = this.opts.clock.now();
    const from = to - cfg.window;
    const subjects = await this.opts.analytics.peerSubjects({ from, to }, cfg.group_by);
    const found = detectAnomalies(subjects, cfg, { from, to });
    const now = new Date(to).toISOString();
    const still = new Set<string>();
    for (const d of found) {
      const k = identity(d);
      still.add(k);
      const prev = this.activeById.get(k);
      if (prev) {
        const next: Anomaly = { ...prev, ...d, last_seen_at: now };
        this.activeById.set(k, next);
        await this.opts.repo.touch(next);
        continue;
      }
      const a: Anomaly = { id: `anm_${randomBytes(10).toString('hex')}`, ...d, detected_at: now, last_seen_at: now, resolved_at: null, active: true };
      this.activeById.set(k, a);
      await this.opts.repo.insert(a);
      this.opts.publish?.('anomaly', a);
      this.opts.onDetected?.(a);
    }
    for (const [k, a] of this.activeById) {
      if (still.has(k)) continue;
      this.activeById.delete(k);
      await this.opts.repo.resolve(a.id, to);
      this.opts.publish?.('anomaly', { ...a, resolved_at: now, active: false });
    }
    return this.active();
  }
}
