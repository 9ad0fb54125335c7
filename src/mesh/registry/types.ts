/**
 * The mesh registry: which instances of which agents exist, where, and how they are doing.
 * Instances register with a TTL and keep themselves alive with heartbeats; an instance whose
 * TTL lapses disappears from discovery.
 */
import type { AgentSkillInfo } from '../../runtime/types.js';
import type { SealedHeaders } from '../security/sealed-headers.js';

/** Health of an instance as it reports it (or as the balancer saw it). */
export type InstanceHealth = 'healthy' | 'degraded' | 'unhealthy';

/** One running instance of an agent type. */
export interface AgentInstance {
  /** Agent type (the A2A path segment). */
  agent: string;
  /** Unique id of this instance (node id + agent, or the external agent's URL). */
  instanceId: string;
  /** Base URL of its A2A endpoint (JSON-RPC), e.g. `http://10.0.0.5:8700/a2a/seller/`. */
  endpoint: string;
  /** Node that hosts it (`external` for agents registered by URL). */
  node: string;
  /** `native` (a daca node's agent) or `external` (an A2A agent registered by URL). */
  kind: 'native' | 'external';
  tenant: string;
  version: string;
  zone: string;
  description: string;
  skills: AgentSkillInfo[];
  tags: string[];
  health: InstanceHealth;
  /** Calls in flight on the instance when it last reported. */
  load: number;
  /** When the instance last heartbeated (epoch ms). */
  heartbeatAt: number;
  /** When it expires without a new heartbeat (epoch ms). */
  expiresAt: number;
  /** Headers sent on every hop to it (an external agent registered through the API with `headers`), sealed. */
  headers?: SealedHeaders;
}

/** A filter for discovery. */
export interface InstanceQuery {
  agent?: string;
  skill?: string;
  tag?: string;
  tenant?: string;
}

/**
 * Where instances are kept: the Store (embedded default) or NATS JetStream KV (`DACA_NATS_URL`).
 * Reads are served from a local view refreshed in the background, so discovery never waits on I/O.
 */
export interface MeshRegistry {
  /** `store` or `nats`. */
  readonly kind: string;
  /** Changes whenever the set of instances or their skills may have changed (cheap staleness check). */
  readonly generation: number;
  /** Adds or refreshes an instance (its `expiresAt` is now + TTL). */
  register(instance: Omit<AgentInstance, 'heartbeatAt' | 'expiresAt'>): Promise<void>;
  /** Removes an instance. */
  deregister(instanceId: string): Promise<void>;
  /** Live instances (TTL not lapsed) matching the query, from the local view. */
  list(query?: InstanceQuery): AgentInstance[];
  /** Re-reads the shared view now. */
  refresh(): Promise<void>;
  /** Stops background work. */
  close(): Promise<void>;
}

/** True when an instance matches a query. */
export function matchesQuery(i: AgentInstance, q: InstanceQuery): boolean {
  if (q.agent !== undefined && i.agent !== q.agent) return false;
  if (q.tenant !== undefined && i.tenant !== q.tenant) return false;
  if (q.tag !== undefined && !i.tags.includes(q.tag) && !i.skills.some((s) => s.tags?.includes(q.tag!))) return false;
  if (q.skill !== undefined) {
    const want = q.skill.toLowerCase();
    if (!i.skills.some((s) => s.id.toLowerCase() === want || s.name.toLowerCase() === want)) return false;
  }
  return true;
}
