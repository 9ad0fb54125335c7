/**
 * One metered model call: the row written for every gateway request, success or failure.
 * Money is integer micro-dollars (1 USD = 1_000_000).
 */
export interface UsageRecord {
  /** daca request id (`x-daca-request-id`); the primary key, so a replay never counts twice. */
  id: string;
  /** Start of the request, ms since the epoch. */
  ts: number;
  tenant: string;
  team: string;
  agent: string;
  /** Id of the virtual key used (not its secret). */
  keyId: string;
  session: string | null;
  tags: Record<string, string>;
  /** Which API surface: `chat`, `messages` or `embeddings`. */
  route: 'chat' | 'messages' | 'embeddings';
  /** The model or alias the caller asked for. */
  requestedModel: string;
  /** The spec model it resolved to (empty when resolution failed). */
  model: string;
  provider: string;
  upstreamModel: string;
  stream: boolean;
  /** HTTP status returned to the caller. */
  status: number;
  /** `error.code` returned to the caller, or null on success. */
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** True when token counts were estimated by daca (the upstream gave no usage). */
  estimated: boolean;
  /** Time to first token (streaming) or to the full answer, ms; null when none came. */
  ttftMs: number | null;
  /** Total time from request to last byte, ms. */
  latencyMs: number;
  /** Time spent waiting on the upstream, ms. */
  upstreamMs: number;
  /** latencyMs − upstreamMs: daca's own overhead, ms. */
  overheadMs: number;
  costMicros: number;
  finishReason: string | null;
  cache: 'hit' | 'miss';
  /**
   * The routing policy that decided the model: `none`, `fixed`, `cascade`, `router`, `budget`
   * (a budget near its limit downgraded it), `goal` (a spend goal's `downgrade_model` did) or
   * `cache` (answered from the cache); null when
   * unknown (rows from before routing was recorded, or callers that do not route).
   */
  routingPolicy?: string | null;
  /** Why the request went to its model, in words (the routing decision's reason). */
  routingReason?: string | null;
  /** Saved by a cache hit: what producing the stored answer cost upstream, micro-dollars. */
  savedByCacheMicros?: number;
  /**
   * Saved by routing: the answer priced at the requested model minus what was paid for it
   * (escalations included; negative when they cost more), micro-dollars.
   */
  savedByRoutingMicros?: number;
}
