/**
 * The web dashboard at `/ui`: serves the built app (`dist/ui`) and mints dashboard sessions.
 *
 * When `/ui/` itself is requested with a valid `Authorization: Bearer` key of a person's role
 * (admin, operator, auditor, approver), the served `index.html` carries a short-lived signed
 * session token in `<meta name="daca-session">` that names the key, its role and its tenant, so
 * the app works without its login form. The API accepts the token as that key, re-checked by id
 * (see {@link verifyUiSession} and `withUiSessions`): the page sees only what the key may see.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { KeyRing } from '../identity/key-ring.js';
import type { Principal } from '../identity/principal.js';
import { isRole, type Role } from '../identity/roles.js';

/** Every dashboard session token starts with this, so `requireKey` can tell it from a key. */
export const UI_SESSION_PREFIX = 'dacaui_';

/** How long a dashboard session token stays valid (12 h). */
export const UI_SESSION_TTL_MS = 12 * 3_600_000;

/** The admin principal (the claims of a session minted for the admin key). */
export const UI_SESSION_PRINCIPAL: Principal = Object.freeze({
  keyId: 'admin', role: 'admin', tenant: 'default', team: 'default', agent: null, models: null, dev: false, allTenants: true,
});

/** What a session token says about its key: id, role and tenant (null tenant = every tenant). */
export interface UiSessionClaims {
  keyId: string;
  role: Role;
  tenant: string | null;
}

/**
 * The HMAC secret for dashboard sessions, derived from the admin key: every node sharing the admin
 * key accepts each other's tokens, and rotating the admin key ends every session.
 * @example uiSessionSecret(services.adminKey)
 */
