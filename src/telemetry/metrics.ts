/**
 * Prometheus metrics of the gateway, served at `/metrics`.
 *
 * Names follow the OpenTelemetry GenAI semantic conventions where one exists
 * (`gen_ai_client_token_usage`, `gen_ai_client_operation_duration_seconds`,
 * `gen_ai_server_time_to_first_token_seconds`) and are `daca_*` otherwise. Every request metric
 * carries the same base labels — `gen_ai_operation_name`, `gen_ai_provider_name`,
 * `gen_ai_request_model`, `gen_ai_response_model`, then optionally `tenant`, `team`, `agent` — so
 * PromQL can divide one by another. Each label keeps at most `maxLabelValues` distinct values;
 * later ones become `other`.
 *
 * `observe()` costs one `Map.get` per base label plus a few number updates: the label tuple's
 * cells are created once and cached (see fast-metrics.ts for why prom-client's `labels()` is not
 * used on the hot path).
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { UsageRecord } from '../metering/usage-record.js';
import { FastCounter, FastHistogram, observeHistogram, registerFast, type CounterCell, type HistogramCell, type Labels } from './fast-metrics.js';
import { GATEWAY_OVERHEAD_BUCKETS, OPERATION_DURATION_BUCKETS, TIME_TO_FIRST_TOKEN_BUCKETS, TOKEN_USAGE_BUCKETS } from './genai-buckets.js';
import { LabelBound, LabelTrie, type LabelTrieNode } from './label-bound.js';

/** Options of {@link GatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** Add an `agent` label to request metrics. Default false (agents can be many). */
  perAgentLabels?: boolean;
  /** Add a `team` label to request metrics. Default true. */
  perTeamLabels?: boolean;
  /** Add a `tenant` label to request metrics. Default true. */
  perTenantLabels?: boolean;
  /** Distinct values kept per label; later values become `other`. Default 200. */
  maxLabelValues?: number;
  /** Also export prom-client's default process metrics (CPU, memory, event loop lag). Default false. */
  processMetrics?: boolean;
  /** Registry to register into. Default: a new one (never prom-client's global registry). */
  registry?: Registry;
}

/** Cells of one (status, error code) outcome of one label tuple. */
interface Outcome {
  requests: CounterCell;
  errors: CounterCell | null;
  duration: HistogramCell;
}

/** Cells of one base label tuple. */
interface Series {
  labels: Labels;
  inputTokens: HistogramCell;
  outputTokens: HistogramCell | null;
  ttft: HistogramCell | null;
  overhead: HistogramCell;
  cost: CounterCell;
  cached: CounterCell;
  cacheRequests: CounterCell;
  cacheHits: CounterCell;
  /** error code ('' for none) → status → outcome. */
  outcomes: Map<string, Map<number, Outcome>>;
}

/** Upstream cells of one provider. */
interface UpstreamCells {
  ok: CounterCell;
  error: CounterCell;
}

/**
 * The gateway's Prometheus metrics over a private prom-client `Registry`.
 * @example
 * ```ts
 * const metrics = new GatewayMetrics({ perAgentLabels: true });
 * recorderOptions.onRecord = (rec) => metrics.observe(rec);
 * app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }));
 * ```
 */
export class GatewayMetrics {
  /** The registry holding every metric below (add your own or merge it with others). */
  readonly registry: Registry;
  private readonly labelNames: readonly string[];
  private readonly bounds: LabelBound[];
  private readonly trie: LabelTrie<Series>;
  private readonly providerBound: LabelBound;
  private readonly upstreamCells = new Map<string, UpstreamCells>();
  private readonly tenantOn: boolean;
  private readonly teamOn: boolean;
  private readonly agentOn: boolean;

