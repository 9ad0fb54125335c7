/**
 * The part every registry backend shares: a local view of instances (served without I/O),
 * expiry by TTL, and a background refresh from the shared backend.
 */
import type { AgentInstance, InstanceQuery, MeshRegistry } from './types.js';
import { matchesQuery } from './types.js';

/** Options common to registry backends. */
export interface ViewRegistryOptions {
  /** How long an instance lives without a heartbeat (ms). */
  ttlMs: number;
  /** How often the shared view is re-read (ms); 0 disables the timer. */
  refreshMs: number;
  now?: () => number;
  onError?: (e: unknown) => void;
}

/** A registry backend: the local view plus three hooks to the shared store. */
export abstract class ViewRegistry implements MeshRegistry {
  abstract readonly kind: string;
  protected readonly view = new Map<string, AgentInstance>();
  generation = 0;
  protected readonly ttlMs: number;
  protected readonly now: () => number;
  protected readonly onError: (e: unknown) => void;
  private readonly timer: NodeJS.Timeout | null;

  constructor(opts: ViewRegistryOptions) {
    this.ttlMs = opts.ttlMs;
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? (() => {});
    this.timer = opts.refreshMs > 0 ? setInterval(() => void this.refresh().catch(this.onError), opts.refreshMs) : null;
    this.timer?.unref();
  }

  /** Writes an instance to the shared store. */
  protected abstract put(instance: AgentInstance): Promise<void>;
  /** Deletes an instance from the shared store. */
  protected abstract remove(instanceId: string): Promise<void>;
  /** Reads every live instance from the shared store. */
  protected abstract readAll(): Promise<AgentInstance[]>;

  async register(instance: Omit<AgentInstance, 'heartbeatAt' | 'expiresAt'>): Promise<void> {
    const at = this.now();
    const full: AgentInstance = { ...instance, heartbeatAt: at, expiresAt: at + this.ttlMs };
    const before = this.view.get(full.instanceId);
    if (!before || before.skills.length !== full.skills.length || before.version !== full.version) this.generation++;
    this.view.set(full.instanceId, full);
    await this.put(full);
  }

  async deregister(instanceId: string): Promise<void> {
    if (this.view.delete(instanceId)) this.generation++;
    await this.remove(instanceId);
  }

  list(query: InstanceQuery = {}): AgentInstance[] {
    const now = this.now();
    const out: AgentInstance[] = [];
    for (const i of this.view.values()) if (i.expiresAt > now && matchesQuery(i, query)) out.push(i);
    return out;
  }

  async refresh(): Promise<void> {
    const all = await this.readAll();
    const now = this.now();
    const before = [...this.view.keys()].sort().join('|');
    this.view.clear();
    for (const i of all) if (i.expiresAt > now) this.view.set(i.instanceId, i);
    if ([...this.view.keys()].sort().join('|') !== before) this.generation++;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
  }
}
