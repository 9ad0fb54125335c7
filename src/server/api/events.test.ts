/**
 * `GET /api/events` (SSE) through the real HTTP server: auth by header or `?key=`, events as
 * they are published (anomalies from a real detection run), and clean-up when the client leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type TestFleet } from '../../telemetry/analytics/test-fleet.js';

let f: TestFleet;

beforeAll(async () => {
  f = await startFleet();
});
afterAll(() => f?.close());

/** Reads SSE frames from a response until `n` events arrived. */
async function readEvents(res: Response, n: number): Promise<{ event: string; data: unknown }[]> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const out: { event: string; data: unknown }[] = [];
  while (out.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const frame = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (ev && data) out.push({ event: ev, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return out;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('GET /api/events', () => {
  it('needs an admin key, by header or ?key=', async () => {
    expect((await fetch(`${f.url}/api/events`)).status).toBe(401);
    expect((await fetch(`${f.url}/api/events?key=wrong-key-0000000000`)).status).toBe(401);
    expect((await fetch(`${f.url}/api/events?key=${f.key}`)).status).toBe(403);
  });

  it('streams published events and anomalies from a detection run, and unsubscribes on disconnect', async () => {
    const hub = f.daca.services.observability.hub;
    // Only the manual usage event and anomalies: real traffic also publishes usage events (covered below).
    const res = await fetch(`${f.url}/api/events?types=anomaly,manual&key=${encodeURIComponent(f.adminKey)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await until(() => hub.subscribers === 1);
    expect(hub.subscribers).toBe(1);
    const reading = readEvents(res, 2);
    hub.publish('manual', { id: 'req_1', agent: 'a1' });
    // Real traffic and a real detection run publish an anomaly.
    const calls: Promise<Response>[] = [];
    for (let i = 1; i <= 5; i++) for (let s = 0; s < 3; s++) calls.push(f.chat(`a${i}`, `e-${i}-${s}`, i === 3 ? 400 : 100));
    await Promise.all(calls);
    await f.daca.services.observability.anomalies.tick();
    const got = await reading;
    expect(got[0]).toEqual({ event: 'manual', data: { id: 'req_1', agent: 'a1' } });
    expect(got[1]).toMatchObject({ event: 'anomaly', data: { agent: 'a3', metric: 'tokens_per_session', active: true } });
    await until(() => hub.subscribers === 0);
    expect(hub.subscribers).toBe(0);
  });

  it('filters by ?types= and accepts the Authorization header', async () => {
    const hub = f.daca.services.observability.hub;
    const res = await fetch(`${f.url}/api/events?types=alert`, { headers: { authorization: `Bearer ${f.adminKey}` } });
    expect(res.status).toBe(200);
    await until(() => hub.subscribers === 1);
    const reading = readEvents(res, 1);
    hub.publish('usage', { skipped: true });
    hub.publish('alert', { rule: 'r' });
    expect(await reading).toEqual([{ event: 'alert', data: { rule: 'r' } }]);
  });

  it('publishes a usage event for every gateway call', async () => {
    const hub = f.daca.services.observability.hub;
    const res = await fetch(`${f.url}/api/events?types=usage`, { headers: { authorization: `Bearer ${f.adminKey}` } });
    await until(() => hub.subscribers === 1);
    const reading = readEvents(res, 1);
    const r = await f.chat('a7', 'usage-live', 50);
    const got = await reading;
    expect(got[0]).toMatchObject({ event: 'usage', data: { id: r.headers.get('x-daca-request-id'), agent: 'a7', status: 200 } });
  });
});
