/**
 * The declared patterns of a running node: instantiated when the admin API is mounted (so at
 * `daca up`), over the node's mesh (its agents and any other mesh member), its store (contracts), approvals (human escalations), the
 * audit ledger (every resolution) and, when topics are declared, the bus (NATS JetStream when
 * `DACA_NATS_URL` is set). `closeDeclaredPatternsOf` stops them on shutdown.
 *
 * After a live apply (`daca apply`, `daca up --watch`) that changes the `orchestration:` section,
 * the next use stops the old patterns and starts the new ones (double-auction books are rebuilt
 * from the store); an apply that leaves the section as it was keeps them untouched.
 */
import type { Logger } from 'pino';
import { openBus } from '../../bus/open-bus.js';
import type { Bus } from '../../bus/types.js';
import { auditOf } from '../../compliance/node-audit.js';
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import { meshOf, type MeshNode } from '../../mesh/node-mesh.js';
import type { AgentHost } from '../../runtime/agent-host.js';
import type { Spec } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import { EMPTY_ORCHESTRATION } from '../orchestration-spec.js';
import { resolutionLog } from '../patterns/resolution-record.js';
import { DeclaredPatterns } from './declared-patterns.js';

/** What the declared patterns need of a node (a subset of `Services`). */
export interface PatternsNode extends MeshNode {
  store: Store;
  dataDir: string;
  spec: { spec: Spec };
  runtime: AgentHost;
  engines: { approvals: ApprovalService };
  logger?: Pick<Logger, 'warn' | 'error' | 'info'>;
}

/**
 * The agents as the declared patterns reach them: through the node's mesh — so a pattern's calls
 * are traced and counted per edge (caller → callee) like any hop, and reach agents on other nodes
 * or outside daca — as the operator (see `InvokeOptions.asOperator`).
 */
function meshHost(s: PatternsNode): AgentHost {
  return {
    list: () => s.runtime.list(),
    invoke: (agent, id, message, opts) => meshOf(s).then((m) => m.call(agent, id, message, { ...opts, asOperator: true })),
  };
}

interface Opened {
  patterns: DeclaredPatterns;
  bus: Bus | null;
}
/** Per node (its store): the orchestration section the patterns were built from, and them. */
const nodes = new WeakMap<object, { section: string; opened: Promise<Opened> }>();

const sectionOf = (s: PatternsNode): string => JSON.stringify(s.spec.spec.orchestration ?? EMPTY_ORCHESTRATION);

async function stop(opened: Promise<Opened>): Promise<void> {
  const x = await opened.catch(() => null);
  await x?.patterns.close();
  await x?.bus?.close();
}

async function open(s: PatternsNode): Promise<Opened> {
  const spec = s.spec.spec;
  const o = spec.orchestration ?? EMPTY_ORCHESTRATION;
  const bus = Object.keys(o.topics).length ? await openBus({ nats: { stream: 'DACA_ORCH', prefix: 'daca-orch' } }) : null;
  const audit = await auditOf(s);
  const patterns = await DeclaredPatterns.start({
    spec: o, host: meshHost(s), store: s.store, approvals: s.engines.approvals, log: resolutionLog({ audit, actor: 'orchestration' }),
    team: (agent) => {
      const team = spec.agents[agent]?.team ?? 'default';
      return { team, tenant: spec.teams[team]?.tenant ?? 'default' };
    },
    ...(bus ? { bus } : {}),
  });
  const n = patterns.list().length;
  if (n) s.logger?.info({ patterns: n }, 'orchestration patterns from the spec are up');
  return { patterns, bus };
}

/**
 * The node's declared patterns (created on first call, rebuilt when the spec's section changed).
 * @example
 * ```ts
 * const patterns = await declaredPatternsOf(services);
 * await patterns.runAuction('gpu-slot', 'one A100 hour');
 * ```
 */
export function declaredPatternsOf(s: PatternsNode): Promise<DeclaredPatterns> {
  const section = sectionOf(s);
  let n = nodes.get(s.store);
  if (!n || n.section !== section) {
    const before = n?.opened;
    n = { section, opened: before ? stop(before).then(() => open(s)) : open(s) };
    nodes.set(s.store, n);
  }
  return n.opened.then((x) => x.patterns);
}

/** Stops the node's declared patterns, if they were started. */
export async function closeDeclaredPatternsOf(s: { store: Store }): Promise<void> {
  const n = nodes.get(s.store);
  if (!n) return;
  nodes.delete(s.store);
  await stop(n.opened);
}
