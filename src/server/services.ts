/**
 * The running daca: everything a server needs, assembled from a loaded spec and the environment.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { Gateway } from '../gateway/gateway.js';
import type { GatewayGuards } from '../gateway/guards.js';
import type { ApprovalService } from '../guardrails/approvals/approval-service.js';
import { approvalsOf } from '../guardrails/approvals/node-approvals.js';
import type { BudgetEngine } from '../guardrails/budgets/budget-engine.js';
import { allBudgetRules, budgetsOf } from '../guardrails/budgets/node-budgets.js';
import type { KillSwitch } from '../guardrails/kill-switch/kill-switch.js';
import { killSwitchOf } from '../guardrails/kill-switch/node-kill-switch.js';
import { limitsOf } from '../guardrails/limits/node-limits.js';
import type { RateLimits } from '../guardrails/limits/rate-limits.js';
import { ToolPolicy } from '../guardrails/tools/tool-policy.js';
import { ContentGuard } from '../guardrails/content/content-guard.js';
import { resilienceOf } from '../resilience/node-resilience.js';
import type { ResilientCaller } from '../resilience/resilient-caller.js';
import { KeyRing } from '../identity/key-ring.js';
import { generateKeySecret, hashKeySecret } from '../identity/key-secret.js';
import type { Principal } from '../identity/principal.js';
import { preloadTokenizer } from '../metering/tokenizer.js';
import { UsageRecorder } from '../metering/usage-recorder.js';
import { usageEventData } from '../telemetry/events/usage-event.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
import { tracerFromEnv, type Tracer } from '../telemetry/tracing/index.js';
import { createProviders } from '../providers/registry.js';
import { auditOf, closeAuditOf } from '../compliance/node-audit.js';
import { createCostEngines } from '../cost/cost-engines.js';
import { closeMeshOf } from '../mesh/node-mesh.js';
import { closeDeclaredPatternsOf } from '../orchestration/declared/node-patterns.js';
import { dirname } from 'node:path';
import { upsertSpecKeys } from '../ops/spec-keys.js';

/** The folder relative paths in a spec resolve against (the spec file's, or the working directory). */
function specBaseDir(source: string): string {
  return source.startsWith('(') ? process.cwd() : dirname(source);
}
import type { ModelProvider } from '../providers/types.js';
import type { LoadedSpec } from '../spec/loader.js';
import { compileModelCatalog, type ModelCatalog } from '../spec/resolve.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { createObservability, type Observability } from '../telemetry/analytics/observability.js';
import { EventHub } from '../telemetry/events/event-hub.js';
import type { AgentRuntime } from '../runtime/agent-runtime.js';
import { startNodeRuntime } from '../runtime/node-runtime.js';
import { modelDowngradesOf } from '../gateway/model-downgrades.js';

/** Options for assembling a daca. */
export interface ServicesOptions {
  spec: LoadedSpec;
  /** Folder for the embedded store and local secrets (default `.daca` in the working directory). */
  dataDir: string;
  /** `DACA_DATABASE_URL`: a postgres URL, or unset for SQLite under dataDir. */
  databaseUrl?: string | undefined;
  /** `DACA_ADMIN_KEY`; when unset a key is generated and kept in `<dataDir>/admin-key`. */
  adminKey?: string | undefined;
  logger?: Logger;
  /** Whether to create (or reuse) the development key printed at start-up. */
  devKey?: boolean;
  /** The spec in force when it can change while the node runs (a LiveNode's); default `spec`. */
  currentSpec?: () => LoadedSpec;
  /** The gateway the node's agents call (a LiveNode's live view); default the node's gateway. */
  agentGateway?: (own: Gateway) => Gateway;
}

/** The guard engines of a node, shared by the gateway and the admin API. */
export interface GuardEngines {
  killSwitch: KillSwitch;
  limits: RateLimits;
  budgets: BudgetEngine;
  approvals: ApprovalService;
  tools: ToolPolicy;
  resilience: ResilientCaller;
}

/** Everything a running daca holds. */
export interface Services {
  engines: GuardEngines;
  /** Prometheus metrics (`/metrics`). */
  metrics: GatewayMetrics;
  /** OpenTelemetry spans (exported when OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  tracer: Tracer;
  spec: LoadedSpec;
  catalog: ModelCatalog;
  providers: Map<string, ModelProvider>;
  store: Store;
  keyRing: KeyRing;
  recorder: UsageRecorder;
  gateway: Gateway;
  /** Live events, analytics, feedback, anomaly detection and alerting. */
  observability: Observability;
  /** Agents this node runs (spec prompt agents, `defineAgent` code agents, workflows); the mesh's `AgentHost`. */
  runtime: AgentRuntime;
  logger: Logger;
  adminKey: string;
  /** The development key (loopback only), when enabled. */
  devKey: string | null;
  dataDir: string;
  /** Flushes pending usage and closes providers and the store. */
  close(): Promise<void>;
}

async function localSecret(file: string): Promise<string> {
  try {
    const s = (await readFile(file, 'utf8')).trim();
    if (s.length >= 16) return s;
  } catch {
    /* not there yet */
  }
  const s = generateKeySecret();
  await writeFile(file, s + '\n', { mode: 0o600 });
  return s;
}

