/**
 * `POST /api/feedback` through the real HTTP server, and its aggregates in `/api/agents`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type TestFleet } from '../../telemetry/analytics/test-fleet.js';

let f: TestFleet;
let req1: string;
let req2: string;

beforeAll(async () => {
  f = await startFleet();
  const r1 = await f.chat('a1', 'conv-1', 20);
  const r2 = await f.chat('a1', 'conv-1', 20);
  req1 = r1.headers.get('x-daca-request-id')!;
  req2 = r2.headers.get('x-daca-request-id')!;
  expect(req1).toBeTruthy();
});
afterAll(() => f?.close());

type Err = { error: { message: string; code: string; param: string | null } };

describe('POST /api/feedback', () => {
  it('stores feedback on a request or a session, attributed to the agent', async () => {
    const a = await f.api<{ id: string; agent: string }>('/api/feedback', { method: 'POST', body: { request_id: req1, score: 1, label: 'helpful' } });
    expect(a.status).toBe(201);
    expect(a.body.id).toMatch(/^fb_/);
    expect(a.body.agent).toBe('a1');
    expect((await f.api('/api/feedback', { method: 'POST', body: { request_id: req2, score: -1, comment: 'wrong answer' } })).status).toBe(201);
    expect((await f.api('/api/feedback', { method: 'POST', body: { session: 'conv-1', score: 0.5 } })).status).toBe(201);
    const agents = await f.api<{ data: { agent: string; feedback: Record<string, number> }[] }>('/api/agents');
    expect(agents.body.data.find((x) => x.agent === 'a1')!.feedback).toEqual({ count: 3, avg_score: 0.167, positive_rate: 0.667 });
    const one = await f.api<{ feedback: Record<string, number> }>('/api/agents/a1');
    expect(one.body.feedback).toEqual({ count: 3, avg_score: 0.167, positive_rate: 0.667 });
  });

  it.each([
    [{ score: 1 }, 'request_id'],
    [{ request_id: 'x', score: 2 }, 'score'],
    [{ request_id: 'x' }, 'score'],
    [{ request_id: 'x', score: 'good' }, 'score'],
    [{ request_id: 'x', score: 1, label: 'l'.repeat(65) }, 'label'],
    [{ request_id: 'x', score: 1, extra: true }, 'extra'],
  ])('rejects %j naming the field', async (body, field) => {
    const r = await f.api<Err>('/api/feedback', { method: 'POST', body });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_request');
    expect(`${r.body.error.param} ${r.body.error.message}`).toContain(field);
  });

  it('rejects malformed JSON, and unknown requests or sessions with 404', async () => {
    expect((await f.api('/api/feedback', { method: 'POST', body: '{nope' })).status).toBe(400);
    const r = await f.api<Err>('/api/feedback', { method: 'POST', body: { request_id: 'req_missing', score: 1 } });
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain('req_missing');
    expect((await f.api('/api/feedback', { method: 'POST', body: { session: 'nope', score: 1 } })).status).toBe(404);
    expect((await f.api('/api/feedback', { method: 'POST', body: { request_id: req1, session: 'other', score: 1 } })).status).toBe(404);
  });
});
