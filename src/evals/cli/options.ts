/**
 * Shared plumbing of the `daca eval` commands: flag parsing, the model API target, the run store,
 * and writing reports.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidRequestError } from '../../errors.js';
import type { RunResults } from '../results.js';
import { renderHtmlReport } from '../reports/html.js';
import { renderJunit } from '../reports/junit.js';
import { summarizeRun } from '../reports/summary.js';
import { JsonlRunStore } from '../sinks/jsonl-sink.js';
import type { ResultSink, RunSource } from '../sinks/types.js';

/** Flags shared by `eval run` and `eval gate`. */
export interface EvalFlags {
  suite: string;
  model?: string;
  agentUrl?: string;
  agentCommand?: string;
  baseUrl?: string;
  apiKey?: string;
  simModel?: string;
  judgeModel?: string;
  seed: string;
  concurrency: string;
  trials?: string;
  results: string;
  store?: string;
  dataDir: string;
  json?: boolean;
  junit?: string;
  html?: string;
  progress?: boolean;
}

/** A non-negative integer flag. */
export function intFlag(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidRequestError(`--${name} expects a non-negative integer (got '${v}')`);
  return n;
}

/** A number flag in [min, max]. */
export function numFlag(name: string, v: string | undefined, min = 0, max = Infinity): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(String(v).replace(/%$/, '')) / (String(v).endsWith('%') ? 100 : 1);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidRequestError(`--${name} expects a number in [${min}, ${max}] (got '${v}')`);
  return n;
}

/** The model API: `--base-url`, `DACA_BASE_URL`, `DACA_URL` + `/v1`, or the local default; key from `--api-key`, `DACA_API_KEY`, or `.daca/dev-key`. */
export function modelApi(f: Pick<EvalFlags, 'baseUrl' | 'apiKey' | 'dataDir'>): { baseUrl: string; apiKey?: string } {
  const baseUrl = f.baseUrl ?? process.env.DACA_BASE_URL ?? `${(process.env.DACA_URL ?? `http://127.0.0.1:${process.env.DACA_PORT ?? 8700}`).replace(/\/+$/, '')}/v1`;
  let apiKey = f.apiKey ?? process.env.DACA_API_KEY;
  if (!apiKey) {
    const dev = join(f.dataDir, 'dev-key');
    if (existsSync(dev)) apiKey = readFileSync(dev, 'utf8').trim();
  }
  return { baseUrl, ...(apiKey ? { apiKey } : {}) };
}

/** The run store: the daca store when `--store <url>` is given, else JSONL files in `--results`. */
export async function openRunStore(f: Pick<EvalFlags, 'store' | 'results' | 'dataDir'>): Promise<{ sink: ResultSink & RunSource; close(): Promise<void> }> {
  if (!f.store) return { sink: new JsonlRunStore(f.results), close: async () => {} };
  const { openStore } = await import('../../store/open-store.js');
  const { StoreRunRepo } = await import('../sinks/store-sink.js');
  const store = await openStore({ databaseUrl: f.store, dataDir: f.dataDir });
  return { sink: new StoreRunRepo(store), close: () => store.close() };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes the `--junit` and `--html` files a command asked for. */
export function writeReports(run: RunResults, f: Pick<EvalFlags, 'junit' | 'html'>): void {
  if (f.junit) write(f.junit, renderJunit(run));
  if (f.html) write(f.html, renderHtmlReport(run));
}

/** The JSON printed by `--json`: the summary plus every trial. */
export function runJson(run: RunResults): unknown {
  return { ...summarizeRun(run), trials: run.trials };
}
