/**
 * `daca demo support --days 1` through the built CLI: a simulated day of the support desk on the
 * injected clock with its faults, kept by the goal controller from the spec's goals, writes the
 * HTML report and prints its path and figures; bad flags get a clear error.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDaca } from './support/daca-process.js';

describe('daca demo support', () => {
  it('runs a simulated day and writes the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'daca-demo-support-'));
    const r = await runDaca(['demo', 'support', '--days', '1', '--out', out, '--json'], { env: { DACA_LOG_LEVEL: 'silent' } });
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout) as Record<string, number | boolean | string>;
    expect(f).toMatchObject({ sim_days: 1, human_interventions: 0, audit_verified: true, days_over_spend_target: 0 });
    expect(f.tickets).toBeGreaterThan(100);
    expect(f.resolved as number).toBeGreaterThan((f.tickets as number) * 0.9);
    expect(f.satisfaction).toBeGreaterThanOrEqual(0.95);
    expect(f.resolution_p95_s).toBeLessThanOrEqual(7200);
    const report = f.report as string;
    expect(report.startsWith(out)).toBe(true);
    expect(existsSync(report)).toBe(true);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain("daca: the support desk's autonomous week (1 simulated days)");
    expect(html).toMatch(/<td>spawn<\/td><td>support-agent<\/td><td>spawned \d+ support agents \(\d+ → \d+\): queue depth \d+ and \d+ tickets\/h forecast against \d+ tickets\/h of capacity<\/td>/);
    expect(html).toContain('agent crashes'); // the day's fault: agents crash and are respawned
  });

  it('rejects bad flags with what to fix', async () => {
    const r = await runDaca(['demo', 'support', '--days', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--days must be an integer from 1 to 31, got '0'");
  });
});
