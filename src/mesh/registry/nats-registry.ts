/**
 * The registry on NATS JetStream KV (`DACA_NATS_URL`): one key per instance in a bucket whose
 * TTL is the instance TTL, so an instance that stops heartbeating expires in NATS itself. Every
 * node watches the bucket and keeps its view current.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm, KvWatchInclude, type KV } from '@nats-io/kv';
import type { AgentInstance } from './types.js';
import { ViewRegistry, type ViewRegistryOptions } from './view-registry.js';

const BUCKET = 'daca_mesh_instances';

/** Keys may not contain every character an instance id can: encode them. */
function keyOf(instanceId: string): string {
  return Buffer.from(instanceId).toString('base64url');
}

/**
 * Instances in a JetStream KV bucket.
 * @example
 * ```ts
 * const registry = await NatsRegistry.open('nats://127.0.0.1:4222', { ttlMs: 6000, refreshMs: 0 });
 * ```
 */
export class NatsRegistry extends ViewRegistry {
  readonly kind = 'nats';
  private watching = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    opts: ViewRegistryOptions,
  ) {
    super(opts);
  }

  /** Connects, opens (or creates) the bucket, loads the view and starts watching it. */
  static async open(url: string, opts: ViewRegistryOptions): Promise<NatsRegistry> {
    const nc = await connect({ servers: url.split(',').map((s) => s.trim()) });
    const kv = await new Kvm(nc).create(BUCKET, { ttl: opts.ttlMs, history: 1 });
    const r = new NatsRegistry(nc, kv, opts);
    await r.refresh();
    void r.watch();
    return r;
  }

  private async watch(): Promise<void> {
    try {
      const it = await this.kv.watch({ include: KvWatchInclude.UpdatesOnly });
      for await (const e of it) {
        if (!this.watching) break;
        if (e.operation === 'PUT') {
          const i = e.json<AgentInstance>();
          if (!this.view.has(i.instanceId)) this.generation++;
          this.view.set(i.instanceId, i);
        } else {
          for (const [id] of this.view) if (keyOf(id) === e.key && this.view.delete(id)) this.generation++;
        }
      }
    } catch (e) {
      if (this.watching) this.onError(e);
    }
  }

  protected async put(i: AgentInstance): Promise<void> {
    await this.kv.put(keyOf(i.instanceId), JSON.stringify(i));
  }

  protected async remove(instanceId: string): Promise<void> {
    await this.kv.delete(keyOf(instanceId));
  }

  protected async readAll(): Promise<AgentInstance[]> {
    const out: AgentInstance[] = [];
    const keys = await this.kv.keys();
    const names: string[] = [];
    for await (const k of keys) names.push(k);
    for (const k of names) {
      const e = await this.kv.get(k);
      if (e && e.operation === 'PUT' && e.value.length) out.push(e.json<AgentInstance>());
    }
    return out;
  }

  override async close(): Promise<void> {
    this.watching = false;
    await super.close();
    await this.nc.drain().catch(() => {});
  }
}
