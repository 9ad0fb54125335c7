/**
 * `daca up --watch`: applies the spec file to a {@link LiveNode} whenever it changes (debounced);
 * an invalid or failing spec is reported and the one in force stays.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseSpecText } from '../spec/loader.js';
import type { LiveApplyResult, LiveNode } from './live-node.js';

/** What the watcher reports. */
export interface WatchEvents {
  onApplied?: (r: LiveApplyResult) => void;
  onError?: (e: unknown) => void;
}

/**
 * Watches `path`; returns a function that stops watching.
 * @example
 * ```ts
 * const stop = watchSpecFile('daca.yaml', live, { onApplied: (r) => log.info(r.plan.counts, 'spec applied') });
 * ```
 */
export function watchSpecFile(path: string, live: LiveNode, ev: WatchEvents = {}, debounceMs = 200): () => void {
  let timer: NodeJS.Timeout | null = null;
  let last = '';
  const run = async (): Promise<void> => {
    try {
      const text = await readFile(path, 'utf8');
      if (text === last) return;
      last = text;
      const r = await live.apply(parseSpecText(text, path, process.env), { text, actor: 'watch' });
      if (r.swapped) ev.onApplied?.(r);
    } catch (e) {
      ev.onError?.(e);
    }
  };
  const w: FSWatcher = watch(path, () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), debounceMs);
  });
  return () => {
    if (timer) clearTimeout(timer);
    w.close();
  };
}
