/**
 * A loaded suite: the validated spec, where it came from, and its fingerprint.
 */
import { canonicalHash, deepFreeze } from '../spec/canonical.js';
import type { SuiteSpec } from './suite-schema.js';

/** A validated, frozen suite. */
export interface Suite {
  readonly spec: SuiteSpec;
  /** The file path, or `(typescript)` for `defineSuite`. */
  readonly source: string;
  /** Folder that custom grader modules are resolved against. */
  readonly baseDir: string;
  /** Hex sha256 of the suite's cases, personas, graders and settings (not its agent). */
  readonly hash: string;
}

/** Replaces functions by their source text so a TypeScript suite still fingerprints. */
function hashable(v: unknown): unknown {
  if (typeof v === 'function') return `fn:${v.toString()}`;
  if (Array.isArray(v)) return v.map(hashable);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = hashable(x);
    return out;
  }
  return v;
}

/** Wraps a validated spec into a frozen {@link Suite}. */
export function toSuite(spec: SuiteSpec, source: string, baseDir: string): Suite {
  const { agent: _agent, ...rest } = spec;
  const hash = canonicalHash(hashable(rest));
  return deepFreeze({ spec, source, baseDir, hash });
}
