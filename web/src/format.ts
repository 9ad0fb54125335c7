/**
 * Formatting at the edge: money as USD, counts with thousands separators, times relative and absolute.
 */

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const usd = (digits: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits });
const usd2 = usd(2);
const usd4 = usd(4);
const usd6 = usd(6);

/** `$12.34`, `$0.0123`, `$0.000123`: enough digits that small sim costs do not read as zero. */
export function money(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return (a >= 1 || a === 0 ? usd2 : a >= 0.01 ? usd4 : usd6).format(v);
}

/** `12,345`. */
export function count(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : int.format(v);
}

/** `1.2k`, `3.4M` for chart axes. */
export function compact(v: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}

/** `850 ms`, `1.24 s`. */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  return v > 0 && v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** `4.2%`. */
export function pct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${(v * 100).toFixed(v > 0 && v < 0.01 ? 2 : 1)}%`;
}

/** A time from the API (ms, seconds or ISO string) as ms since the epoch, or null. */
export function toMs(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return v < 1e11 ? v * 1000 : v;
  if (/^\d+$/.test(v)) return toMs(Number(v));
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** `3 minutes ago`, `in 2 hours`. */
export function relative(t: number, now: number = Date.now()): string {
  const s = (t - now) / 1000;
  const a = Math.abs(s);
  if (a < 45) return a < 5 ? 'just now' : rtf.format(Math.round(s), 'second');
  if (a < 2700) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 64800) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

const sameDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const otherDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** `14:02:11` today, `Nov 26, 14:02` otherwise. */
export function absolute(t: number, now: number = Date.now()): string {
  return new Date(t).toDateString() === new Date(now).toDateString() ? sameDay.format(t) : otherDay.format(t);
}

/** The full date and time, for tooltips. */
export function fullDate(t: number): string {
  return full.format(t);
}
