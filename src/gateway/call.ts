/**
 * A gateway call: everything the pipeline knows about one request while it runs.
 */
import { randomUUID } from 'node:crypto';
import type { AuditApproval, AuditReason } from '../compliance/audit-types.js';
import type { CacheDirective } from '../cost/cache/cache-directive.js';
import type { DacaError } from '../errors.js';
import type { AdmitOptions } from '../guardrails/approvals/approval-service.js';
import type { Attribution, Principal } from '../identity/principal.js';
import type { Span } from '../telemetry/tracing/index.js';
import type { ResolvedModel } from '../spec/resolve.js';

/** The API surface a call came in on. */
export type GatewayRoute = 'chat' | 'messages' | 'embeddings';

/** One request flowing through the gateway pipeline. */
export interface GatewayCall {
  readonly id: string;
  /** Wall-clock start, ms since the epoch. */
  readonly startedAt: number;
  /** Monotonic start (performance.now()), for latency. */
  readonly t0: number;
  readonly route: GatewayRoute;
  readonly principal: Principal;
  readonly attribution: Attribution;
  /**
   * The call's one abort signal: fires when the client disconnects (reason `ClientClosedError`) or
   * the upstream timeout elapses (reason `UpstreamTimeoutError`). Providers get this signal.
   */
  readonly signal: AbortSignal;
  /** Aborts the call with a typed reason. */
  abort(reason: DacaError): void;
  readonly traceparent: string | undefined;
  readonly stream: boolean;
  readonly requestedModel: string;
  /** Set once the model is resolved. */
  model: ResolvedModel | null;
  /** Set once the call's usage record is handed to the recorder (it is written exactly once). */
  recorded: boolean;
  /** The request's trace span (a no-op span when tracing is off). */
  readonly span: Span;
  /** `x-daca-approval` / `x-daca-approval-wait` of the request. */
  readonly approval: AdmitOptions;
  /** Why the pipeline did what it did: reasons collected for the audit record. */
  readonly reasons: AuditReason[];
  /** How the model was reached (`alias`, `fallback`, `downgrade`, `approval`, `cache`, …). */
  readonly via: string[];
  /** The canonical request (hashed into the audit record). */
  request?: unknown;
  /** The approval the call redeemed or raised, for the audit record. */
  approvalRecord?: AuditApproval;
  /** Data subject the call's personal data belongs to (`x-daca-subject`). */
  readonly dataSubject: string | undefined;
  /** `x-daca-cache` of the request. */
  readonly cacheDirective: CacheDirective;
  /** Whether the answer came from daca's cache. */
  cache: 'hit' | 'miss';
  /** The routing decision that chose the model (usage records, traces); unset when nothing decided. */
  routing?: CallRouting;
}

/** A call's routing outcome, as recorded on its usage row. */
export interface CallRouting {
  /** `none`, `fixed`, `cascade`, `router`, `budget`, `goal` or `cache`. */
  policy: string;
  reason: string;
  /** Saved by a cache hit, micro-dollars. */
  savedByCacheMicros: number;
  /** Saved by routing against the requested model, micro-dollars (set once the call is metered). */
  savedByRoutingMicros: number;
}

/** A new request id: `req_` + 32 hex characters. */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}
