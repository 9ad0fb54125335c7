/**
 * The plan of a spec change: a structured diff of two specs by section and id, like an
 * infrastructure plan (`+ add`, `~ change` with old → new values, `- remove`). Secrets (key values,
 * API keys) are never shown, only that they changed.
 */
import { canonicalJson } from '../spec/canonical.js';

/** One change of the plan. */
export interface SpecChange {
  op: 'add' | 'change' | 'remove';
  /** Top-level section (`budgets`, `models`, `agents`, …). */
  section: string;
  /** The entry's id inside the section (a map key, or a list entry's identity), '' for the section itself. */
  id: string;
  /** Changed fields (dotted paths inside the entry) with old → new, for `change`. */
  fields: { path: string; from: unknown; to: unknown }[];
  /** The whole entry, for `add` / `remove` (secrets redacted). */
  value?: unknown;
}

/** A plan: every change, and whether anything changes at all. */
export interface SpecPlan {
  changes: SpecChange[];
  counts: { add: number; change: number; remove: number };
}

const SECRET = new Set(['value', 'api_key', 'secret', 'password', 'token']);

/** The value with secrets replaced by a short fingerprint marker. */
function redact(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? null), (k, x: unknown) => (SECRET.has(k) && typeof x === 'string' ? '(secret)' : x));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Identity of a list entry (budgets, rate limits, alert rules, routes): its id/name or its scope fields. */
function entryId(e: unknown, i: number): string {
  if (!isObj(e)) return `#${i}`;
  for (const k of ['id', 'name', 'model', 'alias']) if (typeof e[k] === 'string') return String(e[k]);
  const scope = ['scope', 'tenant', 'team', 'agent', 'key', 'model', 'window', 'period', 'metric'].filter((k) => typeof e[k] === 'string').map((k) => `${k}=${String(e[k])}`);
  return scope.length ? scope.join(',') : `#${i}`;
}

/** Entries of a section keyed by id (maps by key, lists by entry identity; duplicates get `#n`). */
function entries(v: unknown): Map<string, unknown> | null {
  const out = new Map<string, unknown>();
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      let id = entryId(e, i);
      while (out.has(id)) id += `#${i}`;
      out.set(id, e);
    });
    return out;
  }
  if (isObj(v) && Object.values(v).every((x) => isObj(x) || Array.isArray(x))) {
    for (const [k, x] of Object.entries(v)) out.set(k, x);
    return out;
  }
  if (isObj(v) && Object.values(v).every((x) => typeof x === 'string')) {
    for (const [k, x] of Object.entries(v)) out.set(k, x); // aliases: name → target
    return out;
  }
  return null;
}

/** Leaf differences of two values as dotted paths. */
function leafDiff(a: unknown, b: unknown, path: string, out: SpecChange['fields']): void {
  if (canonicalJson(a) === canonicalJson(b)) return;
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) leafDiff(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  const secret = SECRET.has(path.split('.').at(-1) ?? '');
  out.push({ path: path || '(value)', from: secret ? '(secret)' : redact(a) as Json, to: secret ? '(secret, changed)' : redact(b) as Json });
}

/**
 * Plans the change from `current` to `next` (two parsed specs, or any JSON-like objects).
 *
 * @example
 * ```ts
 * const plan = planSpecChange(running.spec, loaded.spec);
 * if (plan.changes.length) console.log(formatPlan(plan));
 * ```
 */
export function planSpecChange(current: unknown, next: unknown): SpecPlan {
  const a = isObj(current) ? current : {};
  const b = isObj(next) ? next : {};
  const changes: SpecChange[] = [];
  for (const section of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[section];
    const y = b[section];
    if (canonicalJson(x) === canonicalJson(y)) continue;
    const ex = x === undefined ? new Map<string, unknown>() : entries(x);
    const ey = y === undefined ? new Map<string, unknown>() : entries(y);
    if (!ex || !ey) {
      const fields: SpecChange['fields'] = [];
      leafDiff(x, y, '', fields);
      changes.push({ op: x === undefined ? 'add' : y === undefined ? 'remove' : 'change', section, id: '', fields });
      continue;
    }
    for (const id of [...new Set([...ex.keys(), ...ey.keys()])].sort()) {
      const u = ex.get(id);
      const w = ey.get(id);
      if (u === undefined) changes.push({ op: 'add', section, id, fields: [], value: redact(w) });
      else if (w === undefined) changes.push({ op: 'remove', section, id, fields: [], value: redact(u) });
      else {
        const fields: SpecChange['fields'] = [];
        leafDiff(u, w, '', fields);
        if (fields.length) changes.push({ op: 'change', section, id, fields });
      }
    }
  }
  const counts = { add: 0, change: 0, remove: 0 };
  for (const c of changes) counts[c.op]++;
  return { changes, counts };
}

const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v));

/** The plan as text for people (one line per entry, indented field changes, a summary line). */
export function formatPlan(plan: SpecPlan): string {
  if (!plan.changes.length) return 'No changes. The running system matches the spec.';
  const lines: string[] = [];
  for (const c of plan.changes) {
    const sign = c.op === 'add' ? '+' : c.op === 'remove' ? '-' : '~';
    const name = c.id ? `${c.section}.${c.id}` : c.section;
    if (c.op === 'change') {
      lines.push(`  ~ ${name}`);
      for (const f of c.fields) lines.push(`      ${f.path}: ${show(f.from)} → ${show(f.to)}`);
    } else {
      lines.push(`  ${sign} ${name}${c.value !== undefined ? `  ${show(c.value)}` : ''}`);
      for (const f of c.fields) lines.push(`      ${f.path}: ${c.op === 'add' ? show(f.to) : show(f.from)}`);
    }
  }
  lines.push('', `Plan: ${plan.counts.add} to add, ${plan.counts.change} to change, ${plan.counts.remove} to remove.`);
  return lines.join('\n');
}
