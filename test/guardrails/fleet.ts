/**
 * Helpers of the guardrail end-to-end tests: `daca up` nodes started from a spec file, a unique
 * PostgreSQL schema per test file, the openai SDK pointed at a node, and polling with a deadline.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startDacaProcess, type DacaProcess } from '../support/daca-process.js';
import { TEST_DATABASE_URL } from '../support/pg-schema.js';

export { dropSchema } from '../support/pg-schema.js';

/** PostgreSQL of the test environment (trust auth). */
export const PG_URL = TEST_DATABASE_URL;
/** Redis of the test environment. */
export const REDIS_URL = process.env.DACA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Admin key of every node these tests start. */
export const ADMIN_KEY = 'guard-admin-key-0123456789abcdef';

/** A unique suffix for schemas, Redis prefixes and folders of one test run. */
export function runId(label: string): string {
  return `${label}_${process.pid}_${Date.now().toString(36)}`;
}

/** Writes `yaml` to `daca.yaml` in a fresh folder; returns the file path. */
export function writeSpec(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'daca-guard-spec-')), 'daca.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** Starts `count` `daca up` processes on the same spec file (each in its own folder) and environment. */
export async function startNodes(count: number, specFile: string, env: Record<string, string> = {}): Promise<DacaProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startDacaProcess({ args: ['--spec', specFile], env: { DACA_ADMIN_KEY: ADMIN_KEY, ...env } })));
}

/** Stops nodes (SIGTERM: they flush usage and budgets and return leases). */
export async function stopNodes(nodes: readonly (DacaProcess | undefined)[]): Promise<void> {
  await Promise.all(nodes.map((n) => n?.stop()));
}

/** The PostgreSQL URL of a node using `schema`. */
export function pgUrl(schema: string): string {
  return `${PG_URL}?schema=${schema}`;
}


/** The openai SDK on a node, never retrying (every refusal must reach the test). */
export function sdk(url: string, apiKey: string, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });
}

/** GETs an admin API path as JSON (throws on a non-2xx status). */
export async function adminGet<T>(url: string, path: string): Promise<T> {
  const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** POSTs JSON to an admin API path; returns the response. */
export function adminPost(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The outcome of one gateway call made with the SDK. */
export interface CallOutcome {
  status: number;
  /** `error.code` of a refusal. */
  code: string | null;
  /** The OpenAI error object of a refusal (message, type, code, param and daca's details). */
  error: Record<string, unknown> | null;
  headers: Headers;
  /** `x-daca-cost-usd` in micro-dollars (0 when absent). */
  costMicros: number;
}

/** Runs an SDK call, turning an `APIError` into an outcome instead of a rejection. */
export async function outcome(run: () => Promise<{ response: Response }>): Promise<CallOutcome> {
  try {
    const { response } = await run();
    return { status: response.status, code: null, error: null, headers: response.headers, costMicros: costOf(response.headers) };
  } catch (e) {
    if (!(e instanceof OpenAI.APIError) || e.status === undefined) throw e;
    const error = (e.error ?? null) as Record<string, unknown> | null;
    return { status: e.status, code: typeof error?.code === 'string' ? error.code : null, error, headers: e.headers ?? new Headers(), costMicros: costOf(e.headers) };
  }
}

function costOf(h: Headers | undefined): number {
  const v = h?.get('x-daca-cost-usd');
  return v ? Math.round(Number(v) * 1e6) : 0;
}
