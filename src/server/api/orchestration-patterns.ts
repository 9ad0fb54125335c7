/**
 * `/api/orchestration/patterns`: the coordination patterns the spec declares (`orchestration:`),
 * run by name on this node's agents (`daca orch`).
 *
 * - `GET /` — declared patterns; `GET /resolutions?pattern=` — recorded decisions with reasons;
 * - `POST /hierarchies/:name/run` `{ tasks: [{ id, input }] }`;
 * - `POST /negotiations/:name/run` `{ subject? }`;
 * - `POST /contracts/:name/run` `{ task, input }`;
 * - `POST /auctions/:name/run` `{ item }` (sealed, vickrey);
 * - double auctions (durable book): `POST /auctions/:name/orders` `{ id?, trader, side, price_usd, qty }`
 *   → 201 `{ id, trades, resting, replayed: false }` (200 and `replayed: true` for a retry of the same
 *   id and terms; 409 for the same id with other terms); `DELETE /auctions/:name/orders/:id`;
 *   `GET /auctions/:name` (quote, resting orders, newest 100 trades); `GET /auctions/:name/trades?limit=`;
 * - `POST /votes/:name/run` `{ question, options? }`; `POST /arbitration/:name/run` `{ dispute }`;
 * - `POST /topics/:topic/needs` `{ id, agent, qty, weight? }`, `POST /topics/:topic/capabilities`
 *   `{ agent, capacity }`, `GET /topics/:topic`.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { DacaVariables } from '../../gateway/start-call.js';
import { declaredPatternsOf, type PatternsNode } from '../../orchestration/declared/node-patterns.js';
import type { JsonValue } from '../../runtime/types.js';
import { InvalidRequestError } from '../../errors.js';
import { parseJson } from './parse.js';

const json = z.json() as z.ZodType<JsonValue>;
const RunHierarchy = z.object({ tasks: z.array(z.object({ id: z.string().min(1), input: json }).strict()).min(1).max(1000) }).strict();
const RunNegotiation = z.object({ subject: z.string().min(1).optional() }).strict();
const RunContract = z.object({ task: z.string().min(1), input: json.default(null) }).strict();
const RunAuction = z.object({ item: z.string().min(1) }).strict();
const Order = z.object({ id: z.string().min(1).max(200).optional(), trader: z.string().min(1), side: z.enum(['bid', 'ask']), price_usd: z.number().nonnegative(), qty: z.number().int().positive() }).strict();
const RunVote = z.object({ question: z.string().min(1), options: z.array(z.string().min(1)).min(2).optional() }).strict();
const Dispute = z.object({ dispute: z.object({ id: z.string().min(1), parties: z.array(z.object({ name: z.string().min(1), claim: z.string() }).strict()).min(2), facts: z.array(z.string()).default([]) }).strict() }).strict();
const Need = z.object({ id: z.string().min(1).optional(), agent: z.string().min(1), qty: z.number().int().positive(), weight: z.number().positive().optional() }).strict();
const Capability = z.object({ agent: z.string().min(1), capacity: z.number().int().nonnegative() }).strict();

/** The routes (mounted under `/api/orchestration/patterns`); starts the declared patterns now. */
export function patternsApi(s: PatternsNode): Hono<{ Variables: DacaVariables }> {
  const app = new Hono<{ Variables: DacaVariables }>();
  void declaredPatternsOf(s).catch((e: unknown) => s.logger?.error({ err: e }, 'orchestration patterns from the spec failed to start'));
  const p = () => declaredPatternsOf(s);

  app.get('/', async (c) => c.json({ data: (await p()).list() }));
  app.get('/resolutions', async (c) => c.json({ data: (await p()).resolutions(c.req.query('pattern') || undefined) }));

  app.post('/hierarchies/:name/run', async (c) => {
    const b = await parseJson(c, RunHierarchy, 'hierarchy run');
    return c.json(await (await p()).runHierarchy(c.req.param('name'), b.tasks));
  });
  app.post('/negotiations/:name/run', async (c) => {
    const b = await parseJson(c, RunNegotiation, 'negotiation run');
    return c.json(await (await p()).runNegotiation(c.req.param('name'), b.subject));
  });
  app.post('/contracts/:name/run', async (c) => {
    const b = await parseJson(c, RunContract, 'call for proposals');
    return c.json(await (await p()).runContract(c.req.param('name'), b.task, b.input));
  });
  app.post('/auctions/:name/run', async (c) => {
    const b = await parseJson(c, RunAuction, 'auction run');
    return c.json(await (await p()).runAuction(c.req.param('name'), b.item));
  });
  app.post('/auctions/:name/orders', async (c) => {
    const b = await parseJson(c, Order, 'order');
    const r = await (await p()).submitOrder(c.req.param('name'), { id: b.id ?? randomUUID(), trader: b.trader, side: b.side, price: Math.round(b.price_usd * 1e6), qty: b.qty });
    return c.json(r, r.replayed ? 200 : 201);
  });
  app.delete('/auctions/:name/orders/:id', async (c) => c.json(await (await p()).cancelOrder(c.req.param('name'), c.req.param('id'))));
  app.get('/auctions/:name', async (c) => c.json(await (await p()).book(c.req.param('name'))));
  app.get('/auctions/:name/trades', async (c) => {
    const raw = c.req.query('limit');
    const limit = raw === undefined || raw === '' ? 100 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidRequestError(`limit must be a whole number from 1 to 1000, got '${raw}'`, { param: 'limit' });
    return c.json({ data: await (await p()).trades(c.req.param('name'), limit) });
  });
  app.post('/votes/:name/run', async (c) => {
    const b = await parseJson(c, RunVote, 'vote');
    return c.json(await (await p()).runVote(c.req.param('name'), b.question, b.options));
  });
  app.post('/arbitration/:name/run', async (c) => {
    const b = await parseJson(c, Dispute, 'dispute');
    return c.json(await (await p()).arbitrate(c.req.param('name'), b.dispute));
  });
  app.post('/topics/:topic/needs', async (c) => {
    const b = await parseJson(c, Need, 'need');
    const id = b.id ?? randomUUID();
    await (await p()).publishNeed(c.req.param('topic'), { id, agent: b.agent, qty: b.qty, ...(b.weight !== undefined ? { weight: b.weight } : {}) });
    return c.json({ id }, 202);
  });
  app.post('/topics/:topic/capabilities', async (c) => {
    const b = await parseJson(c, Capability, 'capability');
    await (await p()).announce(c.req.param('topic'), b.agent, b.capacity);
    return c.json({ ok: true }, 202);
  });
  app.get('/topics/:topic', async (c) => c.json((await p()).topic(c.req.param('topic'))));
  return app;
}
