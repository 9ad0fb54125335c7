/**
 * `daca up --watch`: applies the spec file to a {@link LiveNode} whenever it changes (debounced),
 * and, for a split spec, whenever a file it includes changes (the folders of every part are
 * watched, so editors that replace files and new files matching an include glob are seen; in the
 * spec file's own folder only the spec's files count). An invalid or failing spec is reported and
 * the one in force stays. A spec applied otherwise (`daca apply --live`) stays until a watched file changes.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseSpecText, specText } from '../spec/loader.js';
import type { LiveApplyResult, LiveNode } from './live-node.js';

/** What the watcher reports. */
export interface WatchEvents {
  onApplied?: (r: LiveApplyResult) => void;
  onError?: (e: unknown) => void;
}

/**
 * Watches `path` (and the files it includes); returns a function that stops watching.
 * @example
 * ```ts
 * const stop = watchSpecFile('daca.yaml', live, { onApplied: (r) => log.info(r.plan.counts, 'spec applied') });
 * ```
 */
export function watchSpecFile(path: string, live: LiveNode, ev: WatchEvents = {}, debounceMs = 200): () => void {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const dirs = new Map<string, FSWatcher>();
  const rootDir = dirname(resolve(path));
  let files = new Set<string>();
  // In the spec file's own folder only the spec's files count (other YAML there is not part of it);
  // in the folders of included files any YAML file does (a new file may match an include glob).
  // A Kubernetes ConfigMap volume swaps its `..data` symlink on update: that counts as a change too.
  const onEvent = (dir: string, name: string | Buffer | null): void => {
    const n = String(name ?? '');
    if (stopped || !name) return;
    if (!n.startsWith('..data') && (!/\.ya?ml$/i.test(n) || (dir === rootDir && !files.has(join(dir, n))))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), debounceMs);
  };
  const follow = (list: readonly string[]): void => {
    files = new Set(list.map((f) => resolve(f)));
    const want = new Set([...files].map((f) => dirname(f)));
    for (const [d, w] of dirs) if (!want.has(d)) (w.close(), dirs.delete(d));
    for (const d of want) if (!dirs.has(d)) dirs.set(d, watch(d, (_e, name) => onEvent(d, name)));
  };
  const run = async (): Promise<void> => {
    try {
      const text = await readFile(path, 'utf8');
      const next = parseSpecText(text, path, process.env);
      follow(next.files ?? [path]);
      if (next.hash === live.spec.hash) return;
      const r = await live.apply(next, { text: specText(next, text), actor: 'watch' });
      if (r.swapped) ev.onApplied?.(r);
    } catch (e) {
      ev.onError?.(e);
    }
  };
  follow(live.spec.files ?? [path]);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    for (const w of dirs.values()) w.close();
  };
}
