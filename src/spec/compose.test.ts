import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import { loadSpecFile, parseSpecText } from './loader.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'daca-compose-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function issuesOf(path: string): Promise<string[]> {
  try {
    await loadSpecFile(path, {});
  } catch (e) {
    if (e instanceof SpecError) return e.issues.map((i) => `${i.file.slice(i.file.lastIndexOf('/') + 1)}:${i.line} ${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a SpecError');
}

const root = `version: 1
include: [teams/*.yaml]
providers:
  sim: { kind: sim }
models:
  small: { provider: sim }
tenants: { acme: { name: Acme } }
budgets:
  - { scope: tenant, tenant: acme, limit_usd: 100 }
`;
const billing = `teams: { billing: { tenant: acme } }
agents:
  invoicer: { team: billing }
budgets:
  - { scope: team, team: billing, limit_usd: 10 }
`;
const support = `teams: { support: { tenant: acme } }
agents:
  triage: { team: support }
keys:
  triage: { value: "\${TRIAGE_KEY:-sk-triage-0123456789abcdef}", agent: triage }
alerts:
  interval: 5000
`;

describe('split specs (include)', () => {
  it('merges the files a glob names: entries by key, lists concatenated, settings by field', async () => {
    const dir = tree({ 'daca.yaml': root, 'teams/billing.yaml': billing, 'teams/support.yaml': support });
    const l = await loadSpecFile(join(dir, 'daca.yaml'), {});
    expect(Object.keys(l.spec.agents).sort()).toEqual(['invoicer', 'triage']);
    expect(Object.keys(l.spec.teams).sort()).toEqual(['billing', 'support']);
    expect(l.spec.budgets.map((b) => b.limit_usd)).toEqual([100, 10]);
    expect(l.spec.alerts.interval).toBe(5000);
    expect(l.files?.map((f) => f.slice(dir.length + 1))).toEqual(['daca.yaml', 'teams/billing.yaml', 'teams/support.yaml']);
    // The composed text is a spec on its own (no include), with ${VAR} references kept.
    expect(l.composedText).toContain('${TRIAGE_KEY:-sk-triage-0123456789abcdef}');
    expect(parseSpecText(l.composedText!, 'version 1', {}).hash).toBe(l.hash);
  });

  it('a folder includes every *.yaml in it, and composing is order-independent of the files’ formatting', async () => {
    const dir = tree({ 'daca.yaml': root.replace('[teams/*.yaml]', 'teams'), 'teams/billing.yaml': billing, 'teams/support.yaml': support, 'teams/notes.txt': 'not yaml' });
    const dir2 = tree({ 'daca.yaml': root, 'teams/billing.yaml': billing, 'teams/support.yaml': support });
    expect((await loadSpecFile(join(dir, 'daca.yaml'), {})).hash).toBe((await loadSpecFile(join(dir2, 'daca.yaml'), {})).hash);
  });

  it('an agent defined in two files is an error naming both files and lines', async () => {
    const dir = tree({ 'daca.yaml': root, 'teams/billing.yaml': billing, 'teams/support.yaml': support.replace('triage: { team: support }', 'triage: { team: support }\n  invoicer: { team: support }') });
    expect(await issuesOf(join(dir, 'daca.yaml'))).toEqual([
      `support.yaml:4 agents.invoicer: agents.invoicer is also defined in ${join(dir, 'teams/billing.yaml')}:3; an entry may be defined in one file only`,
    ]);
  });

  it('a setting given two different values is an error naming both files', async () => {
    const dir = tree({ 'daca.yaml': root + 'alerts:\n  interval: 1000\n', 'teams/billing.yaml': billing, 'teams/support.yaml': support });
    const [issue] = await issuesOf(join(dir, 'daca.yaml'));
    expect(issue).toBe(`support.yaml:7 alerts.interval: alerts.interval is set to 5000 here and to 1000 in ${join(dir, 'daca.yaml')}:11; set it in one file only`);
  });

  it('validation problems point at the included file and line', async () => {
    const bad = billing.replace('invoicer: { team: billing }', 'invoicer: { team: billing }\n  ghost: { team: nowhere, colour: red }').replace('limit_usd: 10', 'limit_usd: lots');
    const dir = tree({ 'daca.yaml': root, 'teams/billing.yaml': bad, 'teams/support.yaml': support });
    const issues = await issuesOf(join(dir, 'daca.yaml'));
    expect(issues).toContainEqual(expect.stringMatching(/^billing\.yaml:4 agents\.ghost\.colour: unknown field 'colour'/));
    expect(issues).toContainEqual(expect.stringMatching(/^billing\.yaml:6 budgets\[0\]\.limit_usd: expected a number/));
    // Cross-references are checked once the shapes are right: the agent's file and line.
    const dir2 = tree({ 'daca.yaml': root, 'teams/billing.yaml': billing.replace('invoicer: { team: billing }', 'invoicer: { team: billing }\n  ghost: { team: nowhere }'), 'teams/support.yaml': support });
    expect(await issuesOf(join(dir2, 'daca.yaml'))).toEqual(["billing.yaml:4 agents.ghost.team: unknown team 'nowhere'"]);
  });

  it('an include that names nothing, or a cycle, is an error at the include line', async () => {
    const dir = tree({ 'daca.yaml': root.replace('teams/*.yaml', 'team/*.yaml') });
    expect((await issuesOf(join(dir, 'daca.yaml')))[0]).toMatch(/^daca\.yaml:2 include\[0\]: include 'team\/\*\.yaml': folder .* not found/);
    const cyc = tree({ 'daca.yaml': root.replace('[teams/*.yaml]', '[a.yaml]'), 'a.yaml': 'include: daca.yaml\n' });
    expect((await issuesOf(join(cyc, 'daca.yaml')))[0]).toMatch(/^a\.yaml:1 include: include cycle or repeat: .*daca\.yaml/);
  });
});
