/**
 * Time window, peer grouping and limit from admin-API query parameters (shared by the observability routes).
 */
import { InvalidRequestError } from '../../errors.js';
import type { PeerGrouping, Window } from './analytics.js';
import { parseTime } from '../../server/api/usage.js';

/** `from` (default `-24h`) and `to` (default now) as a window. */
export function windowFrom(q: Record<string, string>, now: number, defaultFrom = '-24h'): Window {
  const from = parseTime(q.from || defaultFrom, 'from', now);
  const to = q.to ? parseTime(q.to, 'to', now) : now;
  if (!(from < to)) throw new InvalidRequestError(`'from' must be before 'to'`, { param: 'from' });
  return { from, to };
}

/** `group=role|team` (default role; an agent's role defaults to its team). */
export function groupingFrom(q: Record<string, string>): PeerGrouping {
  const g = q.group || 'role';
  if (g !== 'role' && g !== 'team') throw new InvalidRequestError(`group must be 'role' or 'team'; got '${g}'`, { param: 'group' });
  return g;
}

/** A positive integer `limit` up to `max`. */
export function limitFrom(q: Record<string, string>, dflt: number, max: number): number {
  if (!q.limit) return dflt;
  const n = Number(q.limit);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidRequestError(`limit must be an integer from 1 to ${max}`, { param: 'limit' });
  return n;
}
