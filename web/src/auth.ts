/**
 * The dashboard's credential: a session token injected by the server (`<meta name="daca-session">`,
 * when the page was loaded with a person's key in `Authorization`; it names the key's role and
 * tenant) or a key typed into the login form (kept in sessionStorage, or localStorage when
 * "remember" is ticked). What the key may see comes from `/api/whoami` (docs/access-control.md).
 */

const STORE_KEY = 'daca.adminKey';

/** Where the current credential came from. */
export type CredentialSource = 'server-session' | 'session' | 'remembered';

/** The credential the app sends as `Authorization: Bearer …`. */
export interface Credential {
  secret: string;
  source: CredentialSource;
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback; // storage can be disabled (private mode, sandboxed frames)
  }
}

/** The session token the server injected into this page, if any. */
export function injectedSession(): string | null {
  const v = document.querySelector<HTMLMetaElement>('meta[name="daca-session"]')?.content?.trim();
  return v ? v : null;
}

/** The stored key, if any. */
export function storedCredential(): Credential | null {
  const s = safe(() => sessionStorage.getItem(STORE_KEY), null);
  if (s) return { secret: s, source: 'session' };
  const l = safe(() => localStorage.getItem(STORE_KEY), null);
  return l ? { secret: l, source: 'remembered' } : null;
}

/** The credential to start with: the injected session, else a stored key. */
export function initialCredential(): Credential | null {
  const t = injectedSession();
  return t ? { secret: t, source: 'server-session' } : storedCredential();
}

/** Keeps a key that the login form validated. */
export function storeKey(secret: string, remember: boolean): Credential {
  safe(() => sessionStorage.setItem(STORE_KEY, secret), undefined);
  if (remember) safe(() => localStorage.setItem(STORE_KEY, secret), undefined);
  else safe(() => localStorage.removeItem(STORE_KEY), undefined);
  return { secret, source: remember ? 'remembered' : 'session' };
}

/** Forgets every stored key and the injected session. */
export function forgetCredentials(): void {
  safe(() => sessionStorage.removeItem(STORE_KEY), undefined);
  safe(() => localStorage.removeItem(STORE_KEY), undefined);
  document.querySelector('meta[name="daca-session"]')?.remove();
}

/** What `/api/whoami` says about the signed-in key. */
export interface Whoami {
  key_id: string;
  role: 'admin' | 'operator' | 'auditor' | 'approver' | 'agent';
  tenant: string;
  all_tenants: boolean;
  /** Access per API route group: `none`, `read` or `write`. */
  permissions: Record<string, 'none' | 'read' | 'write'>;
}

/** The API route group each dashboard page reads (a page is shown when its group is readable). */
export const PAGE_GROUPS: Readonly<Record<string, string>> = {
  '': 'overview',
  agents: 'agents',
  sessions: 'sessions',
  alerts: 'alerts',
  approvals: 'approvals',
  rollouts: 'rollouts',
  evals: 'evals',
  savings: 'cost',
  audit: 'audit',
  topology: 'mesh',
  marketplace: 'orchestration',
};

/** True when the key may read what page `to` shows (unknown pages: true; the API decides). */
export function canOpen(me: Whoami | null, to: string): boolean {
  if (!me) return true;
  const group = PAGE_GROUPS[to];
  return group === undefined || (me.permissions[group] ?? 'none') !== 'none';
}

/** The claims of a dashboard session token (`dacaui_<exp>.<role>.<tenant hex|*>.<key hex>_<sig>`), for display only. */
export function sessionClaims(token: string): { role: string; tenant: string } | null {
  const m = /^dacaui_[0-9a-z]+\.([a-z]+)\.(\*|[0-9a-f]*)\.[0-9a-f]+_/.exec(token);
  if (!m) return null;
  const hex = m[2]!;
  const tenant = hex === '*' ? '*' : new TextDecoder().decode(new Uint8Array((hex.match(/../g) ?? []).map((b) => parseInt(b, 16))));
  return { role: m[1]!, tenant };
}
