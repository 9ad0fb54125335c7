/**
 * Where a Restate cluster answers, and how `DACA_RESTATE_URL` names it.
 *
 * Format: `admin=http://host:9070,ingress=http://host:8080`. A single URL `http://host` means the
 * default ports on that host (admin 9070, ingress 8080).
 */
import { InternalError } from '../errors.js';

/** Admin API and ingress base URLs (no trailing slash). */
export interface RestateUrls {
  admin: string;
  ingress: string;
}

const trim = (u: string): string => u.replace(/\/+$/, '');

/**
 * Parses a `DACA_RESTATE_URL` value.
 *
 * @example
 * ```ts
 * parseRestateUrl('admin=http://r:9070,ingress=http://r:8080'); // { admin: 'http://r:9070', ingress: 'http://r:8080' }
 * ```
 */
export function parseRestateUrl(value: string): RestateUrls {
  const v = value.trim();
  if (!v.includes('=')) {
    const u = new URL(v);
    const host = `${u.protocol}//${u.hostname}`;
    return { admin: `${host}:9070`, ingress: `${host}:8080` };
  }
  const out: Partial<RestateUrls> = {};
  for (const part of v.split(',')) {
    const [k, ...rest] = part.split('=');
    const key = k?.trim();
    const url = rest.join('=').trim();
    if ((key === 'admin' || key === 'ingress') && url) {
      new URL(url);
      out[key] = trim(url);
    } else throw new InternalError(`DACA_RESTATE_URL: expected admin=URL,ingress=URL, got '${part}'`);
  }
  if (!out.admin || !out.ingress) throw new InternalError('DACA_RESTATE_URL needs both admin=URL and ingress=URL');
  return { admin: out.admin, ingress: out.ingress };
}
