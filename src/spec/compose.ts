/**
 * Split specs: a spec file may name other files with `include:` (a path, a glob such as
 * `teams/*.yaml`, or a folder, meaning every `*.yaml`/`*.yml` in it; paths relative to the file
 * naming them), so each team can own its file. The parts are merged into one spec:
 *
 * - entries of the map sections (`providers`, `models`, `aliases`, `tenants`, `teams`, `agents`,
 *   `keys`, `tools`) are taken from whichever file defines them; an entry defined in two files is
 *   an error naming both files and lines;
 * - lists (`budgets`, `rate_limits`, `alerts.rules`, …) are concatenated in include order;
 * - settings (`server`, `alerts`, `audit`, …) are merged field by field; one field set to two
 *   different values is an error naming both files.
 *
 * Every merged value remembers the file, and the path inside it, that it came from, so a validation
 * problem of the merged spec is reported at the right `file:line:column`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { SpecError } from '../errors.js';
import { canonicalJson } from './canonical.js';
import { interpolateDocument, type SpecEnv } from './interpolate.js';
import type { SpecIssue } from './issues.js';
import { formatPath, locate, positionOf, type SpecPath } from './locate.js';

/** One parsed file of a spec. */
export interface SpecPart {
  file: string;
  doc: Document;
  lines: LineCounter;
  /** Its data after `${ENV}` interpolation (without `include`). */
  data: Record<string, unknown>;
  /** Its data as written (secrets stay `${VAR}` references). */
  raw: Record<string, unknown>;
}

/** A spec parsed from one file or composed from several. */
export interface ComposedSpec {
  /** The merged data, interpolated. */
  data: Record<string, unknown>;
  /** The merged data as written (for keeping a version without secrets in it). */
  raw: Record<string, unknown>;
  /** The root file first, then every included file in merge order. */
  parts: SpecPart[];
  /** The part and the path inside it that a path of the merged spec came from. */
  origin(path: SpecPath): { part: SpecPart; path: SpecPath };
}

/** The map sections, whose entries belong to exactly one file. */
export const ENTRY_SECTIONS: ReadonlySet<string> = new Set(['providers', 'models', 'aliases', 'tenants', 'teams', 'agents', 'keys', 'tools']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses one file's text into a part. @throws {SpecError} for YAML, interpolation and shape problems. */
export function parsePart(text: string, file: string, env: SpecEnv): SpecPart & { include: unknown } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new SpecError(doc.errors.map((e) => {
      const p = lines.linePos(e.pos[0]);
      return { file, line: p.line, column: p.col, path: '', message: `YAML syntax error: ${e.message.split('\n')[0]}` };
    }));
  }
  const toJs = (): unknown => {
    try {
      return doc.toJS({ maxAliasCount: 1000 }) ?? {};
    } catch (e) {
      throw new SpecError([{ file, line: 1, column: 1, path: '', message: `cannot read YAML: ${(e as Error).message}` }]);
    }
  };
  const raw = toJs();
  const envIssues = interpolateDocument(doc, lines, text, file, env);
  if (envIssues.length > 0) throw new SpecError(envIssues);
  const data = toJs();
  if (!isObj(data) || !isObj(raw)) throw new SpecError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping (key: value) at the top level' }]);
  const { include, ...rest } = data;
  const { include: _rawInclude, ...rawRest } = raw;
  return { file, doc, lines, data: rest, raw: rawRest, include };
}

function issueAt(part: SpecPart, path: SpecPath, message: string): SpecIssue {
  const { node, keyNode } = locate(part.doc, path);
  const pos = positionOf(keyNode ?? node, part.lines);
  return { file: part.file, line: pos.line, column: pos.column, path: formatPath(path), message };
}

function where(part: SpecPart, path: SpecPath): string {
  const { node, keyNode } = locate(part.doc, path);
  return `${part.file}:${positionOf(keyNode ?? node, part.lines).line}`;
}