  private readonly tokenUsage = new FastHistogram('gen_ai_client_token_usage', 'Number of input and output tokens used per request (OpenTelemetry GenAI gen_ai.client.token.usage).', TOKEN_USAGE_BUCKETS);
  private readonly duration = new FastHistogram('gen_ai_client_operation_duration_seconds', 'End-to-end duration of a gateway request, seconds (OpenTelemetry GenAI gen_ai.client.operation.duration).', OPERATION_DURATION_BUCKETS);
  private readonly ttft = new FastHistogram('gen_ai_server_time_to_first_token_seconds', 'Time to the first output token (streaming) or to the full answer, seconds, successful requests (OpenTelemetry GenAI gen_ai.server.time_to_first_token).', TIME_TO_FIRST_TOKEN_BUCKETS);
  private readonly overhead = new FastHistogram('daca_gateway_overhead_seconds', "daca's own time per request (total minus upstream wait), seconds.", GATEWAY_OVERHEAD_BUCKETS);
  private readonly requests = new FastCounter('daca_requests_total', 'Gateway requests by HTTP status and error code.');
  private readonly errors = new FastCounter('daca_errors_total', 'Gateway requests that ended in an error, by error type (the error.code returned).');
  private readonly cost = new FastCounter('daca_cost_usd_total', 'Cost of gateway requests, USD.', 1_000_000);
  private readonly cached = new FastCounter('daca_cached_tokens_total', 'Input tokens served from the provider prompt cache.');
  private readonly cacheRequests = new FastCounter('daca_cache_requests_total', 'Requests that went through the response cache stage.');
  private readonly cacheHits = new FastCounter('daca_cache_hits_total', 'Requests answered from the response cache.');
  private readonly upstreamRequests = new FastCounter('daca_upstream_requests_total', 'Calls to upstream providers by outcome (ok|error).');
  private readonly overflow = new FastCounter('daca_metrics_label_overflow_total', 'Label values replaced by "other" because a label reached maxLabelValues.');
  private readonly overflowCell: CounterCell;
  private readonly upstreamUp: Gauge<'gen_ai_provider_name'>;

