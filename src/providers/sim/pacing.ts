/**
 * Simulated latency: waiting until an offset from the start of a call, through an injectable,
 * abort-aware sleep (so tests never sleep for real).
 */
import { UpstreamError } from '../../errors.js';
import { abortError } from './failures.js';

/** Sleeps `ms`, rejecting promptly when `signal` aborts. */
export type SleepFn = (ms: number, signal: AbortSignal) => Promise<void>;

/** The default {@link SleepFn}: a timer cleared on abort. */
export const timerSleep: SleepFn = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Latency settings and clock of one call. */
export interface Pacer {
  provider: string;
  signal: AbortSignal;
  now: () => number;
  sleep: SleepFn;
  ttftMs: number;
  /** 0 = instant. */
  tokensPerSecond: number;
  /** `now()` when the call started (only read when pacing is on). */
  t0: number;
}

/** True when the call needs any waiting at all (otherwise no timer and no clock read happens). */
export function isPaced(p: Pick<Pacer, 'ttftMs' | 'tokensPerSecond'>): boolean {
  return p.ttftMs > 0 || p.tokensPerSecond > 0;
}

/** Milliseconds after the first token at which `tokens` more tokens are out. */
export function tokenOffsetMs(p: Pacer, tokens: number): number {
  return p.tokensPerSecond > 0 ? (tokens * 1000) / p.tokensPerSecond : 0;
}

/** Throws the abort error when the call's signal has fired. */
export function checkAborted(p: Pick<Pacer, 'provider' | 'signal'>): void {
  if (p.signal.aborted) throw abortError(p.provider, p.signal, false);
}

/** Waits until `t0 + offsetMs` (no-op when that time has passed); throws promptly on abort. */
export async function waitUntil(p: Pacer, offsetMs: number): Promise<void> {
  const delay = p.t0 + offsetMs - p.now();
  if (delay > 0) {
    try {
      await p.sleep(delay, p.signal);
    } catch (e) {
      if (p.signal.aborted) throw abortError(p.provider, p.signal, false);
      throw new UpstreamError(`sim provider '${p.provider}': sleep failed`, { cause: e });
    }
  }
  checkAborted(p);
}
