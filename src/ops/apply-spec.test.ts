import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import { applySpecText } from './apply-spec.js';
import { listSpecVersions, readSpecVersion } from './spec-versions.js';

const v1 = `version: 1
providers:
  sim: { kind: sim }
models:
  small: { provider: sim }
budgets:
  - { scope: tenant, tenant: default, limit_usd: 10 }
`;

describe('applySpecText', () => {
  it('keeps versions, applies only changes, and a failing apply leaves the old version in force', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'daca-apply-'));
    const a = await applySpecText(v1, { dataDir, source: 'daca.yaml' });
    expect(a.version?.version).toBe(1);
    expect((await applySpecText(v1, { dataDir, source: 'daca.yaml' })).version).toBeNull();
    const v2 = v1.replace('limit_usd: 10', 'limit_usd: 4');
    const b = await applySpecText(v2, { dataDir, source: 'daca.yaml' });
    expect(b.version?.version).toBe(2);
    expect(b.plan.changes.map((c) => [c.op, c.section, c.fields[0]?.path, c.fields[0]?.to])).toEqual([['change', 'budgets', 'limit_usd', 4]]);
    // An invalid provider: nothing is kept, the previous version stays in force.
    const bad = v2.replace('sim: { kind: sim }', 'sim: { kind: sim }\n  broken: { kind: openai, base_url: "not a url" }');
    await expect(applySpecText(bad, { dataDir, source: 'daca.yaml' })).rejects.toBeInstanceOf(SpecError);
    const vs = await listSpecVersions(dataDir);
    expect(vs.map((v) => v.version)).toEqual([1, 2]);
    expect(await readSpecVersion(dataDir, 2)).toBe(v2);
    const r = await applySpecText(await readSpecVersion(dataDir, 1), { dataDir, source: 'version 1', rollbackOf: 1 });
    expect(r.version).toMatchObject({ version: 3, rollbackOf: 1 });
    expect(r.plan.changes[0]?.fields[0]).toEqual({ path: 'limit_usd', from: 4, to: 10 });
  });
});
