/**
 * The abort signal of one upstream attempt: follows the call's signal (client gone, overall
 * deadline) and adds a per-attempt timeout that only runs until the attempt has answered.
 */
import { UpstreamTimeoutError } from '../errors.js';

/** One attempt's signal and its controls. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** True when this attempt's own timeout fired (not the caller's signal). */
  timedOut(): boolean;
  /** The timeout error, once it fired. */
  readonly timeoutError: UpstreamTimeoutError | null;
  /**
   * The attempt answered: stop the timeout but keep following the caller's signal, so a stream
   * that continues after the answer still ends when the client leaves.
   */
  answered(): void;
  /** The attempt failed: stop the timeout and stop following the caller's signal. */
  dispose(): void;
}

/**
 * Derives an attempt signal from `parent`; `timeoutMs` undefined means no per-attempt timeout.
 *
 * @example
 * ```ts
 * const a = attemptSignal(call.signal, 20_000, 'openai/gpt-4o');
 * try { const r = await provider.chat(req, { signal: a.signal, requestId }); a.answered(); }
 * catch (e) { a.dispose(); throw a.timeoutError ?? e; }
 * ```
 */
export function attemptSignal(parent: AbortSignal | undefined, timeoutMs: number | undefined, upstream: string): AttemptSignal {
  if (!timeoutMs && parent) {
    // Nothing to add: the caller's signal is the attempt's signal.
    return { signal: parent, timedOut: () => false, timeoutError: null, answered() {}, dispose() {} };
  }
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let error: UpstreamTimeoutError | null = null;
  const follow = (): void => ac.abort(parent?.reason);
  if (parent) {
    if (parent.aborted) ac.abort(parent.reason);
    else parent.addEventListener('abort', follow, { once: true });
  }
  if (timeoutMs && !ac.signal.aborted) {
    timer = setTimeout(() => {
      error = new UpstreamTimeoutError(`upstream ${upstream} did not answer within ${timeoutMs} ms (timeout_ms)`, { details: { upstream, timeout_ms: timeoutMs } });
      ac.abort(error);
    }, timeoutMs);
  }
  return {
    signal: ac.signal,
    timedOut: () => error !== null,
    get timeoutError() {
      return error;
    },
    answered() {
      clearTimeout(timer);
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', follow);
    },
  };
}
