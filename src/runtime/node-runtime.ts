/**
 * The runtime of a daca node, assembled from its services: agents' model calls go straight to
 * the node's gateway (see model-client.ts), human steps to its approval service.
 */
import type { Logger } from 'pino';
import type { Gateway } from '../gateway/gateway.js';
import type { ApprovalService } from '../guardrails/approvals/approval-service.js';
import type { LoadedSpec } from '../spec/loader.js';
import type { Tracer } from '../telemetry/tracing/index.js';
import { AgentRuntime } from './agent-runtime.js';
import { GatewayModelClient } from './model-client.js';

/** What a node's runtime is built from. */
export interface NodeRuntimeDeps {
  spec: LoadedSpec;
  dataDir: string;
  gateway: Gateway;
  tracer?: Tracer;
  approvals?: ApprovalService;
  logger?: Logger;
}

/** Builds and starts the node's runtime (spawning restate-server only when the spec needs it). */
export async function startNodeRuntime(deps: NodeRuntimeDeps): Promise<AgentRuntime> {
  const runtime = new AgentRuntime({
    spec: deps.spec.spec,
    dataDir: deps.dataDir,
    models: new GatewayModelClient(deps.gateway, deps.tracer),
    approvals: deps.approvals,
    logger: deps.logger,
  });
  await runtime.start();
  return runtime;
}
