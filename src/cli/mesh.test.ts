import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import type { RunningDaca } from '../server/serve.js';
import { meshTestSpec } from '../mesh/testing/mesh-spec-fixture.js';
import { startSimAgent, type RunningSimAgent } from '../mesh/sim/sim-agent.js';
import { registerMesh } from './mesh.js';

let daca: RunningDaca;
let partner: RunningSimAgent;
let vault: RunningSimAgent;
beforeAll(async () => {
  daca = await startTestDaca(meshTestSpec());
  partner = await startSimAgent({ name: 'partner' });
  vault = await startSimAgent({ name: 'vault', token: 'vault-token-0123456789' });
});
afterAll(async () => {
  await daca.close();
  await partner.close();
  await vault.close();
});

async function cli(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerMesh(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'daca', 'mesh', ...args, '--url', daca.url, '--admin-key', TEST_ADMIN_KEY]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('daca mesh', () => {
  it('ls lists agents and instances, filtered by skill', async () => {
    const all = await cli('ls');
    expect(all).toMatch(/assistant/);
    expect(all).toMatch(/seller/);
    const quote = JSON.parse(await cli('ls', '--skill', 'quote', '--json')) as { agents: { agent: string }[] };
    expect(quote.agents.map((a) => a.agent)).toEqual(['seller']);
  });

  it('route shows where a need goes, with its reason; decisions lists it', async () => {
    const d = JSON.parse(await cli('route', 'price', 'of', 'the', 'blue', 'kettle', '--json')) as { routedTo: string; reason: string };
    expect(d.routedTo).toBe('seller/quote');
    expect(d.reason).toMatch(/seller\/quote/);
    expect(await cli('decisions')).toMatch(/seller\/quote/);
  });

  it('add registers an agent by URL; rm removes it', async () => {
    await cli('add', 'partner', partner.url);
    const ls = () => cli('ls', '--json').then((o) => (JSON.parse(o) as { agents: { agent: string }[] }).agents.map((a) => a.agent));
    expect(await ls()).toContain('partner');
    await expect(cli('rm', 'partner', 'http://127.0.0.1:9/')).rejects.toThrow(/no agent 'partner' registered through the API at/);
    const rm = JSON.parse(await cli('rm', 'partner', partner.url, '--json')) as { removed: { name: string; url: string }[] };
    expect(rm.removed).toEqual([{ name: 'partner', url: partner.url, tenant: 'default' }]);
    expect(await ls()).not.toContain('partner');
  });

  it('add --tenant --header-env registers an agent that needs a credential, read from the environment', async () => {
    await expect(cli('add', 'vault', vault.url, '--header-env', 'authorization=DACA_TEST_UNSET_VAR')).rejects.toThrow(/DACA_TEST_UNSET_VAR is not set/);
    await expect(cli('add', 'vault', vault.url, '--header-env', 'authorization')).rejects.toThrow(/expected header=ENV_VAR/);
    process.env.DACA_TEST_VAULT_AUTH = 'Bearer vault-token-0123456789';
    try {
      const r = JSON.parse(await cli('add', 'vault', vault.url, '--tenant', 'acme', '--header-env', 'authorization=DACA_TEST_VAULT_AUTH', '--json')) as { registered: { agent: string; tenant: string; instances: { headers?: Record<string, string> }[] } };
      expect(r.registered).toMatchObject({ agent: 'vault', tenant: 'acme' });
      expect(JSON.stringify(r)).not.toContain('vault-token-0123456789');
    } finally {
      delete process.env.DACA_TEST_VAULT_AUTH;
    }
    await cli('rm', 'vault');
  });
});
