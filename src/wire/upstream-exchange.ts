/**
 * One HTTP exchange with an upstream provider: fetch with the caller's abort signal and a
 * no-progress timeout, typed errors, and a guaranteed socket close when the exchange ends early.
 */
import { UpstreamError, UpstreamTimeoutError, isDacaError } from '../errors.js';
import type { CallContext } from '../providers/types.js';
import { errorFromUpstreamResponse } from './upstream-error.js';

/** The error to rethrow when the caller aborted: the signal's reason, or a DOMException `AbortError`. */
export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new DOMException('The operation was aborted', 'AbortError');
}

/**
 * Wraps one upstream request. `timeoutMs` is the longest the upstream may go without progress:
 * until the full body for plain calls; between chunks for streams (call `touch()` per chunk).
 * Always call `end()` in a `finally`: it clears the timer and aborts the request if it is unfinished,
 * which closes the socket so the upstream sees the disconnect.
 *
 * @example
 * ```ts
 * const x = new UpstreamExchange('openai', req.model, 60_000, ctx);
 * try { const res = await x.post(url, headers, body); return await res.json(); }
 * catch (e) { throw x.error(e); } finally { x.end(done); }
 * ```
 */
export class UpstreamExchange {
  private readonly ac = new AbortController();
  private readonly onAbort: () => void;
  private timer: NodeJS.Timeout | undefined;
  private last = Date.now();
  private timedOut = false;
  private done = false;

  constructor(
    private readonly provider: string,
    private readonly model: string,
    private readonly timeoutMs: number,
    private readonly ctx: CallContext,
  ) {
    this.onAbort = () => this.ac.abort(ctx.signal.reason);
    if (ctx.signal.aborted) this.ac.abort(ctx.signal.reason);
    else ctx.signal.addEventListener('abort', this.onAbort, { once: true });
    this.timer = setTimeout(this.check, timeoutMs);
  }

  private readonly check = (): void => {
    const idle = Date.now() - this.last;
    if (idle >= this.timeoutMs) {
      this.timedOut = true;
      this.timer = undefined;
      this.ac.abort(new UpstreamTimeoutError(`Provider "${this.provider}" made no progress for ${this.timeoutMs} ms`, { details: { provider: this.provider } }));
    } else {
      this.timer = setTimeout(this.check, this.timeoutMs - idle);
    }
  };

  /** Records upstream progress (resets the no-progress timeout). */
  touch(): void {
    this.last = Date.now();
  }

  /** POSTs `body`; resolves with a 2xx response or throws the mapped daca error. */
  async post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal: this.ac.signal });
    } catch (e) {
      throw this.error(e);
    }
    this.touch();
    if (res.ok) return res;
    let text = '';
    try {
      text = await res.text();
    } catch (e) {
      throw this.error(e);
    }
    throw errorFromUpstreamResponse(this.provider, this.model, res.status, res.headers, text);
  }

  /** Maps anything thrown during the exchange to the error to surface. */
  error(e: unknown): Error {
    if (this.ctx.signal.aborted) return abortError(this.ctx.signal);
    if (this.timedOut) return this.ac.signal.reason as Error;
    if (isDacaError(e)) return e;
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
    const why = cause instanceof Error ? cause.message : String(cause);
    return new UpstreamError(`Provider "${this.provider}" could not be reached: ${why}`, {
      details: { provider: this.provider, upstream_status: null, upstream_message: why },
      cause: e,
    });
  }

  /**
   * Ends the exchange: clears the timer and, unless `finished` (the body was read to its end),
   * aborts the request so its socket is closed.
   */
  end(finished = false): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.ctx.signal.removeEventListener('abort', this.onAbort);
    if (!finished && !this.ac.signal.aborted) this.ac.abort();
  }
}
