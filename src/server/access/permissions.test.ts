import { describe, expect, it } from 'vitest';
import { ROLES } from '../../identity/roles.js';
import { accessOf, decide, groupOf, neededAccess, PERMISSIONS } from './permissions.js';
import { effectivePermissions } from './whoami.js';

describe('the permission table', () => {
  it('has one row per group, and the admin has write on every row', () => {
    expect(new Set(PERMISSIONS.map((g) => g.path)).size).toBe(PERMISSIONS.length);
    for (const g of PERMISSIONS) if (g.path !== 'whoami' && g.path !== 'events') expect(accessOf('admin', g), g.path).toBe('write');
  });

  it('finds the longest whole-segment group of a path', () => {
    expect(groupOf('/api/audit/events')?.path).toBe('audit/events');
    expect(groupOf('/api/audit/records/:id')?.path).toBe('audit');
    expect(groupOf('/api/usage/export')?.path).toBe('usage');
    expect(groupOf('/api/spec-ops/plan')?.path).toBe('spec-ops');
    expect(groupOf('/api/spec')?.path).toBe('spec');
    expect(groupOf('/api/budgets/sweep')?.path).toBe('budgets/sweep');
    expect(groupOf('/api/specx')).toBeUndefined();
    expect(groupOf('/v1/chat/completions')).toBeUndefined();
  });

  it('counts GET and the listed computing POSTs as reads, every other method as a write', () => {
    const cost = groupOf('/api/cost')!;
    expect(neededAccess(cost, 'GET', '/api/cost/report')).toBe('read');
    expect(neededAccess(cost, 'POST', '/api/cost/advice')).toBe('read');
    expect(neededAccess(groupOf('/api/keys')!, 'DELETE', '/api/keys/k1')).toBe('write');
    expect(neededAccess(groupOf('/api/spec-ops')!, 'POST', '/api/spec-ops/apply')).toBe('write');
  });

  it('decides by role, then by scope', () => {
    expect(decide({ role: 'operator' }, 'POST', '/api/suspensions').ok).toBe(true);
    expect(decide({ role: 'auditor' }, 'POST', '/api/suspensions')).toMatchObject({ ok: false, reason: 'role' });
    expect(decide({ role: 'auditor' }, 'GET', '/api/suspensions').ok).toBe(true);
    expect(decide({ role: 'approver' }, 'POST', '/api/approvals/a1/approve').ok).toBe(true);
    expect(decide({ role: 'approver' }, 'GET', '/api/usage')).toMatchObject({ ok: false, reason: 'role' });
    expect(decide({ role: 'agent' }, 'POST', '/api/audit/events').ok).toBe(true);
    expect(decide({ role: 'agent' }, 'POST', '/api/feedback').ok).toBe(true);
    expect(decide({ role: 'agent' }, 'GET', '/api/budgets').ok).toBe(true);
    expect(decide({ role: 'agent' }, 'GET', '/api/audit')).toMatchObject({ ok: false, reason: 'role' });
    expect(decide({ role: 'operator' }, 'POST', '/api/keys')).toMatchObject({ ok: false, reason: 'role' });
    // node-wide groups need a global key, whatever the role
    expect(decide({ role: 'admin' }, 'GET', '/api/spec')).toMatchObject({ ok: false, reason: 'scope' });
    expect(decide({ role: 'admin', allTenants: true }, 'POST', '/api/spec-ops/apply').ok).toBe(true);
    expect(decide({ role: 'operator', allTenants: true }, 'POST', '/api/spec-ops/apply')).toMatchObject({ ok: false, reason: 'role' });
    expect(decide({ role: 'operator', allTenants: true }, 'POST', '/api/rollouts').ok).toBe(true);
    expect(decide({ role: 'operator' }, 'GET', '/api/providers').ok).toBe(true);
    expect(decide({ role: 'operator' }, 'GET', '/api/events')).toMatchObject({ ok: false, reason: 'scope' });
  });

  it('lets only the global admin call a route missing from the table', () => {
    expect(decide({ role: 'admin', allTenants: true }, 'GET', '/api/not-in-table').ok).toBe(true);
    for (const role of ROLES) expect(decide({ role }, 'GET', '/api/not-in-table')).toMatchObject({ ok: false, reason: 'unlisted' });
  });

  it('names the roles that may do what was refused', () => {
    const d = decide({ role: 'auditor' }, 'POST', '/api/approvals/a1/approve');
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.message).toMatch(/role 'auditor' has read-only access to approvals .* which admin, approver have/);
  });

  it('reports effective permissions with the scope applied', () => {
    expect(effectivePermissions({ role: 'operator' })).toMatchObject({ usage: 'read', suspensions: 'write', rollouts: 'none', providers: 'read', events: 'none' });
    expect(effectivePermissions({ role: 'operator', allTenants: true })).toMatchObject({ rollouts: 'write', events: 'read' });
    expect(effectivePermissions({ role: 'approver' })).toMatchObject({ approvals: 'write', usage: 'none', whoami: 'read' });
  });
});
