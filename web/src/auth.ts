/**
 * The dashboard's credential: a session token injected by the server (`<meta name="daca-session">`,
 * when the page was loaded with an admin `Authorization` header) or the admin key typed into the
 * login form (kept in sessionStorage, or localStorage when "remember" is ticked).
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
