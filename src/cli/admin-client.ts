/**
 * The CLI's client for a running daca's admin API (`/api/*`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where and how to reach daca's admin API. */
export interface AdminTarget {
  url: string;
  key: string;
}

/** Connection flags shared by every command that talks to a running daca. */
export interface ConnectionFlags {
  url?: string;
  adminKey?: string;
  dataDir?: string;
}

/** Resolves the URL (`--url`, `DACA_URL`, default) and admin key (`--admin-key`, `DACA_ADMIN_KEY`, `.daca/admin-key`). */
export function adminTarget(flags: ConnectionFlags): AdminTarget {
  const url = (flags.url ?? process.env.DACA_URL ?? `http://127.0.0.1:${process.env.DACA_PORT ?? 8700}`).replace(/\/+$/, '');
  let key = flags.adminKey ?? process.env.DACA_ADMIN_KEY;
  if (!key) {
    try {
      key = readFileSync(join(flags.dataDir ?? '.daca', 'admin-key'), 'utf8').trim();
    } catch {
      throw new CliError('no admin key: set DACA_ADMIN_KEY, pass --admin-key, or run this in the folder where `daca up` runs (it keeps .daca/admin-key)');
    }
  }
  return { url, key };
}

/** A failure to report on one line and exit non-zero. */
export class CliError extends Error {}

/** Calls the admin API; throws CliError with the server's message on failure. */
export async function adminFetch<T>(t: AdminTarget, path: string, init: { method?: string; body?: unknown; accept?: string } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${t.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${t.key}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch (e) {
    throw new CliError(`cannot reach daca at ${t.url} (${e instanceof Error ? (e.cause as Error | undefined)?.message ?? e.message : String(e)}); is \`daca up\` running? Use --url to point elsewhere.`);
  }
  const text = await res.text();
  if (!res.ok) {
    let msg = text;
    try {
      msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      /* plain text */
    }
    throw new CliError(`${res.status}: ${msg}`);
  }
  if (init.accept === 'text') return text as T;
  return JSON.parse(text) as T;
}
