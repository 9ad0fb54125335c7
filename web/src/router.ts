/**
 * A tiny path router under `/ui/`: `useRoute()` gives the path segments and query, `navigate()`
 * pushes history; the server falls back to index.html for every path.
 */
import { useSyncExternalStore } from 'react';

/** The base path the app is served under. */
export const BASE = '/ui/';

/** The current route: segments after `/ui/` and the query. */
export interface Route {
  parts: string[];
  query: URLSearchParams;
}

const listeners = new Set<() => void>();
let snapshot: { key: string; route: Route } | null = null;

function current(): { key: string; route: Route } {
  const key = location.pathname + location.search;
  if (snapshot?.key !== key) {
    const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
    snapshot = { key, route: { parts: rest.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(location.search) } };
  }
  return snapshot;
}

function subscribe(f: () => void): () => void {
  listeners.add(f);
  window.addEventListener('popstate', f);
  return () => {
    listeners.delete(f);
    window.removeEventListener('popstate', f);
  };
}

/** The current route; re-renders on navigation. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, current).route;
}

/** The href of an app path like `agents/support-bot`. */
export function href(path: string): string {
  return BASE + path.replace(/^\//, '');
}

/** Goes to an app path without reloading. */
export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  const url = href(path);
  if (url === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.scrollTo(0, 0);
  for (const f of listeners) f();
}