/** The files an `include:` entry names, sorted. @throws {SpecError} when it names nothing. */
function expand(pattern: string, from: SpecPart, at: SpecPath): string[] {
  const baseDir = from.file.startsWith('(') ? process.cwd() : dirname(resolve(from.file));
  const full = resolve(baseDir, pattern);
  const yaml = (n: string): boolean => /\.ya?ml$/i.test(n);
  const fail = (why: string): never => {
    throw new SpecError([issueAt(from, at, `include '${pattern}': ${why}`)]);
  };
  if (/[*?]/.test(dirname(pattern))) fail('wildcards are allowed in the file name only (e.g. teams/*.yaml)');
  if (/[*?]/.test(basename(pattern))) {
    const dir = dirname(full);
    const re = new RegExp(`^${basename(pattern).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => re.test(n) && statSync(join(dir, n)).isFile());
    } catch {
      fail(`folder ${dir} not found`);
    }
    if (!names.length) fail(`no file matches in ${dir}`);
    return names.sort().map((n) => join(dir, n));
  }
  let isDir = false;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    fail(`file not found (${full})`);
  }
  if (!isDir) return [full];
  const names = readdirSync(full).filter((n) => yaml(n) && statSync(join(full, n)).isFile()).sort();
  if (!names.length) fail(`no *.yaml file in folder ${full}`);
  return names.map((n) => join(full, n));
}

/**
 * Parses `text` (from `file`) and every file it includes, and merges them.
 * @throws {SpecError} with the file and line of each problem (conflicts name both files).
 * @example
 * ```ts
 * const c = composeSpec(readFileSync('daca.yaml', 'utf8'), 'daca.yaml', process.env);
 * c.parts.map((p) => p.file); // ['daca.yaml', 'teams/billing.yaml', 'teams/support.yaml']
 * ```
 */
export function composeSpec(text: string, file: string, env: SpecEnv): ComposedSpec {
  const parts: SpecPart[] = [];
  const seen = new Set<string>();
  const visit = (t: string, f: string, by: { part: SpecPart; at: SpecPath } | null): void => {
    const key = f.startsWith('(') ? f : resolve(f);
    if (seen.has(key)) {
      if (by) throw new SpecError([issueAt(by.part, by.at, `include cycle or repeat: ${f} is already part of the spec`)]);
      return;
    }
    seen.add(key);
    const p = parsePart(t, f, env);
    const part: SpecPart = { file: p.file, doc: p.doc, lines: p.lines, data: p.data, raw: p.raw };
    parts.push(part);
    if (p.include === undefined || p.include === null) return;
    const list = typeof p.include === 'string' ? [p.include] : p.include;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && x.length > 0))
      throw new SpecError([issueAt(part, ['include'], 'include: expected a file, glob or folder, or a list of them (e.g. include: [teams/*.yaml])')]);
    list.forEach((pattern: string, i) => {
      const at: SpecPath = typeof p.include === 'string' ? ['include'] : ['include', i];
      for (const inc of expand(pattern, part, at)) {
        let incText: string;
        try {
          incText = readFileSync(inc, 'utf8');
        } catch (e) {
          throw new SpecError([issueAt(part, at, `include '${pattern}': cannot read ${inc}: ${(e as Error).message}`)]);
        }
        visit(incText, inc, { part, at });
      }
    });
  };
  visit(text, file, null);

  const origins = new Map<string, { part: SpecPart; path: SpecPath }>();
  const key = (p: SpecPath): string => JSON.stringify(p);
  const root = parts[0]!;
  const originOf = (path: SpecPath): { part: SpecPart; path: SpecPath } => {
    for (let n = path.length; n > 0; n--) {
      const o = origins.get(key(path.slice(0, n)));
      if (o) return { part: o.part, path: [...o.path, ...path.slice(n)] };
    }
    return { part: root, path };
  };
  const data: Obj = {};
  const raw: Obj = {};
  const issues: SpecIssue[] = [];

  /** Merges `src` (at `local` in `part`) into `dst` at `path`; `entries`: one file per key. */
  const mergeInto = (dst: Obj, rawDst: Obj, src: Obj, rawSrc: Obj, part: SpecPart, path: SpecPath, local: SpecPath, entries: boolean): void => {
    for (const [k, v] of Object.entries(src)) {
      const p = [...path, k];
      const lp = [...local, k];
      const prev = originOf(p);
      if (!(k in dst)) {
        dst[k] = structuredClone(v);
        rawDst[k] = structuredClone(rawSrc[k]);
        origins.set(key(p), { part, path: lp });
        if (Array.isArray(v)) v.forEach((_, i) => origins.set(key([...p, i]), { part, path: [...lp, i] }));
        continue;
      }
      const cur = dst[k];
      if (entries) {
        issues.push(issueAt(part, lp, `${formatPath(p)} is also defined in ${where(prev.part, prev.path)}; an entry may be defined in one file only`));
      } else if (Array.isArray(cur) && Array.isArray(v)) {
        const n = cur.length;
        cur.push(...structuredClone(v));
        (rawDst[k] as unknown[]).push(...structuredClone(rawSrc[k] as unknown[]));
        v.forEach((_, i) => origins.set(key([...p, n + i]), { part, path: [...lp, i] }));
      } else if (isObj(cur) && isObj(v)) {
        mergeInto(cur, rawDst[k] as Obj, v, rawSrc[k] as Obj, part, p, lp, path.length === 0 && ENTRY_SECTIONS.has(k));
      } else if (canonicalJson(cur) !== canonicalJson(v)) {
        issues.push(issueAt(part, lp, `${formatPath(p)} is set to ${JSON.stringify(v)} here and to ${JSON.stringify(cur)} in ${where(prev.part, prev.path)}; set it in one file only`));
      }
    }
  };
  for (const part of parts) mergeInto(data, raw, part.data, part.raw, part, [], [], false);
  if (issues.length) throw new SpecError(issues);
  return { data, raw, parts, origin: originOf };
}
