/**
 * A local OTLP/HTTP receiver (JSON encoding) for tests: `POST /v1/traces` on 127.0.0.1, port 0.
 *
 * It validates each body against the OTLP/JSON shape (hex ids of the right length, unix-nano
 * strings, one typed field per `AnyValue`), answers 400 to anything malformed (and keeps the
 * error), decodes spans into plain objects and can be told to fail the next requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A decoded span as received. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  traceState: string | undefined;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; timeUnixNano: bigint; attributes: Record<string, unknown> }>;
  status: { code: number; message?: string };
  resource: Record<string, unknown>;
  scope: { name: string; version?: string };
}

/** One request the receiver answered. */
export interface ReceivedRequest {
  status: number;
  headers: http.IncomingHttpHeaders;
  spanCount: number;
}

type Json = Record<string, unknown>;

function fail(msg: string): never {
  throw new Error(`bad OTLP/JSON: ${msg}`);
}

function obj(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} is not an object`);
  return v as Json;
}

function arr(v: unknown, what: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(`${what} is not an array`);
  return v;
}

function hex(v: unknown, len: number, what: string): string {
  if (typeof v !== 'string' || !new RegExp(`^[0-9a-f]{${len}}$`).test(v)) fail(`${what} is not ${len} lowercase hex chars: ${JSON.stringify(v)}`);
  return v;
}

function nanos(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^\d+$/.test(v)) fail(`${what} is not a unix-nano string: ${JSON.stringify(v)}`);
  return BigInt(v);
}

/** Decodes an OTLP `AnyValue`. */
function anyValue(v: unknown, what: string): unknown {
  const o = obj(v, what);
  const keys = Object.keys(o);
  if (keys.length !== 1) fail(`${what} must have exactly one of stringValue/intValue/doubleValue/boolValue/arrayValue, has ${keys.join(',')}`);
  const [k] = keys as [string];
  const x = o[k];
  switch (k) {
    case 'stringValue':
      if (typeof x !== 'string') fail(`${what}.stringValue`);
      return x;
    case 'boolValue':
      if (typeof x !== 'boolean') fail(`${what}.boolValue`);
      return x;
    case 'intValue':
      if (typeof x === 'number' && Number.isInteger(x)) return x;
      if (typeof x === 'string' && /^-?\d+$/.test(x)) return Number(x);
      return fail(`${what}.intValue`);
    case 'doubleValue':
      if (typeof x === 'number') return x;
      if (x === 'NaN' || x === 'Infinity' || x === '-Infinity') return Number(x); // protobuf JSON spelling
      return fail(`${what}.doubleValue`);
    case 'arrayValue':
      return arr(obj(x, `${what}.arrayValue`).values, `${what}.arrayValue.values`).map((e, i) => anyValue(e, `${what}[${i}]`));
    default:
      return fail(`${what} has unknown field ${k}`);
  }
}

function attributes(v: unknown, what: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [i, kv] of arr(v, what).entries()) {
    const o = obj(kv, `${what}[${i}]`);
    if (typeof o.key !== 'string') fail(`${what}[${i}].key`);
    if (o.key in out) fail(`${what} repeats key ${o.key}`);
    out[o.key] = anyValue(o.value, `${what}.${o.key}`);
  }
  return out;
}

/** Decodes an `ExportTraceServiceRequest` in OTLP/JSON; throws on any deviation. */
export function decodeTraces(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of arr(obj(body, 'body').resourceSpans, 'resourceSpans')) {
    const r = obj(rs, 'resourceSpans[]');
    const resource = attributes(obj(r.resource ?? {}, 'resource').attributes, 'resource.attributes');
    for (const ss of arr(r.scopeSpans, 'scopeSpans')) {
      const s = obj(ss, 'scopeSpans[]');
      const sc = obj(s.scope ?? {}, 'scope');
      const scope = { name: String(sc.name ?? ''), ...(typeof sc.version === 'string' ? { version: sc.version } : {}) };
      for (const sp of arr(s.spans, 'spans')) {
        const x = obj(sp, 'span');
        if (typeof x.name !== 'string') fail('span.name');
        if (typeof x.kind !== 'number' || x.kind < 0 || x.kind > 5) fail('span.kind');
        const st = obj(x.status ?? {}, 'span.status');
        spans.push({
          traceId: hex(x.traceId, 32, 'traceId'),
          spanId: hex(x.spanId, 16, 'spanId'),
          parentSpanId: x.parentSpanId === undefined || x.parentSpanId === '' ? undefined : hex(x.parentSpanId, 16, 'parentSpanId'),
          traceState: typeof x.traceState === 'string' && x.traceState ? x.traceState : undefined,
          name: x.name,
          kind: x.kind,
          startTimeUnixNano: nanos(x.startTimeUnixNano, 'startTimeUnixNano'),
          endTimeUnixNano: nanos(x.endTimeUnixNano, 'endTimeUnixNano'),
          attributes: attributes(x.attributes, `span ${x.name} attributes`),
          events: arr(x.events, 'events').map((e, i) => {
            const ev = obj(e, `events[${i}]`);
            if (typeof ev.name !== 'string') fail(`events[${i}].name`);
            return { name: ev.name, timeUnixNano: nanos(ev.timeUnixNano, `events[${i}].timeUnixNano`), attributes: attributes(ev.attributes, `events[${i}].attributes`) };
          }),
          status: { code: typeof st.code === 'number' ? st.code : 0, ...(typeof st.message === 'string' ? { message: st.message } : {}) },
          resource,
          scope,
        });
      }
    }
  }
  return spans;
}

/**
 * The receiver.
 * @example
 * ```ts
 * const rx = await OtlpReceiver.start();
 * // OTEL_EXPORTER_OTLP_ENDPOINT = rx.url
 * const spans = await rx.waitForSpans(3);
 * await rx.close();
 * ```
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly requests: ReceivedRequest[] = [];
  readonly errors: Error[] = [];
  private failures: Array<{ status: number; retryAfter?: string }> = [];
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: http.Server,
    /** Base URL, e.g. `http://127.0.0.1:41234` (traces go to `${url}/v1/traces`). */
    readonly url: string,
  ) {}

  /** Starts a receiver on 127.0.0.1 and a free port. */
  static async start(): Promise<OtlpReceiver> {
    let self: OtlpReceiver | undefined;
    const server = http.createServer((req, res) => self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** Makes the next `n` export requests fail with `status` (and an optional Retry-After). */
  failNext(n: number, status = 503, retryAfter?: string): void {
    for (let i = 0; i < n; i++) this.failures.push(retryAfter === undefined ? { status } : { status, retryAfter });
  }

  /** Resolves once at least `n` spans arrived; rejects after `timeoutMs`. */
  async waitForSpans(n: number, timeoutMs = 5000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.spans.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} spans, received ${this.spans.length}${this.errors.length ? `; errors: ${this.errors.map((e) => e.message).join('; ')}` : ''}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.spans;
  }

  /** Stops the server (closing kept-alive connections). */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: string, headers: Record<string, string> = {}, spanCount = 0) => {
        this.requests.push({ status, headers: req.headers, spanCount });
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
      };
      if (req.method !== 'POST' || req.url !== '/v1/traces') return answer(404, '{}');
      if (!String(req.headers['content-type']).startsWith('application/json')) return answer(415, '{}');
      const f = this.failures.shift();
      if (f) return answer(f.status, '{"message":"injected failure"}', f.retryAfter !== undefined ? { 'retry-after': f.retryAfter } : {});
      let spans: ReceivedSpan[];
      try {
        spans = decodeTraces(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        this.errors.push(e as Error);
        return answer(400, JSON.stringify({ message: (e as Error).message }));
      }
      this.spans.push(...spans);
      answer(200, '{"partialSuccess":{}}', {}, spans.length);
      for (const w of this.waiters.splice(0)) w();
    });
  }
}