export function uiSessionSecret(adminKey: string): string {
  return createHmac('sha256', adminKey).update('daca-ui-session-v1').digest('base64url');
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const unhex = (s: string): string | null => (/^(?:[0-9a-f]{2})*$/.test(s) ? Buffer.from(s, 'hex').toString('utf8') : null);

/**
 * Mints a session token `dacaui_<expiry ms base36>.<role>.<tenant hex or *>.<key id hex>_<hmac>`
 * valid until `now + ttlMs`. The claims are readable by the page (to show what the role may use)
 * and signed, so they cannot be changed; the API still re-checks the key by id on every request.
 * @example mintUiSession(secret, Date.now(), { keyId: 'key_1', role: 'operator', tenant: 'acme' })
 */
export function mintUiSession(secret: string, now: number, who: UiSessionClaims = claimsOf(UI_SESSION_PRINCIPAL), ttlMs: number = UI_SESSION_TTL_MS): string {
  const payload = `${UI_SESSION_PREFIX}${Math.floor(now + ttlMs).toString(36)}.${who.role}.${who.tenant === null ? '*' : hex(who.tenant)}.${hex(who.keyId)}`;
  return `${payload}_${sign(secret, payload)}`;
}

/** The session claims of a principal. */
export function claimsOf(p: Pick<Principal, 'keyId' | 'role' | 'tenant' | 'allTenants'>): UiSessionClaims {
  return { keyId: p.keyId, role: p.role, tenant: p.allTenants ? null : p.tenant };
}

/**
 * Checks a session token: the principal its claims describe when its signature holds and it has
 * not expired, else null. (The caller re-checks that key: see `withUiSessions`.)
 * @example verifyUiSession(secret, token, Date.now()) // → Principal | null
 */
export function verifyUiSession(secret: string, token: string, now: number): Principal | null {
  if (!token.startsWith(UI_SESSION_PREFIX) || token.length > 1024) return null;
  const cut = token.indexOf('_', UI_SESSION_PREFIX.length); // the signature (base64url) may contain '_'
  if (cut <= UI_SESSION_PREFIX.length) return null;
  const payload = token.slice(0, cut);
  const given = Buffer.from(token.slice(cut + 1));
  const wanted = Buffer.from(sign(secret, payload));
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return null;
  const [exp, role, tenantHex, keyHex] = payload.slice(UI_SESSION_PREFIX.length).split('.');
  const expiry = parseInt(exp ?? '', 36);
  if (!Number.isFinite(expiry) || expiry <= now || !isRole(role) || tenantHex === undefined || keyHex === undefined) return null;
  const tenant = tenantHex === '*' ? null : unhex(tenantHex);
  const keyId = unhex(keyHex);
  if (keyId === null || keyId === '' || (tenant === null && tenantHex !== '*')) return null;
  return { keyId, role, tenant: tenant ?? 'default', team: 'default', agent: null, models: null, dev: false, ...(tenant === null ? { allTenants: true } : {}) };
}

/**
 * Where the built dashboard lives: `DACA_UI_DIR`, else `dist/ui` next to the compiled server
 * (`dist/src/server` → `dist/ui`) or next to the sources (`src/server` → `dist/ui`).
 */
export function defaultUiDir(): string {
  if (process.env.DACA_UI_DIR) return resolve(process.env.DACA_UI_DIR);
  const candidates = [resolve(import.meta.dirname, '../../ui'), resolve(import.meta.dirname, '../../dist/ui')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[candidates.length - 1]!;
}

/** Options of the dashboard routes. */
export interface UiRoutesOptions {
  /** The folder of the built app (`dist/ui`). */
  distDir: string;
  /** Authenticates the `Authorization` header of a page load, to inject a session. */
  keyRing?: Pick<KeyRing, 'authenticate'>;
  /** HMAC secret of session tokens ({@link uiSessionSecret}); no injection without it. */
  sessionSecret?: string;
  now?: () => number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Security headers for every dashboard response. */
const SECURITY: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The dashboard routes, mounted at `/ui`: static files with content types and cache headers
 * (hashed `assets/*` immutable, `index.html` revalidated), SPA fallback to `index.html`,
 * `/ui` → `/ui/`, and 503 with a hint when the app has not been built.
 * @example app.route('/ui', uiRoutes({ distDir: defaultUiDir(), keyRing, sessionSecret: uiSessionSecret(adminKey) }))
 */
export function uiRoutes(opts: UiRoutesOptions): Hono {
  const app = new Hono();
  const root = resolve(opts.distDir);
  const now = opts.now ?? Date.now;
  let indexCache: { mtimeMs: number; html: string } | null = null;

  async function indexHtml(): Promise<string | null> {
    const file = join(root, 'index.html');
    try {
      const st = await stat(file);
      if (indexCache?.mtimeMs !== st.mtimeMs) indexCache = { mtimeMs: st.mtimeMs, html: await readFile(file, 'utf8') };
      return indexCache.html;
    } catch {
      return null;
    }
  }

  async function sessionFor(c: Context): Promise<string | null> {
    if (!opts.keyRing || !opts.sessionSecret) return null;
    const m = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    if (!m) return null;
    const principal = await opts.keyRing.authenticate(m[1]!.trim());
    // people's roles only: agent keys and the development key get the page without a session
    return principal && principal.role !== 'agent' && !principal.dev ? mintUiSession(opts.sessionSecret, now(), claimsOf(principal)) : null;
  }

  async function serveIndex(c: Context): Promise<Response> {
    const html = await indexHtml();
    if (html === null) {
      return c.text(`The dashboard is not built: run \`npm run build\` (it builds the web app into ${root}).\n`, 503, { 'cache-control': 'no-store', ...SECURITY });
    }
    const token = await sessionFor(c);
    if (!token) return c.html(html, 200, { 'cache-control': 'no-cache', ...SECURITY });
    const injected = html.replace('</head>', `<meta name="daca-session" content="${token}"></head>`);
    // The page carries a credential: never store it in a shared cache or the back/forward cache.
    return c.html(injected, 200, { 'cache-control': 'no-store, private', vary: 'authorization', ...SECURITY });
  }

  app.get('/', (c) => (new URL(c.req.url).pathname.endsWith('/') ? serveIndex(c) : c.redirect(`${new URL(c.req.url).pathname}/`, 301)));
  app.get('/*', async (c) => {
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path.replace(/^.*?\/ui\/?/, ''));
    } catch {
      return c.text('Bad path\n', 400);
    }
    if (rel === '' || rel === 'index.html') return serveIndex(c);
    const file = resolve(root, rel);
    if (!file.startsWith(root + sep)) return c.text('Not found\n', 404);
    const type = TYPES[extname(file).toLowerCase()];
    if (type) {
      try {
        const body = await readFile(file);
        const immutable = rel.startsWith('assets/');
        return c.body(body, 200, {
          'content-type': type,
          'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          ...SECURITY,
        });
      } catch {
        // a missing file under assets/ is a 404; anything else falls back to the app below
        if (rel.startsWith('assets/')) return c.text('Not found\n', 404, { 'cache-control': 'no-store' });
      }
    }
    return serveIndex(c);
  });
  return app;
}
