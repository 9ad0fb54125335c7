/**
 * Audit record ids: `aud_` + 9 base-36 digits of the timestamp + a per-process random prefix + a
 * counter. Sortable by time within a process, unique across processes, and cheap to make.
 */
import { randomBytes } from 'node:crypto';

const PROCESS = randomBytes(5).toString('hex');
let counter = 0;

/** A new record id for a record stamped at `ts` (ms). */
export function newAuditId(ts: number): string {
  counter = (counter + 1) % 0x7fffffff;
  return `aud_${ts.toString(36).padStart(9, '0')}${PROCESS}${counter.toString(36).padStart(6, '0')}`;
}
