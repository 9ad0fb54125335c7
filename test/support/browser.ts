/**
 * Debian's chromium driven by playwright-core, and the built dashboard, for browser tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian installs chromium (`apt-get install -y chromium`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ROOT = resolve(import.meta.dirname, '../..');

/** Launches headless chromium; throws (never skips) with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the dashboard into dist/ui unless it is newer than every file under web/; returns its folder. */
export function ensureUiBuilt(): string {
  const out = join(ROOT, 'dist/ui');
  const index = join(out, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, 'web'))) return out;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/** What {@link phoneWidth} needs from a dashboard test. */
export interface PhoneCheck {
  browser: Browser;
  /** daca's origin. */
  url: string;
  /** Bearer key sent with every `/ui/` request. */
  key: string;
  /** Folder for the `<page>-phone.png` screenshot. */
  shots: string;
  /** Collects uncaught page errors. */
  errors: string[];
}

/** Opens `/ui/<path>` on a 390 px phone, waits for `testId`, and returns the document's width (the page must fit). */
export async function phoneWidth(c: PhoneCheck, path: string, testId: string): Promise<number> {
  const ctx = await c.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => c.errors.push(`${page.url()}: ${e.message}`));
  await page.route(`${c.url}/ui/**`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${c.key}` } }));
  await page.goto(`${c.url}/ui/${path}`);
  await page.getByTestId(testId).waitFor();
  await page.waitForTimeout(500);
  const w = Number(await page.evaluate('document.documentElement.scrollWidth'));
  await page.screenshot({ path: join(c.shots, `${testId.replace(/^page-/, '')}-phone.png`), fullPage: true });
  await ctx.close();
  return w;
}
