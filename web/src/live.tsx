/**
 * Live updates: subscribes to `GET /api/events` (SSE, key as `?key=`) and bumps a refresh tick on
 * every event (at most once a second, plus one trailing re-read so figures written in a batch just
 * after the event are caught); when the stream fails, polls every 5 s instead. While the stream is
 * up, a re-read every 30 s covers events the server does not publish.
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { UsageEvent } from './types';

/** How fresh figures are kept. */
export type LiveMode = 'connecting' | 'live' | 'polling';

/** What the live context offers. */
export interface Live {
  /** Increments whenever figures should be re-read. */
  tick: number;
  mode: LiveMode;
  /** The latest usage events from the stream, newest first (empty when polling). */
  recent: UsageEvent[];
  /** Re-reads now. */
  refresh(): void;
}

const LiveContext = createContext<Live>({ tick: 0, mode: 'polling', recent: [], refresh: () => {} });

/** The poll interval when the event stream is unavailable (ms). */
export const POLL_MS = 5_000;

/** The safety re-read interval while the event stream is up (ms). */
export const LIVE_REFRESH_MS = 30_000;

/**
 * How long after start-up the stream is opened (ms). Figures are read at once anyway; waiting lets
 * the page's first load settle, so tools that wait for an idle network (scripted browsers taking
 * screenshots) are not held up by a connection that never ends.
 */
export const CONNECT_DELAY_MS = 2_000;

/** The trailing re-read after a burst of events (ms). */
const TRAILING_MS = 2_500;

/** Provides live updates to the pages below it. */
export function LiveProvider({ secret, children }: { secret: string; children: ReactNode }) {
  const [tick, setTick] = useState(0);
  const [mode, setMode] = useState<LiveMode>('connecting');
  const [recent, setRecent] = useState<UsageEvent[]>([]);
  const pending = useRef<number | null>(null);

  useEffect(() => {
    let es: EventSource | null = null;
    let poll: number | null = null;
    let safety: number | null = null;
    let trailing: number | null = null;
    let closed = false;
    let lastBump = 0;
    const bump = (): void => {
      if (trailing !== null) window.clearTimeout(trailing);
      trailing = window.setTimeout(() => {
        trailing = null;
        setTick((t) => t + 1);
      }, TRAILING_MS);
      if (pending.current !== null) return;
      const wait = Math.max(0, lastBump + 1000 - Date.now());
      pending.current = window.setTimeout(() => {
        pending.current = null;
        lastBump = Date.now();
        setTick((t) => t + 1);
      }, wait);
    };
    const startPolling = (): void => {
      setMode('polling');
      if (safety !== null) window.clearInterval(safety);
      safety = null;
      if (poll === null) poll = window.setInterval(() => setTick((t) => t + 1), POLL_MS);
    };
    const stopPolling = (): void => {
      if (poll !== null) window.clearInterval(poll);
      poll = null;
      if (safety === null) safety = window.setInterval(() => setTick((t) => t + 1), LIVE_REFRESH_MS);
    };
    const connect = (): void => {
      if (closed) return;
      es = new EventSource(`/api/events?key=${encodeURIComponent(secret)}`);
      es.onopen = () => {
        if (closed) return;
        stopPolling();
        setMode('live');
        bump(); // catch up on what happened while the stream was down
      };
      es.onerror = () => {
        if (closed) return;
        // CLOSED: the server refused the stream (e.g. no such route); CONNECTING: it retries.
        startPolling();
        if (es?.readyState === EventSource.CLOSED) es = null;
      };
      es.addEventListener('usage', (e) => {
        try {
          const u = JSON.parse((e as MessageEvent<string>).data) as UsageEvent;
          setRecent((r) => [u, ...r].slice(0, 12));
        } catch {
          /* a malformed event is not worth breaking the page for */
        }
        bump();
      });
      es.addEventListener('alert', bump);
      es.addEventListener('anomaly', bump);
    };
    const delay = typeof EventSource === 'undefined' ? null : window.setTimeout(connect, CONNECT_DELAY_MS);
    if (delay === null) startPolling();
    return () => {
      if (delay !== null) window.clearTimeout(delay);
      closed = true;
      es?.close();
      for (const t of [poll, safety]) if (t !== null) window.clearInterval(t);
      if (trailing !== null) window.clearTimeout(trailing);
      if (pending.current !== null) window.clearTimeout(pending.current);
      pending.current = null;
    };
  }, [secret]);

  return <LiveContext.Provider value={{ tick, mode, recent, refresh: () => setTick((t) => t + 1) }}>{children}</LiveContext.Provider>;
}

/** The live context. */
export function useLive(): Live {
  return useContext(LiveContext);
}
