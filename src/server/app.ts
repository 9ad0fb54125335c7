/**
 * The HTTP app: gateway routes under `/v1`, admin API under `/api`, operational endpoints.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { FastRoutesOptions, HotHandler } from './fast-routes.js';

/** The hot routes of an app (gateway calls, the mesh hop), for serving them without the framework adapter (see fast-routes.ts). */
export const fastRoutesOf = new WeakMap<object, FastRoutesOptions>();
import { chatCompletionsHandler } from '../gateway/chat-route.js';
import { embeddingsHandler } from '../gateway/embeddings-route.js';
import { messagesHandler } from '../gateway/messages-route.js';
import { modelsHandler } from '../gateway/models-route.js';
import type { DacaVariables } from '../gateway/start-call.js';
import { NotFoundError } from '../errors.js';
import { agentsApi } from './api/agents.js';
import { auditAdminActions, auditApi, auditEventsApi } from './api/audit.js';
import { auditOf } from '../compliance/node-audit.js';
import { alertsApi } from './api/alerts.js';
import { anomaliesApi } from './api/anomalies.js';
import { eventsApi } from './api/events.js';
import { feedbackApi } from './api/feedback.js';
import { overviewApi } from './api/overview.js';
import { sessionsApi } from './api/sessions.js';
import { keysApi } from './api/keys.js';
import { usageApi } from './api/usage.js';
import { usageExportApi } from './api/usage-export.js';
import { approvalsApi } from './api/approvals.js';
import { providersApi } from './api/providers.js';
import { budgetsApi } from './api/budgets.js';
import { limitsApi } from './api/limits.js';
import { suspensionsApi } from './api/suspensions.js';
import { meshApi } from './api/mesh.js';
import { agentRpcOf, meshRoutes } from '../mesh/a2a/a2a-routes.js';
import { costApi } from './api/cost.js';
import { evalsApi } from './api/evals.js';
import { orchestrationApi } from './api/orchestration.js';
import { registryApi } from './api/registry.js';
import { rolloutsApi } from './api/rollouts.js';
import { specOpsApi } from './api/spec-ops.js';
import { opsApi } from '../ops/ops-api.js';
import { goalsApi } from '../ops/goals/goals-api.js';
import { governanceOf } from '../governance/node-governance.js';
import { requireKey, withUiSessions } from './auth.js';
import { apiAccess } from './access/api-access.js';
import { TenantDirectory } from './access/tenant-directory.js';
import { whoamiApi } from './access/whoami.js';
import { errorHandler } from './error-handler.js';
import type { Services } from './services.js';
import { defaultUiDir, uiRoutes, uiSessionSecret } from './ui.js';

