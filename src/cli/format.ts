/**
 * Terminal output helpers: aligned tables for people, JSON for scripts.
 */

/** Renders rows as an aligned text table with the given columns. */
export function table(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (!cols.length) return '(nothing)';
  const cell = (v: unknown): string => (v === null || v === undefined ? '-' : typeof v === 'number' ? fmtNum(v) : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const data = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...data.map((d) => d[i]!.length)));
  const numeric = cols.map((_, i) => data.length > 0 && data.every((d) => /^-?[\d.,]+$/.test(d[i]!) || d[i] === '-'));
  const line = (cells: string[]): string => cells.map((s, i) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), line(widths.map((w) => '-'.repeat(w))), ...data.map(line)].join('\n');
}

function fmtNum(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) < 1 ? n.toPrecision(4).replace(/0+$/, '') : n.toFixed(2);
}

/** Prints JSON or a table depending on `--json`. */
export function output(json: boolean, data: unknown, rows: readonly Record<string, unknown>[], columns?: readonly string[]): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : table(rows, columns) + '\n');
}