/** Assembles the services of one daca node. */
export async function createServices(opts: ServicesOptions): Promise<Services> {
  const logger = opts.logger ?? pino({ level: process.env.DACA_LOG_LEVEL ?? 'info' });
  const spec = opts.spec.spec;
  await mkdir(opts.dataDir, { recursive: true });
  const store = await openStore({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  await store.migrate();

  // Keys declared in the spec are upserted so their secrets come from the environment.
  await upsertSpecKeys(store, spec);

  const adminKey = opts.adminKey && opts.adminKey.length >= 16 ? opts.adminKey : await localSecret(join(opts.dataDir, 'admin-key'));
  const builtIn = new Map<string, Principal>();
  builtIn.set(hashKeySecret(adminKey), { keyId: 'admin', role: 'admin', tenant: 'default', team: 'default', agent: null, models: null, dev: false, allTenants: true });
  let devKey: string | null = null;
  if (opts.devKey ?? spec.server.dev_key) {
    devKey = await localSecret(join(opts.dataDir, 'dev-key'));
    builtIn.set(hashKeySecret(devKey), { keyId: 'dev', role: 'agent', tenant: 'default', team: 'default', agent: null, models: null, dev: true });
  }
  const keyRing = new KeyRing({ store, builtIn });
  // Live event stream (`GET /api/events`); publishers: usage recorder, alerts, anomalies.
  const hub = new EventHub();
  const m = spec.telemetry.metrics;
  const metrics = new GatewayMetrics({ processMetrics: true, perAgentLabels: m.per_agent_labels, perTeamLabels: m.per_team_labels, maxLabelValues: m.max_label_values });
  const tracer = tracerFromEnv({ capturePayloads: spec.telemetry.capture_payloads, onError: (e) => logger.warn({ err: e }, 'trace export failed') });
  const recorder = new UsageRecorder({
    repo: store.usage,
    flushMs: spec.server.usage_flush_ms,
    batchSize: spec.server.usage_batch_size,
    onError: (e) => logger.error({ err: e }, 'usage write failed; will retry'),
    onRecord: (r) => {
      metrics.observe(r);
      if (hub.subscribers) hub.publish('usage', usageEventData(r));
    },
  });
  preloadTokenizer(); // ~0.5 s once, so the first estimated request does not pay it
  const catalog = compileModelCatalog(spec);
  const providers = createProviders(spec);
  const observability = createObservability({ store, spec: () => (opts.currentSpec?.() ?? opts.spec).spec, flush: () => recorder.flush(), logger, hub });
  const node = { store, spec: opts.spec, catalog, logger, observability };
  const engines: GuardEngines = {
    killSwitch: killSwitchOf(node),
    limits: limitsOf(node),
    budgets: budgetsOf(node),
    approvals: approvalsOf(node),
    tools: new ToolPolicy(spec),
    resilience: resilienceOf(node),
  };
  engines.killSwitch.start();
  // Engines the spec does not use stay off the request path.
  const guards: GatewayGuards = {
    killSwitch: engines.killSwitch,
    limits: spec.rate_limits.length ? engines.limits : undefined,
    budgets: allBudgetRules(spec).length ? engines.budgets : undefined,
    tools: Object.keys(spec.tools).length ? engines.tools : undefined,
    content: spec.guardrails?.enabled ? new ContentGuard(spec.guardrails) : undefined,
    approvals: engines.approvals,
    resilience: engines.resilience,
    downgrades: modelDowngradesOf(node),
  };
  const agentModels = new Map<string, ReadonlySet<string>>();
  for (const [id, a] of Object.entries(spec.agents)) if (a.models) agentModels.set(id, new Set(a.models));
  for (const name of providers.keys()) metrics.setUpstreamHealth(name, true);
  const audit = await auditOf({ store, dataDir: opts.dataDir, spec: opts.spec, logger });
  const cost = createCostEngines(spec, {
    catalog, providers, redisUrl: process.env.DACA_REDIS_URL, redisPrefix: process.env.DACA_REDIS_PREFIX,
    baseDir: specBaseDir(opts.spec.source), onError: (e) => logger.warn({ err: e }, 'cache write failed'),
  });
  const gateway = new Gateway({
    catalog, providers, recorder, upstreamTimeoutMs: spec.server.upstream_timeout_ms, durability: spec.server.durability, agentModels, guards,
    onUpstream: (provider, ok) => metrics.observeUpstream(provider, ok),
    audit,
    ...(cost.active ? { cost: cost.optimiser } : {}),
  });
  observability.start();
  const runtime = await startNodeRuntime({ spec: opts.spec, dataDir: opts.dataDir, gateway: opts.agentGateway?.(gateway) ?? gateway, tracer, approvals: engines.approvals, logger });

  return {
    engines, metrics, tracer, spec: opts.spec, catalog, providers, store, keyRing, recorder, gateway, observability, runtime, logger, adminKey, devKey, dataDir: opts.dataDir,
    async close() {
      await closeMeshOf(this).catch((e: unknown) => logger.error({ err: e }, 'mesh shutdown failed'));
      await closeDeclaredPatternsOf({ store }).catch((e: unknown) => logger.error({ err: e }, 'orchestration patterns shutdown failed'));
      await runtime.close().catch((e: unknown) => logger.error({ err: e }, 'agent runtime shutdown failed'));
      await observability.close();
      await recorder.close();
      engines.approvals.stop();
      engines.killSwitch.close();
      await engines.budgets.close().catch((e: unknown) => logger.error({ err: e }, 'budget write-back on shutdown failed'));
      await engines.limits.close().catch(() => {});
      for (const p of providers.values()) await p.close?.().catch(() => {});
      await tracer.shutdown().catch(() => {});
      await cost.close().catch(() => {});
      await closeAuditOf({ store }).catch((e: unknown) => logger.error({ err: e }, 'audit flush on shutdown failed'));
      await store.close();
    },
  };
}
