/**
 * Per-request control markers of the sim provider, written inside message text as `[sim:key=value]`.
 *
 * Markers are read from every `system`/`developer` message and from the last `user` message
 * (later ones win) and are stripped before the sim looks at the words of a message.
 *
 * | marker | effect |
 * |---|---|
 * | `[sim:fail=500]` (any 5xx) | throw `UpstreamError` with `details.upstream_status` = that status |
 * | `[sim:fail=429]` | throw `RateLimitError` (retry-after 1 s) |
 * | `[sim:fail=timeout]` | hang until the call's `AbortSignal` fires, then throw `UpstreamTimeoutError` |
 * | `[sim:fail=malformed]` | streams break half-way with an `UpstreamError`; non-streaming calls get a 502-like `UpstreamError` |
 * | `[sim:ttft=200]` | time to first token in ms (overrides model and provider settings) |
 * | `[sim:tps=50]` | output speed in tokens per second (0 = instant) |
 * | `[sim:tokens=50]` | reply length in tokens (still capped by `max_tokens`) |
 * | `[sim:difficulty=0.8]` | task difficulty in [0,1] for the quality model (also `extra.metadata.difficulty`) |
 * | `[sim:answer=Paris]` | the expected answer: a successful reply contains it, a failed one does not |
 */
import { InvalidRequestError } from '../../errors.js';
import type { ChatMessage } from '../types.js';

/** Parsed `[sim:…]` markers of one request. */
export interface SimMarkers {
  /** Forced failure: an HTTP status (429 or 5xx), `timeout` or `malformed`. */
  fail?: number | 'timeout' | 'malformed';
  ttftMs?: number;
  tokensPerSecond?: number;
  tokens?: number;
  difficulty?: number;
  answer?: string;
}

const MARKER = /\[sim:([a-z_]+)=([^\]]*)\]/gi;

/** The text of a message's content (text parts joined by newlines). */
export function messageText(content: ChatMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  let out = '';
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') out += (out ? '\n' : '') + part.text;
  }
  return out;
}

/** `text` without its `[sim:…]` markers. */
export function stripMarkers(text: string): string {
  return text.indexOf('[sim:') === -1 ? text : text.replace(MARKER, '').replace(/\s{2,}/g, ' ').trim();
}

function nonNegative(key: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidRequestError(`sim marker [sim:${key}=${value}]: expected a non-negative number`);
  return n;
}

function apply(markers: SimMarkers, key: string, value: string): void {
  switch (key.toLowerCase()) {
    case 'fail': {
      const v = value.trim().toLowerCase();
      if (v === 'timeout' || v === 'malformed') markers.fail = v;
      else if (v === '429' || /^5\d\d$/.test(v)) markers.fail = Number(v);
      else throw new InvalidRequestError(`sim marker [sim:fail=${value}]: expected 429, a 5xx status, timeout or malformed`);
      return;
    }
    case 'ttft':
      markers.ttftMs = nonNegative(key, value);
      return;
    case 'tps':
      markers.tokensPerSecond = nonNegative(key, value);
      return;
    case 'tokens':
      markers.tokens = Math.floor(nonNegative(key, value));
      return;
    case 'difficulty': {
      const d = nonNegative(key, value);
      if (d > 1) throw new InvalidRequestError(`sim marker [sim:difficulty=${value}]: expected a number in [0, 1]`);
      markers.difficulty = d;
      return;
    }
    case 'answer':
      markers.answer = value.trim();
      return;
    default:
      throw new InvalidRequestError(`unknown sim marker [sim:${key}=…]; known: fail, ttft, tps, tokens, difficulty, answer`);
  }
}

function scan(markers: SimMarkers, text: string): void {
  if (text.indexOf('[sim:') === -1) return;
  MARKER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = MARKER.exec(text)) !== null) apply(markers, m[1] as string, m[2] as string);
}

/** Index of the last `user` message, or -1. */
export function lastUserIndex(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return i;
  return -1;
}

/** Reads the markers of a request (system/developer messages, then the last user message). */
export function parseSimMarkers(messages: readonly ChatMessage[]): SimMarkers {
  const markers: SimMarkers = {};
  for (const m of messages) if (m.role === 'system' || m.role === 'developer') scan(markers, messageText(m.content));
  const u = lastUserIndex(messages);
  if (u >= 0) scan(markers, messageText((messages[u] as ChatMessage).content));
  return markers;
}