/** Builds the Hono app of a daca node. */
export function createApp(s: Services, state: { ready: boolean } = { ready: true }): Hono<{ Variables: DacaVariables }> {
  const app = new Hono<{ Variables: DacaVariables }>();
  const deps = { gateway: s.gateway, maxBodyBytes: s.spec.spec.server.max_body_bytes, tracer: s.tracer };
  const flush = () => s.recorder.flush();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/metrics', async (c) => c.body(await s.metrics.render(), 200, { 'content-type': s.metrics.contentType }));
  app.get('/readyz', async (c) => {
    try {
      await s.store.keys.get('readyz-probe');
      return c.json({ status: state.ready ? 'ready' : 'draining' }, state.ready ? 200 : 503);
    } catch (e) {
      return c.json({ status: 'store unavailable', error: e instanceof Error ? e.message : String(e) }, 503);
    }
  });

  const v1 = new Hono<{ Variables: DacaVariables }>();
  const v1Auth = requireKey(s.keyRing);
  const hot = { chat: chatCompletionsHandler(deps), messages: messagesHandler(deps), embeddings: embeddingsHandler(deps) };
  v1.use('*', v1Auth);
  v1.post('/chat/completions', hot.chat);
  v1.post('/messages', hot.messages);
  v1.post('/embeddings', hot.embeddings);
  v1.get('/models', modelsHandler(s.catalog, Math.floor(Date.now() / 1000)));
  app.route('/v1', v1);

  // Every /api route: authentication, the permission table, and the tenant directory (src/server/access/).
  const adminAuth = withUiSessions(s.keyRing, uiSessionSecret(s.adminKey));
  app.use('/api/*', apiAccess({ auth: adminAuth, directory: () => new TenantDirectory(() => s.spec.spec, s.store), queryKeyPaths: ['/api/events'] }));
  app.route('/api/events', eventsApi(s.observability.hub));
  app.route('/api/audit/events', auditEventsApi({ ledger: () => auditOf(s) }));
  const api = new Hono<{ Variables: DacaVariables }>();
  api.use('*', auditAdminActions(() => auditOf(s)));
  api.route('/whoami', whoamiApi());
  api.route('/keys', keysApi(s.store, s.keyRing));
  api.route('/usage', usageApi(s.store, { flush }));
  api.route('/audit', auditApi({ ledger: () => auditOf(s) }));
  const obs = s.observability;
  api.route('/agents', agentsApi(obs));
  api.route('/overview', overviewApi(obs.analytics));
  api.route('/sessions', sessionsApi(s.store, obs.analytics, { flush }));
  api.route('/feedback', feedbackApi(s.store, obs.feedback, { flush }));
  api.route('/anomalies', anomaliesApi(obs.anomalyRepo));
  api.route('/alerts', alertsApi(obs.alerts));
  api.route('/usage/export', usageExportApi(s.store, { flush }));
  api.route('/approvals', approvalsApi(s.engines.approvals));
  api.route('/providers', providersApi(() => s.spec.spec, s.engines.resilience));
  api.route('/budgets', budgetsApi(s.engines.budgets));
  api.route('/limits', limitsApi(s.engines.limits));
  api.route('/suspensions', suspensionsApi(s.engines.killSwitch));
  api.route('/mesh', meshApi(s));
  api.route('/cost', costApi({ store: s.store, catalog: () => s.catalog, spec: () => s.spec.spec, dataDir: s.dataDir, flush }));
  api.route('/evals', evalsApi({ store: s.store, dataDir: s.dataDir }));
  api.route('/orchestration', orchestrationApi(s));
  const governance = governanceOf(s); // attaches the rollout router to the gateway now
  api.route('/rollouts', rolloutsApi(() => governance.ready));
  api.route('/registry', registryApi(() => governance.ready));
  api.route('/spec-ops', specOpsApi(s));
  api.route('/ops/goals', goalsApi(s));
  api.route('/ops', opsApi(s));
  api.get('/spec', (c) => c.json({ source: s.spec.source, hash: s.spec.hash, spec: redactSpec(s.spec.spec) }));
  app.route('/api', api);
  // A2A agents at /a2a/<agent>/, the mesh's card at /.well-known/agent-card.json, agents as MCP tools at /mcp
  const mesh = meshRoutes({ node: s, keys: s.keyRing, maxBodyBytes: s.spec.spec.server.max_body_bytes });
  app.route('/', mesh);
  app.route('/ui', uiRoutes({ distDir: defaultUiDir(), keyRing: s.keyRing, sessionSecret: uiSessionSecret(s.adminKey) }));

  const onError = errorHandler((err, c) => s.logger.error({ err, path: c.req.path }, 'request failed'));
  app.notFound((c) => onError(new NotFoundError(`no route ${c.req.method} ${c.req.path}; see the README for daca's HTTP surface`), c));
  app.onError(onError);
  fastRoutesOf.set(app, {
    routes: new Map<string, HotHandler>([
      ['/v1/chat/completions', hot.chat as HotHandler],
      ['/v1/messages', hot.messages as HotHandler],
      ['/v1/embeddings', hot.embeddings as HotHandler],
    ]),
    auth: v1Auth as MiddlewareHandler,
    paramRoutes: [{ prefix: '/a2a/', param: 'agent', handler: agentRpcOf.get(mesh)! as HotHandler }],
    onError: onError as FastRoutesOptions['onError'],
  });
  return app;
}

/** The spec without secrets (key values and provider API keys). */
function redactSpec(spec: Services['spec']['spec']): unknown {
  return JSON.parse(JSON.stringify(spec), (k, v: unknown) => (k === 'value' || k === 'api_key' || k === 'secret' ? '***' : v));
}
