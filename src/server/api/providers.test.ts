import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../../test/support/in-process-daca.js';
import type { RunningDaca } from '../serve.js';

const SPEC = `
providers:
  sim: { kind: sim }
  backup: { kind: sim }
models:
  flaky: { provider: sim, circuit_breaker: { consecutive_failures: 2, half_open_after_ms: 60000 }, fallbacks: [steady] }
  steady: { provider: backup }
`;

let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(SPEC);
});
afterAll(() => daca.close());

const providers = async () =>
  ((await (await fetch(`${daca.url}/api/providers`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json()) as {
    data: { name: string; kind: string; status: string; upstreams: Record<string, unknown>[] }[];
  }).data;

describe('GET /api/providers', () => {
  it('reports breaker state, recent error rate and last error per upstream', async () => {
    expect(await providers()).toEqual([
      { name: 'sim', kind: 'sim', status: 'up', upstreams: [expect.objectContaining({ upstream: 'flaky', models: ['flaky'], breaker: 'closed', requests: 0, error_rate: 0, last_error: null })] },
      { name: 'backup', kind: 'sim', status: 'up', upstreams: [expect.objectContaining({ upstream: 'steady', breaker: 'none' })] },
    ]);
    const caller = daca.services.engines.resilience; // the caller the gateway and the API share
    const sims = daca.services.providers;
    const run = () =>
      caller.run('flaky', (m, signal) => sims.get(m.provider)!.chat({ model: m.upstream, messages: [{ role: 'user', content: 'hi [sim:fail=503]' }] }, { signal, requestId: 'r' }));
    // The marker fails every model, so the fallback fails too; after two tries flaky's circuit opens.
    for (let i = 0; i < 2; i++) await expect(run()).rejects.toMatchObject({ status: 502 });
    await expect(run()).rejects.toMatchObject({ status: 502 });
    const [sim, backup] = await providers();
    expect(sim).toMatchObject({ status: 'down', upstreams: [{ breaker: 'open', requests: 2, failures: 2, error_rate: 1, last_error: { code: 'upstream_error', message: expect.stringContaining('503') } }] });
    expect(backup).toMatchObject({ status: 'up', upstreams: [{ breaker: 'none', requests: 3, failures: 3 }] });
  });
});
