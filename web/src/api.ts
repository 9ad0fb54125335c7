/**
 * A small client for daca's admin API: every call carries the credential as a bearer token.
 */

/** An API call that did not return 2xx. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the server has no such route (an endpoint not shipped yet). */
  get unavailable(): boolean {
    return this.status === 404 && (this.code === null || /^no route/i.test(this.message));
  }
}

let secret: string | null = null;
let onUnauthorized: (e: ApiError) => void = () => {};

/** Sets the credential used by {@link apiGet}. */
export function setApiCredential(s: string | null): void {
  secret = s;
}

/** Sets what happens when the API answers 401 (the app returns to its login form). */
export function setUnauthorizedHandler(f: (e: ApiError) => void): void {
  onUnauthorized = f;
}

/** The credential currently in use, for the event stream's `?key=`. */
export function apiCredential(): string | null {
  return secret;
}

/** GETs a JSON document from the admin API with an explicit secret (no 401 handling). */
export async function fetchJson<T>(path: string, key: string | null, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: key ? { authorization: `Bearer ${key}`, accept: 'application/json' } : { accept: 'application/json' }, signal: signal ?? null, cache: 'no-store' });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let code: string | null = null;
    try {
      const body = (await res.json()) as { error?: { message?: string; code?: string } };
      if (body.error?.message) message = body.error.message;
      code = body.error?.code ?? null;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, message, code);
  }
  return (await res.json()) as T;
}

/** GETs a JSON document with the current credential; a 401 logs the dashboard out. */
export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  try {
    return await fetchJson<T>(path, secret, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) onUnauthorized(e);
    throw e;
  }
}

/** Builds a query string, skipping empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
