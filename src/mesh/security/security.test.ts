import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../errors.js';
import { MeshTokens } from './agent-token.js';
import { CallPolicy } from './call-policy.js';

describe('mesh tokens', () => {
  let now = 1_700_000_000_000;
  const tokens = new MeshTokens('secret-a', () => now, 60);
  it('verifies a token for its audience only, until it expires', () => {
    const t = tokens.sign({ sub: 'buyer', ten: 'acme', aud: 'seller' });
    expect(tokens.verify(t, 'seller')).toMatchObject({ sub: 'buyer', ten: 'acme' });
    expect(tokens.verify(t, 'bank')).toBeNull();
    now += 61_000;
    expect(tokens.verify(t, 'seller')).toBeNull();
  });
  it('refuses a forged or re-signed token', () => {
    const t = new MeshTokens('secret-b', () => now).sign({ sub: 'buyer', ten: 'acme', aud: 'seller' });
    expect(tokens.verify(t, 'seller')).toBeNull();
    const good = tokens.sign({ sub: 'buyer', ten: 'acme', aud: 'seller' });
    const [p, payload, sig] = [good.slice(0, 5), good.slice(5, good.lastIndexOf('.')), good.slice(good.lastIndexOf('.') + 1)];
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ten: 'globex' })).toString('base64url');
    expect(tokens.verify(`${p}${tampered}.${sig}`, 'seller')).toBeNull();
  });
});

describe('call policy', () => {
  const policy = new CallPolicy({ policies: [{ callers: ['buyer'], skills: ['seller/quote'] }, { callers: ['*'], skills: ['helpdesk'] }] });
  const acme = (type: string) => ({ type, tenant: 'acme' });
  it('allows what a rule names and refuses the rest', () => {
    expect(policy.refusal(acme('buyer'), { agent: 'seller', skill: 'quote', tenant: 'acme' })).toBeNull();
    expect(policy.refusal(acme('buyer'), { agent: 'seller', skill: 'refund', tenant: 'acme' })).toMatch(/may not call skill 'seller\/refund'/);
    expect(policy.refusal(acme('buyer'), { agent: 'seller', skill: null, tenant: 'acme' })).toMatch(/may not call agent 'seller'/);
    expect(policy.refusal(acme('anyone'), { agent: 'helpdesk', skill: null, tenant: 'acme' })).toBeNull();
    expect(() => policy.check(acme('intruder'), { agent: 'seller', skill: 'quote', tenant: 'acme' })).toThrow(ForbiddenError);
  });
  it('refuses calls across tenants, even when a rule would allow them', () => {
    expect(policy.refusal({ type: 'buyer', tenant: 'globex' }, { agent: 'seller', skill: 'quote', tenant: 'acme' })).toMatch(/another tenant/);
    expect(new CallPolicy({ policies: [] }).refusal({ type: 'x', tenant: 'globex' }, { agent: 'seller', skill: null, tenant: 'acme' })).toMatch(/another tenant/);
  });
  it('lets every tenant call the shared tenant\'s platform agents, unless sharing is off', () => {
    expect(new CallPolicy({ policies: [], shared_tenant: 'default' }).refusal({ type: 'x', tenant: 'globex' }, { agent: 'assistant', skill: null, tenant: 'default' })).toBeNull();
    expect(new CallPolicy({ policies: [], shared_tenant: null }).refusal({ type: 'x', tenant: 'globex' }, { agent: 'assistant', skill: null, tenant: 'default' })).toMatch(/another tenant/);
  });
});
