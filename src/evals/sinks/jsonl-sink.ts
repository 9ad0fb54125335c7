/**
 * Runs as JSON Lines files, `<dir>/<run-id>.jsonl`: a `run` header line, one `trial` line per
 * finished trial (written synchronously, so a crash loses at most the trial in flight), and an
 * `end` line. The default store of `daca eval run`; files diff and archive well in CI.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidRequestError } from '../../errors.js';
import type { RunMeta, RunResults, TrialResult } from '../results.js';
import { assertResumable } from './resume-check.js';
import type { ResultSink, RunSource } from './types.js';

type Line = ({ type: 'run' } & RunMeta) | ({ type: 'trial' } & TrialResult) | { type: 'end'; finishedAt: number };

/**
 * Parses a run file's text (unfinished last lines are ignored).
 *
 * @throws {InvalidRequestError} when the text has no run header.
 */
export function parseRunJsonl(text: string, file: string): RunResults {
  let meta: RunMeta | undefined;
  const byKey = new Map<string, TrialResult>();
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue; // a torn last line after a crash
    }
    if (line.type === 'run') {
      const { type: _t, ...m } = line;
      meta = m;
    } else if (line.type === 'trial') {
      const { type: _t, ...r } = line;
      byKey.set(r.key, r);
    } else if (line.type === 'end' && meta) meta.finishedAt = line.finishedAt;
  }
  if (!meta) throw new InvalidRequestError(`${file} is not an eval run file (no run header)`);
  return { meta, trials: [...byKey.values()] };
}

/**
 * A {@link ResultSink} and {@link RunSource} over a folder of `.jsonl` run files.
 *
 * @example
 * ```ts
 * const sink = new JsonlRunStore('.daca/evals');
 * ```
 */
export class JsonlRunStore implements ResultSink, RunSource {
  private fd: number | null = null;

  constructor(readonly dir: string) {}

  /** The file of a run. */
  pathOf(runId: string): string {
    return join(this.dir, `${runId}.jsonl`);
  }

  async open(meta: RunMeta): Promise<TrialResult[]> {
    mkdirSync(this.dir, { recursive: true });
    const path = this.pathOf(meta.id);
    let done: TrialResult[] = [];
    const existed = existsSync(path);
    if (existed) {
      const prev = parseRunJsonl(readFileSync(path, 'utf8'), path);
      assertResumable(prev.meta, meta);
      done = prev.trials;
      meta.startedAt = prev.meta.startedAt;
    }
    this.fd = openSync(path, 'a');
    if (!existed) writeSync(this.fd, JSON.stringify({ type: 'run', ...meta }) + '\n');
    return done;
  }

  append(result: TrialResult): void {
    if (this.fd === null) throw new InvalidRequestError('run store is not open');
    writeSync(this.fd, JSON.stringify({ type: 'trial', ...result }) + '\n');
  }

  async finish(meta: RunMeta): Promise<void> {
    if (this.fd === null) return;
    writeSync(this.fd, JSON.stringify({ type: 'end', finishedAt: meta.finishedAt ?? Date.now() }) + '\n');
    closeSync(this.fd);
    this.fd = null;
  }

  async load(runId: string): Promise<RunResults | undefined> {
    const path = runId.endsWith('.jsonl') ? runId : this.pathOf(runId);
    if (!existsSync(path)) return undefined;
    return parseRunJsonl(readFileSync(path, 'utf8'), path);
  }
}
