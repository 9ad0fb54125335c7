/**
 * `daca validate`: load a spec and summarise it, or list every problem.
 */
import { isDacaError, SpecError } from '../errors.js';
import { loadDefaultSpec } from './default-spec.js';
import { loadSpecFile, type LoadedSpec } from './loader.js';
import { compileModelCatalog } from './resolve.js';
import type { SpecEnv } from './interpolate.js';

/** What a valid spec contains. */
export interface SpecSummary {
  /** File path or `(embedded default)`. */
  source: string;
  /** sha256 of the canonical spec. */
  hash: string;
  counts: { providers: number; models: number; aliases: number; tenants: number; teams: number; agents: number; keys: number };
  /** Non-fatal findings, e.g. models without a known price (their cost will be recorded as 0). */
  warnings: string[];
}

/** Result of {@link validateSpec}. */
export type ValidateResult = { ok: true; summary: SpecSummary } | { ok: false; errors: string[] };

/**
 * Validates the spec at `path` (the embedded default when omitted). Never throws for a bad spec:
 * each error is one line `file:line:column path: message`.
 *
 * @example
 * ```ts
 * const r = await validateSpec('daca.yaml');
 * if (!r.ok) console.error(r.errors.join('\n'));
 * ```
 */
export async function validateSpec(path?: string, env: SpecEnv = process.env): Promise<ValidateResult> {
  let loaded: LoadedSpec;
  try {
    loaded = path === undefined ? loadDefaultSpec() : await loadSpecFile(path, env);
  } catch (e) {
    if (e instanceof SpecError) return { ok: false, errors: e.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path || '(root)'}: ${i.message}`) };
    if (isDacaError(e)) return { ok: false, errors: [e.message] };
    throw e;
  }
  const { spec } = loaded;
  const warnings: string[] = [];
  for (const m of compileModelCatalog(spec).list()) {
    if (!m.priceKnown) warnings.push(`models.${m.name}: no price for '${m.upstream}' in the spec or the price table; its cost will be recorded as $0 (set models.${m.name}.price)`);
  }
  const count = (o: object) => Object.keys(o).length;
  return {
    ok: true,
    summary: {
      source: loaded.source,
      hash: loaded.hash,
      counts: {
        providers: count(spec.providers),
        models: count(spec.models),
        aliases: count(spec.aliases),
        tenants: count(spec.tenants),
        teams: count(spec.teams),
        agents: count(spec.agents),
        keys: count(spec.keys),
      },
      warnings,
    },
  };
}