  constructor(opts: GatewayMetricsOptions = {}) {
    this.registry = opts.registry ?? new Registry();
    this.tenantOn = opts.perTenantLabels ?? true;
    this.teamOn = opts.perTeamLabels ?? true;
    this.agentOn = opts.perAgentLabels ?? false;
    const max = opts.maxLabelValues ?? 200;
    if (!(max >= 1)) throw new RangeError('maxLabelValues must be at least 1');
    this.labelNames = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', ...(this.tenantOn ? ['tenant'] : []), ...(this.teamOn ? ['team'] : []), ...(this.agentOn ? ['agent'] : [])];
    this.bounds = this.labelNames.map(() => new LabelBound(max));
    this.trie = new LabelTrie<Series>(this.bounds);
    this.providerBound = new LabelBound(max);
    for (const m of [this.tokenUsage, this.duration, this.ttft, this.overhead, this.requests, this.errors, this.cost, this.cached, this.cacheRequests, this.cacheHits, this.upstreamRequests, this.overflow]) registerFast(this.registry, m);
    this.overflowCell = this.overflow.cell({});
    this.upstreamUp = new Gauge({ name: 'daca_upstream_up', help: 'Whether an upstream provider is considered healthy (1) or not (0).', labelNames: ['gen_ai_provider_name'], registers: [this.registry] });
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Content type of {@link render}'s output. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Prometheus text exposition of every metric in the registry. */
  render(): Promise<string> {
    this.overflowCell.value = this.bounds.reduce((n, b) => n + b.overflowed, this.providerBound.overflowed);
    return this.registry.metrics();
  }

  /** Number of distinct base label tuples seen so far (for tests and self-monitoring). */
  get seriesCount(): number {
    return this.cacheRequests.size;
  }

  /** Records one metered request (call once per usage record, e.g. from `UsageRecorder.onRecord`). Never throws. */
  observe(rec: UsageRecord): void {
    const s = this.seriesFor(rec);
    const code = rec.errorCode ?? '';
    let byStatus = s.outcomes.get(code);
    if (!byStatus) s.outcomes.set(code, (byStatus = new Map()));
    let o = byStatus.get(rec.status);
    if (!o) byStatus.set(rec.status, (o = this.outcome(s, rec.status, rec.errorCode)));

    o.requests.value++;
    if (o.errors) o.errors.value++;
    observeHistogram(o.duration, rec.latencyMs / 1000);
    observeHistogram(s.overhead, rec.overheadMs / 1000);
    const ok = rec.status < 400;
    if (ok || rec.inputTokens > 0 || rec.outputTokens > 0) {
      observeHistogram(s.inputTokens, rec.inputTokens);
      if (rec.route !== 'embeddings') observeHistogram((s.outputTokens ??= this.tokenUsage.cell({ ...s.labels, gen_ai_token_type: 'output' })), rec.outputTokens);
    }
    if (ok && rec.ttftMs !== null) observeHistogram((s.ttft ??= this.ttft.cell(s.labels)), rec.ttftMs / 1000);
    if (rec.costMicros > 0) s.cost.value += rec.costMicros; // also keeps a NaN out of the counter
    if (rec.cachedTokens > 0) s.cached.value += rec.cachedTokens;
    s.cacheRequests.value++;
    if (rec.cache === 'hit') s.cacheHits.value++;
  }

  /** Counts one call to an upstream provider (each attempt, retries included). */
  observeUpstream(provider: string, ok: boolean): void {
    let c = this.upstreamCells.get(provider);
    if (!c) {
      const p = this.providerBound.admit(provider);
      c = this.upstreamCells.get(p);
      if (!c) {
        c = { ok: this.upstreamRequests.cell({ gen_ai_provider_name: p, outcome: 'ok' }), error: this.upstreamRequests.cell({ gen_ai_provider_name: p, outcome: 'error' }) };
        this.upstreamCells.set(p, c);
      }
    }
    (ok ? c.ok : c.error).value++;
  }

  /** Sets `daca_upstream_up` for a provider (e.g. from a circuit breaker or health check). */
  setUpstreamHealth(provider: string, healthy: boolean): void {
    this.upstreamUp.set({ gen_ai_provider_name: this.providerBound.admit(provider) }, healthy ? 1 : 0);
  }

  private seriesFor(rec: UsageRecord): Series {
    const t = this.trie;
    let n: LabelTrieNode<Series> = t.step(t.root, rec.route === 'embeddings' ? 'embeddings' : 'chat');
    n = t.step(n, rec.provider);
    n = t.step(n, rec.requestedModel);
    n = t.step(n, rec.upstreamModel);
    if (this.tenantOn) n = t.step(n, rec.tenant);
    if (this.teamOn) n = t.step(n, rec.team);
    if (this.agentOn) n = t.step(n, rec.agent);
    return n.leaf ?? (n.leaf = this.series(n.values));
  }

  private series(values: readonly string[]): Series {
    const labels: Record<string, string> = {};
    this.labelNames.forEach((name, i) => (labels[name] = values[i]!));
    Object.freeze(labels);
    return {
      labels,
      inputTokens: this.tokenUsage.cell({ ...labels, gen_ai_token_type: 'input' }),
      outputTokens: null,
      ttft: null,
      overhead: this.overhead.cell(labels),
      cost: this.cost.cell(labels),
      cached: this.cached.cell(labels),
      cacheRequests: this.cacheRequests.cell(labels),
      cacheHits: this.cacheHits.cell(labels),
      outcomes: new Map(),
    };
  }

  private outcome(s: Series, status: number, code: string | null): Outcome {
    const withCode = code === null ? s.labels : { ...s.labels, error_type: code };
    return {
      requests: this.requests.cell(code === null ? { ...s.labels, status: String(status) } : { ...s.labels, status: String(status), error_code: code }),
      errors: code === null && status < 400 ? null : this.errors.cell(code === null ? { ...s.labels, error_type: String(status) } : withCode),
      duration: this.duration.cell(withCode),
    };
  }
}
