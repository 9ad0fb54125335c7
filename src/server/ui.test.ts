import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../identity/principal.js';
import { mintUiSession, uiRoutes, uiSessionSecret, UI_SESSION_TTL_MS, verifyUiSession } from './ui.js';

const ADMIN: Principal = { keyId: 'admin', role: 'admin', tenant: 'default', team: 'default', agent: null, models: null, dev: false };
const AGENT: Principal = { ...ADMIN, keyId: 'k1', role: 'agent', agent: 'bot' };
const keyRing = { authenticate: async (s: string) => (s === 'admin-secret' ? ADMIN : s === 'agent-secret' ? AGENT : null) };

function builtApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'daca-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>daca</title></head><body><div id="root"></div></body></html>');
  writeFileSync(join(dir, 'assets/index-abc123.js'), 'console.log("app")');
  writeFileSync(join(dir, 'assets/index-abc123.css'), 'body{}');
  writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
  return dir;
}

function mount(distDir: string, now = () => 1_000_000): Hono {
  const app = new Hono();
  app.route('/ui', uiRoutes({ distDir, keyRing, sessionSecret: uiSessionSecret('admin-secret'), now }));
  return app;
}

describe('dashboard session tokens', () => {
  const secret = uiSessionSecret('admin-secret');

  it('verifies a fresh token as the admin and refuses it after 12 h', () => {
    const t = mintUiSession(secret, 1_000);
    expect(t).toMatch(/^dacaui_[0-9a-z]+\.admin\.\*\.[0-9a-f]+_[A-Za-z0-9_-]{43}$/);
    expect(verifyUiSession(secret, t, 1_000)?.role).toBe('admin');
    const op = mintUiSession(secret, 1_000, { keyId: 'key_a1', role: 'operator', tenant: 'acme_x' });
    expect(verifyUiSession(secret, op, 1_000)).toMatchObject({ keyId: 'key_a1', role: 'operator', tenant: 'acme_x' });
    expect(verifyUiSession(secret, op, 1_000)?.allTenants).toBeUndefined();
    expect(verifyUiSession(secret, t, 1_000 + UI_SESSION_TTL_MS - 1)).not.toBeNull();
    expect(verifyUiSession(secret, t, 1_000 + UI_SESSION_TTL_MS)).toBeNull();
  });

  it('verifies tokens whose signature contains underscores', () => {
    const tokens = Array.from({ length: 64 }, (_, i) => mintUiSession(secret, 1_000 + i));
    expect(tokens.some((t) => t.split('_').length > 3)).toBe(true);
    for (const t of tokens) expect(verifyUiSession(secret, t, 1_000)).not.toBeNull();
  });

  it('refuses tampered, foreign and malformed tokens', () => {
    const t = mintUiSession(secret, 1_000);
    const [, exp, claims, sig] = /^dacaui_([0-9a-z]+)(\.[^_]*)_(.+)$/.exec(t)!; // exp is base36, claims hex: no '_'
    const later = `dacaui_${(parseInt(exp!, 36) + UI_SESSION_TTL_MS).toString(36)}${claims}_${sig}`;
    expect(verifyUiSession(secret, later, 1_000)).toBeNull();
    const promoted = `dacaui_${exp}${claims!.replace('.admin.', '.operator.')}_${sig}`;
    expect(verifyUiSession(secret, promoted, 1_000)).toBeNull();
    expect(verifyUiSession(secret, later, 1_000)).toBeNull();
    expect(verifyUiSession(uiSessionSecret('another-admin-key'), t, 1_000)).toBeNull();
    expect(verifyUiSession(secret, t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A'), 1_000)).toBeNull();
    for (const bad of ['', 'dacaui_', 'dacaui__x', 'admin-secret', `${t}x`, 'dacaui_zz_' + 'a'.repeat(200)]) expect(verifyUiSession(secret, bad, 1_000)).toBeNull();
  });
});

describe('uiRoutes', () => {
  it('redirects /ui to /ui/ and serves index.html without caching it', async () => {
    const app = mount(builtApp());
    const r = await app.request('/ui');
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('/ui/');
    const index = await app.request('/ui/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<div id="root">');
  });

  it('serves hashed assets as immutable with their content types, and 404s a missing one', async () => {
    const app = mount(builtApp());
    const js = await app.request('/ui/assets/index-abc123.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log("app")');
    expect((await app.request('/ui/assets/index-abc123.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await app.request('/ui/favicon.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('no-cache');
    expect((await app.request('/ui/assets/index-gone.js')).status).toBe(404);
  });

  it('falls back to index.html for app routes and never leaves the build folder', async () => {
    const app = mount(builtApp());
    const deep = await app.request('/ui/agents/support-bot');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    for (const p of ['/ui/%2e%2e/%2e%2e/etc/passwd', '/ui/..%2f..%2fetc%2fpasswd', '/ui/assets/..%2f..%2f..%2fetc%2fhosts']) {
      const r = await app.request(p);
      expect(await r.text()).not.toMatch(/root:|localhost/);
    }
    expect((await app.request('/ui/%E0%A4%A')).status).toBe(400);
  });

  it('injects a session token for an admin Authorization header only', async () => {
    const app = mount(builtApp(), () => 5_000);
    const admin = await app.request('/ui/', { headers: { authorization: 'Bearer admin-secret' } });
    const html = await admin.text();
    const token = /<meta name="daca-session" content="([^"]+)"><\/head>/.exec(html)?.[1];
    expect(token).toBeDefined();
    expect(verifyUiSession(uiSessionSecret('admin-secret'), token!, 5_000)).not.toBeNull();
    expect(admin.headers.get('cache-control')).toBe('no-store, private');
    for (const h of ['Bearer agent-secret', 'Bearer wrong', 'Basic admin-secret']) {
      const r = await app.request('/ui/', { headers: { authorization: h } });
      expect(r.status).toBe(200);
      expect(await r.text()).not.toContain('daca-session');
    }
  });

  it('answers 503 with the build command when the app is not built', async () => {
    const app = mount(join(tmpdir(), 'daca-ui-not-built-' + process.pid));
    const r = await app.request('/ui/');
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('npm run build');
  });
});
