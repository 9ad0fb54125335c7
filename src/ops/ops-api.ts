/**
 * `/api/ops`: the marketplace on several nodes (see cluster-market.ts), admin only.
 *
 * - `PUT /markets/:id` — this node joins the market (`{ agents, buyers, sellers, skus, needs, seed, model, lease_ms }`; idempotent);
 * - `POST /markets/:id/needs` — posts needs `[from, to)` of the world (`{ from, to }`), through any node;
 * - `GET /markets/:id` — this node's agents and figures, and the market as the shared ledger shows it;
 * - `DELETE /markets/:id` — this node leaves (its agents go to the other nodes).
 */
import { hostname } from 'node:os';
import { Hono } from 'hono';
import { z } from 'zod';
import { openBus } from '../bus/open-bus.js';
import type { Bus } from '../bus/types.js';
import { NotFoundError } from '../errors.js';
import type { DacaVariables } from '../gateway/start-call.js';
import { parseJson } from '../server/api/parse.js';
import type { Services } from '../server/services.js';
import { ClusterMarket } from './cluster-market.js';

const JoinSchema = z.object({
  agents: z.number().int().min(1).max(1000).default(12),
  buyers: z.number().int().min(1).max(10_000).default(100),
  sellers: z.number().int().min(1).max(5000).default(50),
  skus: z.number().int().min(1).max(1000).default(20),
  needs: z.number().int().min(1).max(100_000).default(300),
  seed: z.number().int().default(7),
  model: z.string().min(1).nullable().default(null),
  lease_ms: z.number().int().min(500).max(60_000).default(3000),
}).strict();
const PostSchema = z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }).strict();
const ID = /^[A-Za-z0-9_-]{1,40}$/;

const joined = new WeakMap<object, Map<string, { market: ClusterMarket; bus: Bus }>>();
const marketsOf = (s: Services): Map<string, { market: ClusterMarket; bus: Bus }> => {
  let m = joined.get(s.store);
  if (!m) joined.set(s.store, (m = new Map()));
  return m;
};

/** The node's id in a cluster (`DACA_NODE_ID`, else host and pid). */
export function nodeId(): string {
  return process.env.DACA_NODE_ID ?? `${hostname()}-${process.pid}`;
}

/** The routes (mounted under `/api/ops`). */
export function opsApi(s: Services): Hono<{ Variables: DacaVariables }> {
  const app = new Hono<{ Variables: DacaVariables }>();
  const get = (id: string): ClusterMarket => {
    const m = marketsOf(s).get(id)?.market;
    if (!m) throw new NotFoundError(`this node has not joined market '${id}'; PUT /api/ops/markets/${id} first`);
    return m;
  };
  const checkId = (id: string): string => {
    if (!ID.test(id)) throw new NotFoundError(`market ids are 1-40 letters, digits, '-' or '_'; got '${id}'`);
    return id;
  };
  app.put('/markets/:id', async (c) => {
    const id = checkId(c.req.param('id'));
    const b = await parseJson(c, JoinSchema, 'market');
    const all = marketsOf(s);
    let m = all.get(id);
    if (!m) {
      const bus = await openBus({ nats: { stream: 'DACA_OPS_MARKET', prefix: 'daca-opsmkt', ackWaitMs: b.lease_ms * 2 } });
      try {
        const market = await ClusterMarket.join({ id, agents: b.agents, buyers: b.buyers, sellers: b.sellers, skus: b.skus, needs: b.needs, seed: b.seed, model: b.model, leaseMs: b.lease_ms }, s, bus, nodeId());
        all.set(id, (m = { market, bus }));
      } catch (e) {
        await bus.close().catch(() => {});
        throw e;
      }
    }
    return c.json(m.market.status());
  });
  app.post('/markets/:id/needs', async (c) => {
    const m = get(checkId(c.req.param('id')));
    const b = await parseJson(c, PostSchema, 'needs');
    return c.json({ posted: await m.post(b.from, Math.min(b.to, m.cfg.needs)), node: m.node });
  });
  app.get('/markets/:id', async (c) => {
    const m = get(checkId(c.req.param('id')));
    return c.json({ ...m.status(), ledger: await m.check() });
  });
  app.delete('/markets/:id', async (c) => {
    const id = checkId(c.req.param('id'));
    const m = marketsOf(s).get(id);
    if (!m) throw new NotFoundError(`this node has not joined market '${id}'`);
    marketsOf(s).delete(id);
    await m.market.leave();
    await m.bus.close();
    return c.json({ left: id, node: m.market.node });
  });
  return app;
}

/** Leaves every market this node joined (on shutdown). */
export async function leaveMarketsOf(s: Services): Promise<void> {
  for (const [id, m] of marketsOf(s)) {
    marketsOf(s).delete(id);
    await m.market.leave().catch(() => {});
    await m.bus.close().catch(() => {});
  }
}
