/**
 * `daca validate`: load a spec and summarise it, or list every problem.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDacaError, SpecError } from '../errors.js';
import { loadDefaultSpec } from './default-spec.js';
import { loadSpecFile, type LoadedSpec } from './loader.js';
import { compileModelCatalog } from './resolve.js';
import type { SpecEnv } from './interpolate.js';

/** How many entries of each section a valid spec declares. */
export interface SpecSummary {
  providers: number;
  models: number;
  aliases: number;
  tenants: number;
  teams: number;
  agents: number;
  keys: number;
}

/** Result of {@link validateSpec}. */
export type ValidateResult =
  | {
      ok: true;
      summary: SpecSummary;
      /** File path or `(embedded default)`. */
      source: string;
      /** sha256 of the canonical spec (same as `LoadedSpec.hash`). */
      hash: string;
      /** Non-fatal findings, e.g. models without a known price (their cost is recorded as $0). */
      warnings: string[];
    }
  | { ok: false; errors: string[] };

/** Options of {@link validateSpec}. */
export interface ValidateOptions {
  /** Environment for `${VAR}` interpolation and `DACA_SPEC` (default `process.env`). */
  env?: SpecEnv;
  /** Directory searched for `daca.yaml` when no path is given (default `process.cwd()`). */
  cwd?: string;
}

/** The spec `daca up` would use: `path`, else `DACA_SPEC`, else `<cwd>/daca.yaml` if present, else the embedded default (undefined). */
export function pickSpecPath(path: string | undefined, env: SpecEnv = process.env, cwd: string = process.cwd()): string | undefined {
  if (path !== undefined) return path;
  if (env.DACA_SPEC) return env.DACA_SPEC;
  const local = join(cwd, 'daca.yaml');
  return existsSync(local) ? local : undefined;
}

/**
 * Validates the spec at `path`; without one, the spec {@link pickSpecPath} picks (`DACA_SPEC`,
 * `./daca.yaml`, else the embedded default). Never throws for a bad spec:
 * each error is one line `file:line:column path: message`.
 *
 * @example
 * ```ts
 * const r = await validateSpec('daca.yaml');
 * if (!r.ok) console.error(r.errors.join('\n'));
 * ```
 */
export async function validateSpec(path?: string, options: ValidateOptions = {}): Promise<ValidateResult> {
  const env = options.env ?? process.env;
  const file = pickSpecPath(path, env, options.cwd);
  let loaded: LoadedSpec;
  try {
    loaded = file === undefined ? loadDefaultSpec() : await loadSpecFile(file, env);
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
      providers: count(spec.providers),
      models: count(spec.models),
      aliases: count(spec.aliases),
      tenants: count(spec.tenants),
      teams: count(spec.teams),
      agents: count(spec.agents),
      keys: count(spec.keys),
    },
    source: loaded.source,
    hash: loaded.hash,
    warnings,
  };
}
