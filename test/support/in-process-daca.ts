/**
 * Starts daca in this process (real HTTP server on port 0, temp data dir) from a spec text.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseSpecText } from '../../src/spec/loader.js';
import { startDaca, type RunningDaca } from '../../src/server/serve.js';

/** The admin key of in-process test servers. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/** Starts a daca node from spec YAML; `close()` it after the test. */
export async function startTestDaca(specYaml: string, opts: { dataDir?: string; databaseUrl?: string } = {}): Promise<RunningDaca> {
  return startDaca({
    spec: parseSpecText(specYaml, 'test.yaml', {}),
    dataDir: opts.dataDir ?? mkdtempSync(join(tmpdir(), 'daca-test-')),
    databaseUrl: opts.databaseUrl,
    adminKey: TEST_ADMIN_KEY,
    devKey: false,
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
  });
}

/** POSTs JSON with a bearer key. */
export function post(url: string, key: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
