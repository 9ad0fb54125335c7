/**
 * W3C Trace Context: `traceparent` / `tracestate` parsing, formatting and id generation.
 *
 * Ids come from a pool of random bytes filled with `crypto.randomFillSync` 4 KiB at a time and
 * hex-encoded once per fill, so a new id is a substring of a ready string (no per-id syscall or
 * encoding).
 */
import { randomFillSync } from 'node:crypto';

/** The parts of a valid `traceparent` header. */
export interface TraceParent {
  /** 32 lowercase hex characters, not all zero. */
  traceId: string;
  /** The caller's span id: 16 lowercase hex characters, not all zero. */
  spanId: string;
  /** Whether the caller sampled (recorded) its span: bit 0 of the trace flags. */
  sampled: boolean;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?$/;
const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_SPAN = '0000000000000000';

/**
 * Parses a `traceparent` header; `null` when it is absent or invalid (then the caller's context is
 * ignored, as the W3C spec requires). Versions above 00 are read by their 00 fields.
 * @example
 * ```ts
 * parseTraceParent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
 * // { traceId: '0af7…319c', spanId: 'b7ad6b7169203331', sampled: true }
 * ```
 */
export function parseTraceParent(header: string | undefined | null): TraceParent | null {
  if (!header) return null;
  const h = header.length > 55 ? header.trim() : header;
  if (h.length < 55 || !TRACEPARENT.test(h)) return null;
  const version = h.slice(0, 2);
  if (version === 'ff' || (version === '00' && h.length !== 55)) return null;
  const traceId = h.slice(3, 35);
  const spanId = h.slice(36, 52);
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return null;
  return { traceId, spanId, sampled: (parseInt(h.slice(53, 55), 16) & 1) === 1 };
}

/** Formats a version-00 `traceparent`. */
export function formatTraceParent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

const TRACESTATE_MEMBER = /^(?:[a-z][_0-9a-z\-*/]{0,255}|(?:[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13}))=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * Validates a `tracestate` header for pass-through: at most 32 list members, each `key=value` per
 * the W3C grammar, no duplicate keys. Returns the header with blank members removed, or
 * `undefined` when absent or invalid (an invalid tracestate is dropped whole).
 */
export function normalizeTraceState(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const members: string[] = [];
  const keys = new Set<string>();
  for (const raw of header.split(',')) {
    const m = raw.trim();
    if (m === '') continue;
    if (!TRACESTATE_MEMBER.test(m)) return undefined;
    const key = m.slice(0, m.indexOf('='));
    if (keys.has(key)) return undefined;
    keys.add(key);
    members.push(m);
  }
  if (members.length === 0 || members.length > 32) return undefined;
  return members.join(',');
}

/**
 * Random trace and span ids from a bulk-filled pool.
 * @example
 * ```ts
 * const ids = new IdGenerator();
 * ids.traceId(); // 32 hex chars
 * ids.spanId();  // 16 hex chars
 * ```
 */
export class IdGenerator {
  private readonly bytes: Buffer;
  private hex = '';
  private pos = 0;

  constructor(poolBytes = 4096) {
    this.bytes = Buffer.allocUnsafe(Math.max(16, poolBytes));
  }

  /** A new 16-byte trace id as hex. */
  traceId(): string {
    let id = this.take(32);
    while (id === ZERO_TRACE) id = this.take(32);
    return id;
  }

  /** A new 8-byte span id as hex. */
  spanId(): string {
    let id = this.take(16);
    while (id === ZERO_SPAN) id = this.take(16);
    return id;
  }

  private take(chars: number): string {
    if (this.pos + chars > this.hex.length) {
      randomFillSync(this.bytes);
      this.hex = this.bytes.toString('hex');
      this.pos = 0;
    }
    const s = this.hex.slice(this.pos, this.pos + chars);
    this.pos += chars;
    return s;
  }
}
