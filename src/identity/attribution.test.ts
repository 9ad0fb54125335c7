import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidRequestError } from '../errors.js';
import { attribute, DEFAULT_AGENT, parseTags } from './attribution.js';
import type { Principal } from './principal.js';

const unbound: Principal = { keyId: 'k1', role: 'agent', tenant: 'acme', team: 'support', agent: null, models: null, dev: false };
const bound: Principal = { ...unbound, keyId: 'k2', agent: 'triage' };

describe('attribution', () => {
  it('takes agent, session and tags from headers', () => {
    expect(attribute(unbound, { agentHeader: 'bot', sessionHeader: 's1', tagsHeader: 'customer=globex, order=42' })).toEqual({
      tenant: 'acme', team: 'support', agent: 'bot', session: 's1', tags: { customer: 'globex', order: '42' },
    });
  });

  it('falls back to body metadata and the user field', () => {
    const a = attribute(unbound, { metadata: { agent: 'meta-bot', session: 'm1', customer: 'initech', n: 3 }, user: 'u9' });
    expect(a).toMatchObject({ agent: 'meta-bot', session: 'm1', tags: { customer: 'initech' } });
    expect(attribute(unbound, { user: 'u9' })).toMatchObject({ agent: DEFAULT_AGENT, session: 'u9' });
    expect(attribute(unbound, { metadata: { user_id: 'anthropic-user' } }).session).toBe('anthropic-user');
  });

  it('headers win over metadata; header tags override metadata tags', () => {
    const a = attribute(unbound, { agentHeader: 'h', metadata: { agent: 'm', customer: 'a' }, tagsHeader: 'customer=b' });
    expect(a.agent).toBe('h');
    expect(a.tags.customer).toBe('b');
  });

  it('a key bound to an agent runs as that agent and cannot claim another', () => {
    expect(attribute(bound, {}).agent).toBe('triage');
    expect(attribute(bound, { agentHeader: 'triage' }).agent).toBe('triage');
    expect(() => attribute(bound, { agentHeader: 'billing' })).toThrow(ForbiddenError);
    expect(() => attribute(bound, { metadata: { agent: 'billing' } })).toThrow(ForbiddenError);
  });

  it('rejects malformed names and tags with a message that says what to fix', () => {
    expect(() => attribute(unbound, { agentHeader: 'bad name!' })).toThrow(/not a valid name/);
    expect(() => parseTags('novalue')).toThrow(InvalidRequestError);
    expect(() => parseTags('k=')).toThrow(/k=v pairs/);
    expect(parseTags(' a=1 ,, b=2 ')).toEqual({ a: '1', b: '2' });
  });
});
