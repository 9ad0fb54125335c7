/**
 * `useApi(path)`: reads an admin API document, re-reading on every live tick without flashing
 * (the previous data stays until the new one arrives).
 */
import { useEffect, useState } from 'react';
import { ApiError, apiGet } from './api';
import { useLive } from './live';

/** The state of one API read. */
export interface ApiState<T> {
  data: T | null;
  error: ApiError | Error | null;
  loading: boolean;
  /** True when the server has no such endpoint (not shipped yet). */
  unavailable: boolean;
}

/** Options of {@link useApi}. */
export interface UseApiOptions {
  /**
   * Re-read on every live tick (default true). False for documents that are costly to compute and
   * do not change with each request (eval runs, savings advice): they are read once per path.
   */
  live?: boolean;
}

/** Reads `path` (null: nothing to read) and keeps it fresh. */
export function useApi<T>(path: string | null, opts: UseApiOptions = {}): ApiState<T> {
  const live = useLive();
  const tick = opts.live === false ? 0 : live.tick;
  const [state, setState] = useState<ApiState<T> & { path: string | null }>({ data: null, error: null, loading: true, unavailable: false, path });

  useEffect(() => {
    if (path === null) {
      setState({ data: null, error: null, loading: false, unavailable: false, path });
      return;
    }
    const ac = new AbortController();
    if (state.path !== path) setState({ data: null, error: null, loading: true, unavailable: false, path });
    apiGet<T>(path, ac.signal).then(
      (data) => setState({ data, error: null, loading: false, unavailable: false, path }),
      (e: unknown) => {
        if (ac.signal.aborted) return;
        const error = e instanceof Error ? e : new Error(String(e));
        const unavailable = error instanceof ApiError && error.unavailable;
        // keep showing the last good data when a refresh fails
        setState((s) => ({ data: s.path === path && !unavailable ? s.data : null, error, loading: false, unavailable, path }));
      },
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, tick]);

  return state.path === path ? state : { data: null, error: null, loading: true, unavailable: false };
}
