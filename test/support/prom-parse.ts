/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests.
 *
 * Handles `# HELP` (with `\\` and `\n` escapes), `# TYPE`, other comments, samples with labels
 * (values escaped with `\\`, `\"`, `\n`), optional timestamps, `NaN`/`+Inf`/`-Inf`, and groups
 * `_bucket`/`_sum`/`_count` (histograms) and `_sum`/`_count` (summaries) under their family.
 * It throws on anything malformed (with the line number), on duplicate HELP/TYPE, on a TYPE that
 * comes after its family's samples, on duplicate series and on inconsistent histograms, so a test
 * that parses `/metrics` also checks that the exposition is valid.
 */

/** One sample line. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

/** A metric family: its HELP, TYPE and samples. */
export interface PromFamily {
  name: string;
  help: string | null;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: PromSample[];
}

/** A histogram series decoded from its `_bucket`/`_sum`/`_count` samples. */
export interface PromHistogram {
  /** Cumulative counts by upper bound (`Infinity` for `+Inf`), ascending. */
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

class ParseError extends Error {
  constructor(line: number, msg: string) {
    super(`prometheus text line ${line}: ${msg}`);
  }
}

function parseValue(s: string, line: number): number {
  if (s === 'NaN' || s === 'Nan') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new ParseError(line, `bad number '${s}'`);
  return Number(s);
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** Parses `{a="x",b="y"}` starting at `pos` (the `{`); returns labels and the position after `}`. */
function parseLabels(text: string, pos: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = pos + 1;
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === '}') return { labels, end: i + 1 };
    const m = LABEL_NAME.exec(text.slice(i));
    if (!m) throw new ParseError(line, `bad label name at column ${i + 1}`);
    const name = m[0];
    i += name.length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=') throw new ParseError(line, `expected '=' after label ${name}`);
    i++;
    while (text[i] === ' ') i++;
    if (text[i] !== '"') throw new ParseError(line, `expected '"' for label ${name}`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new ParseError(line, `unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new ParseError(line, `bad escape '\\${e ?? ''}' in label ${name}`);
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    i++;
    if (Object.hasOwn(labels, name)) throw new ParseError(line, `duplicate label ${name}`);
    labels[name] = value;
    while (text[i] === ' ') i++;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new ParseError(line, `expected ',' or '}' after label ${name}`);
  }
}

function familyOf(sample: string, families: Map<string, PromFamily>): string {
  for (const [suffix, types] of [['_bucket', ['histogram']], ['_sum', ['histogram', 'summary']], ['_count', ['histogram', 'summary']]] as const) {
    if (sample.endsWith(suffix)) {
      const base = sample.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (types as readonly string[]).includes(f.type)) return base;
    }
  }
  return sample;
}

/**
 * Parses a whole exposition into families by name.
 * @example
 * ```ts
 * const families = parsePrometheusText(await (await fetch(url + '/metrics')).text());
 * families.get('daca_requests_total')!.samples;
 * ```
 */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const seen = new Set<string>();
  const get = (name: string): PromFamily => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, help: null, type: 'untyped', samples: [] }));
    return f;
  };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    const l = raw.replace(/^[ \t]+/, '');
    if (l === '') return;
    if (l.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:[ \t]+(.*))?$/.exec(l);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m as unknown as [string, string, string, string | undefined];
      const f = get(name!);
      if (kind === 'HELP') {
        if (f.help !== null) throw new ParseError(n, `second HELP for ${name}`);
        f.help = unescapeHelp(rest);
      } else {
        if (!TYPES.has(rest.trim())) throw new ParseError(n, `unknown type '${rest}'`);
        if (f.samples.length) throw new ParseError(n, `TYPE for ${name} after its samples`);
        if (f.type !== 'untyped' || seen.has(`type:${name}`)) throw new ParseError(n, `second TYPE for ${name}`);
        seen.add(`type:${name}`);
        f.type = rest.trim() as PromFamily['type'];
      }
      return;
    }
    const nm = NAME.exec(l);
    if (!nm) throw new ParseError(n, `bad metric name in '${l}'`);
    const name = nm[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (l[i] === '{') ({ labels, end: i } = parseLabels(l, i, n));
    const parts = l.slice(i).trim().split(/[ \t]+/);
    if (parts.length < 1 || parts.length > 2 || parts[0] === '') throw new ParseError(n, `expected 'value [timestamp]' in '${l}'`);
    const sample: PromSample = { name, labels, value: parseValue(parts[0]!, n) };
    if (parts[1] !== undefined) {
      if (!/^-?\d+$/.test(parts[1])) throw new ParseError(n, `bad timestamp '${parts[1]}'`);
      sample.timestamp = Number(parts[1]);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    if (seen.has(key)) throw new ParseError(n, `duplicate series ${name}${JSON.stringify(labels)}`);
    seen.add(key);
    get(familyOf(name, families)).samples.push(sample);
  });
  for (const f of families.values()) if (f.type === 'histogram') for (const h of histogramsOf(f)) checkHistogram(f.name, h.histogram);
  return families;
}

function labelKey(labels: Record<string, string>, omit: string): string {
  return JSON.stringify(Object.entries(labels).filter(([k]) => k !== omit).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every series of a histogram family, decoded, with its labels (without `le`). */
export function histogramsOf(f: PromFamily): Array<{ labels: Record<string, string>; histogram: PromHistogram }> {
  const by = new Map<string, { labels: Record<string, string>; histogram: PromHistogram }>();
  const entry = (labels: Record<string, string>) => {
    const k = labelKey(labels, 'le');
    let e = by.get(k);
    if (!e) {
      const { le: _le, ...rest } = labels;
      by.set(k, (e = { labels: rest, histogram: { buckets: [], sum: NaN, count: NaN } }));
    }
    return e.histogram;
  };
  for (const s of f.samples) {
    const h = entry(s.labels);
    if (s.name === `${f.name}_bucket`) {
      if (s.labels.le === undefined) throw new Error(`${f.name}: bucket without le`);
      h.buckets.push({ le: parseValue(s.labels.le, 0), count: s.value });
    } else if (s.name === `${f.name}_sum`) h.sum = s.value;
    else if (s.name === `${f.name}_count`) h.count = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name} in a histogram`);
  }
  for (const e of by.values()) e.histogram.buckets.sort((a, b) => a.le - b.le);
  return [...by.values()];
}

function checkHistogram(name: string, h: PromHistogram): void {
  const last = h.buckets[h.buckets.length - 1];
  if (!last || last.le !== Infinity) throw new Error(`${name}: histogram without a +Inf bucket`);
  if (Number.isNaN(h.count) || Number.isNaN(h.sum)) throw new Error(`${name}: histogram without _sum or _count`);
  if (last.count !== h.count) throw new Error(`${name}: +Inf bucket ${last.count} != _count ${h.count}`);
  for (let i = 1; i < h.buckets.length; i++) if (h.buckets[i]!.count < h.buckets[i - 1]!.count) throw new Error(`${name}: buckets are not cumulative`);
}

/** Finds the one histogram series of a family whose labels include `match`. */
export function findHistogram(f: PromFamily | undefined, match: Record<string, string>): PromHistogram | undefined {
  if (!f) return undefined;
  const hits = histogramsOf(f).filter((h) => Object.entries(match).every(([k, v]) => h.labels[k] === v));
  if (hits.length > 1) throw new Error(`${f.name}: ${hits.length} series match ${JSON.stringify(match)}`);
  return hits[0]?.histogram;
}

/** Sum of the family's sample values whose labels include `match` (for counters and gauges). */
export function sumSamples(f: PromFamily | undefined, match: Record<string, string> = {}): number {
  if (!f) return 0;
  return f.samples.filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
}
