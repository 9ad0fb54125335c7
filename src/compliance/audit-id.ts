/**
 * Audit record ids: `aud_` + 9 base-36 digits of the timestamp + a per-process random prefix + a
 * counter. Sortable by time within a process, unique across processes, and cheap to make.
 */
import { randomBytes } from 'node:crypto';

const PROCESS = randomBytes(5).toString('hex');
let counter = 0;

const ts36 = (ts: number): string => Math.max(0, Math.floor(ts)).toString(36).padStart(9, '0');

/**
 * The smallest id a record stamped at or after `ts` can have: ids sort by their timestamp, so the
 * unique index on `id` doubles as the time index (`id >= idAtOrAfter(from) AND id < idAtOrAfter(to)`).
 */
export function idAtOrAfter(ts: number): string {
  return `aud_${ts36(ts)}`;
}

let lastTs = NaN;
let lastPrefix = '';

/** A new record id for a record stamped at `ts` (ms). */
export function newAuditId(ts: number): string {
  counter = (counter + 1) % 0x7fffffff;
  // Records stamped in the same millisecond share the prefix (busy gateways stamp several per ms).
  if (ts !== lastTs) {
    lastTs = ts;
    lastPrefix = `aud_${ts36(ts)}${PROCESS}`;
  }
  return lastPrefix + counter.toString(36).padStart(6, '0');
}
