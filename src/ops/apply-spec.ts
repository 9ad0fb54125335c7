/**
 * Applying a spec, all or nothing: validate it, plan it against the last applied version,
 * preflight the parts that can fail to start (providers are built and closed again), and only
 * then keep it as the next version. Any failure leaves the previous version in force.
 */
import { readFile } from 'node:fs/promises';
import { createProviders } from '../providers/registry.js';
import { parseSpecText, specText } from '../spec/loader.js';
import { SpecError } from '../errors.js';
import { lastAppliedBase } from './plan-source.js';
import { planSpecChange, type SpecPlan } from './spec-diff.js';
import { recordSpecVersion, type SpecVersion } from './spec-versions.js';

/** The outcome of an apply. */
export interface ApplyResult {
  plan: SpecPlan;
  /** The kept version; null when there was nothing to change. */
  version: SpecVersion | null;
}

/** Options of {@link applySpecText}. */
export interface ApplyOptions {
  dataDir: string;
  /** Where the text came from (file path). */
  source: string;
  /** Set when restoring an earlier version. */
  rollbackOf?: number;
  now?: () => number;
}

/**
 * Applies spec text. @throws {SpecError} when it is invalid or a part cannot start (nothing changes then).
 * @example
 * ```ts
 * const { plan, version } = await applySpecText(await readFile('daca.yaml', 'utf8'), { dataDir: '.daca', source: 'daca.yaml' });
 * ```
 */
export async function applySpecText(text: string, opts: ApplyOptions): Promise<ApplyResult> {
  const next = parseSpecText(text, opts.source, process.env);
  const base = await lastAppliedBase(opts.dataDir);
  const plan = planSpecChange(base.spec, next.spec);
  if (!plan.changes.length && !opts.rollbackOf) return { plan, version: null };
  // Preflight: every provider must start; all are closed again whatever happens.
  let started: Awaited<ReturnType<typeof createProviders>> | null = null;
  try {
    started = createProviders(next.spec);
  } catch (e) {
    throw new SpecError([{ file: opts.source, line: 1, column: 1, path: 'providers', message: `a provider cannot start: ${e instanceof Error ? e.message : String(e)}; the previous spec stays in force` }]);
  } finally {
    for (const p of started?.values() ?? []) await p.close?.().catch(() => {});
  }
  const c = plan.counts;
  const version = await recordSpecVersion(opts.dataDir, specText(next, text), {
    hash: next.hash, source: opts.source, summary: `${c.add} to add, ${c.change} to change, ${c.remove} to remove`,
    ...(opts.rollbackOf ? { rollbackOf: opts.rollbackOf } : {}), ...(opts.now ? { appliedAt: opts.now() } : {}),
  });
  return { plan, version };
}

/** A spec file's text, composed into one document when it includes other files (what a node is sent). */
export async function readSpecSource(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  return specText(parseSpecText(text, path, process.env), text);
}

/** {@link applySpecText} on a file. */
export async function applySpecFile(path: string, opts: Omit<ApplyOptions, 'source'>): Promise<ApplyResult> {
  return applySpecText(await readFile(path, 'utf8'), { ...opts, source: path });
}
