/**
 * `daca demo marketplace --days N` and `daca demo support --days N`: the autonomous weeks of
 * src/ops/week/ on the injected clock, with their fault schedules. Progress lines go to stderr;
 * the report's path and a summary (or `--json` figures) to stdout.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { WeekResult } from '../ops/week/week-result.js';
import { CliError } from './admin-client.js';

/** Flags of a week demo (strings as commander gives them). */
export interface WeekDemoFlags {
  days: string;
  seed: string;
  out: string;
  peak?: string;
  buyers?: string;
  demand?: string | undefined;
  spec?: string | undefined;
  quiet?: boolean | undefined;
  json?: boolean | undefined;
}

const int = (v: string, name: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`--${name} must be an integer from ${min} to ${max}, got '${v}'`);
  return n;
};

/** The summary printed after a week: the report's path, the figures, the actions and the incidents. */
export function formatWeekSummary(kind: string, r: WeekResult<object>): string {
  const lines = [`${kind} week: ${r.actions.length} automatic actions, ${r.incidents.length} incidents`];
  for (const [k, v] of Object.entries(r.figures)) lines.push(`  ${k.padEnd(24)} ${String(v)}`);
  const byKind = new Map<string, number>();
  for (const a of r.actions) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
  lines.push(`  actions: ${[...byKind].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  for (const i of r.incidents) lines.push(`  incident: ${i.kind}: ${i.detail}; ${i.resolution} (recovered in ${i.recoveryS} s)`);
  lines.push(`report: ${r.report}`);
  return lines.join('\n');
}

/** Runs a week demo and prints its summary. */
export async function runWeekDemo(kind: 'marketplace' | 'support', f: WeekDemoFlags): Promise<void> {
  const days = int(f.days, 'days', 1, 31);
  const seed = int(f.seed, 'seed', 0, 2 ** 31);
  const out = resolve(f.out);
  const specText = f.spec ? await readFile(f.spec, 'utf8').catch((e: unknown) => { throw new CliError(`cannot read --spec ${f.spec}: ${(e as Error).message}`); }) : undefined;
  const log = (line: string): void => void (f.quiet || f.json ? undefined : process.stderr.write(line + '\n'));
  process.stderr.write(`${kind} week: ${days} simulated days on the injected clock, with faults (this takes a while)\n`);
  let r: WeekResult<object>;
  if (kind === 'support') {
    const { runSupportWeek } = await import('../ops/week/support-week.js');
    r = await runSupportWeek({ days, seed, out, log, peak: int(f.peak ?? '40', 'peak', 1, 10_000), ...(specText ? { specText } : {}) });
  } else {
    const { runMarketplaceWeek } = await import('../ops/week/marketplace-week.js');
    const buyers = int(f.buyers ?? '400', 'buyers', 1, 100_000);
    r = await runMarketplaceWeek({ days, seed, out, log, buyers, demand: f.demand === undefined ? 800 : int(f.demand, 'demand', 1, 1_000_000), ...(specText ? { specText } : {}) });
  }
  process.stdout.write(f.json ? JSON.stringify({ ...r.figures, report: r.report }, null, 2) + '\n' : formatWeekSummary(kind, r) + '\n');
}
