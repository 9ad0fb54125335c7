/**
 * `GET /api/alerts` through the real HTTP server with a rule from the spec.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type TestFleet } from '../../telemetry/analytics/test-fleet.js';

let f: TestFleet;

beforeAll(async () => {
  f = await startFleet('alerts:\n  webhooks: { ops: { url: "http://127.0.0.1:9/hook", secret: supersecret-123 } }\n  rules:\n    - { name: busy, expr: "agent.requests >= 2 over 1h", severity: info, notify: [] }\n');
  for (let i = 0; i < 2; i++) expect((await f.chat('a1', null, 10)).status).toBe(200);
  expect((await f.chat('a2', null, 10)).status).toBe(200);
});
afterAll(() => f?.close());

describe('GET /api/alerts', () => {
  it('lists firing and resolved alerts', async () => {
    await f.daca.services.observability.alerts.evaluate();
    const firing = await f.api<{ data: Record<string, unknown>[] }>('/api/alerts?state=firing');
    expect(firing.status).toBe(200);
    expect(firing.body.data).toEqual([
      expect.objectContaining({ rule: 'busy', severity: 'info', state: 'firing', subject: { kind: 'agent', id: 'a1' }, value: 2, threshold: 2, resolved_at: null, deliveries: [] }),
    ]);
    expect((await f.api<{ data: unknown[] }>('/api/alerts?state=resolved')).body.data).toEqual([]);
    expect((await f.api<{ data: unknown[] }>('/api/alerts')).body.data).toHaveLength(1);
    expect((await f.api('/api/alerts?state=open')).status).toBe(400);
  });

  it('redacts webhook secrets from /api/spec', async () => {
    const r = await f.api<{ spec: { alerts: unknown } }>('/api/spec');
    expect(r.status).toBe(200);
    expect(r.body.spec.alerts).toMatchObject({ rules: [expect.objectContaining({ name: 'busy' })], webhooks: { ops: { secret: '***' } } });
    expect(JSON.stringify(r.body)).not.toContain('supersecret-123');
  });
});
