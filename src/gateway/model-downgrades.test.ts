import { describe, expect, it } from 'vitest';
import { ModelDowngrades, modelDowngradesOf } from './model-downgrades.js';

const who = (tenant: string, team: string, agent: string) => ({ tenant, team, agent });

describe('ModelDowngrades', () => {
  it('matches calls whose attribution has every field of the scope, oldest downgrade first', () => {
    const d = new ModelDowngrades();
    expect(d.match(who('acme', 'ops', 'writer'))).toBeNull();
    d.set({ owner: 'ops', scope: { tenant: 'acme', team: 'ops' }, to: 'small', reason: 'r1', since: 1 });
    d.set({ owner: 'all', scope: {}, to: 'tiny', reason: 'r2', since: 2 });
    expect(d.match(who('acme', 'ops', 'writer'))?.to).toBe('small');
    expect(d.match(who('acme', 'sales', 'writer'))?.to).toBe('tiny');
    expect(d.clear('all')).toBe(true);
    expect(d.match(who('acme', 'sales', 'writer'))).toBeNull();
    expect(d.match(who('globex', 'ops', 'writer'))).toBeNull(); // same team name, other tenant
    expect(d.clear('all')).toBe(false);
    d.set({ owner: 'ops', scope: { agent: 'writer' }, to: 'mini', reason: 'r3', since: 3 }); // replaces the owner's
    expect(d.list()).toEqual([{ owner: 'ops', scope: { agent: 'writer' }, to: 'mini', reason: 'r3', since: 3 }]);
  });

  it('is one per node store', () => {
    const store = {};
    expect(modelDowngradesOf({ store })).toBe(modelDowngradesOf({ store }));
    expect(modelDowngradesOf({ store })).not.toBe(modelDowngradesOf({ store: {} }));
  });
});
