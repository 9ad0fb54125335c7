/**
 * The HTTP plumbing the fake provider upstreams share: an ephemeral-port server on 127.0.0.1 that
 * reads and records JSON bodies, picks a mode per request (queued one-shot modes, then the default),
 * counts client disconnects and connections, and plays a stream of SSE events with optional delays.
 * Each fake (OpenAI, Anthropic) only writes its wire format on top.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request a fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One request as the fake's wire-format handler sees it. */
export interface FakeRequest<M> {
  req: IncomingMessage;
  res: ServerResponse;
  /** URL path without the query. */
  path: string;
  /** Parsed JSON body (undefined when empty or unparseable). */
  body: unknown;
  /** True when the body was not valid JSON. */
  bad: boolean;
  /** The mode this request is answered in. */
  mode: M;
  /** 1-based sequence number of the request. */
  id: number;
}

/** Options of the shared base. */
export interface FakeUpstreamBaseOptions<M> {
  /** Default mode. */
  mode: M;
  /** Record requests (default true; turn off for benchmarks). */
  record?: boolean;
  /** Delay before a response starts. */
  ttftMs?: number;
  /** Writes the response in the fake's wire format. */
  handle(r: FakeRequest<M>): void;
}

/** A running fake upstream. `url` is the origin. */
export interface FakeUpstream<M> {
  url: string;
  requests: RecordedRequest[];
  /** Number of responses the client abandoned before they finished. */
  readonly disconnects: number;
  /** TCP connections accepted so far (keep-alive reuse keeps this low). */
  readonly connections: number;
  /** Sets the mode of every following request. */
  setMode(mode: M): void;
  /** Queues one-shot modes used by the next requests, in order, before the default mode. */
  queue(...modes: M[]): void;
  /** Resolves once `n` disconnects have been seen in total; rejects after `timeoutMs`. */
  waitForDisconnects(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Responses the fake closed on purpose (not counted as client disconnects). */
const selfClosed = new WeakSet<ServerResponse>();

/** Destroys a response's socket on purpose, e.g. to simulate a connection dropped mid-stream. */
export function dropConnection(res: ServerResponse): void {
  selfClosed.add(res);
  res.socket?.destroy();
}

/** Starts a fake upstream on 127.0.0.1:0 whose wire format is written by `opts.handle`. */
export async function startFakeUpstreamBase<M>(opts: FakeUpstreamBaseOptions<M>): Promise<FakeUpstream<M>> {
  let mode = opts.mode;
  const queued: M[] = [];
  const requests: RecordedRequest[] = [];
  const record = opts.record ?? true;
  let disconnects = 0;
  let connections = 0;
  let waiters: { n: number; resolve: () => void }[] = [];
  let seq = 0;
  let closing = false;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      const raw = parts.length === 1 ? parts[0]!.toString() : Buffer.concat(parts).toString();
      let body: unknown = undefined;
      let bad = false;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          bad = true;
        }
      }
      const path = (req.url ?? '/').split('?')[0]!;
      if (record) requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished && !selfClosed.has(res) && !closing) {
          disconnects++;
          waiters = waiters.filter((w) => (disconnects >= w.n ? (w.resolve(), false) : true));
        }
      });
      const r: FakeRequest<M> = { req, res, path, body, bad, mode: queued.shift() ?? mode, id: ++seq };
      if (opts.ttftMs) setTimeout(() => opts.handle(r), opts.ttftMs);
      else opts.handle(r);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get disconnects() {
      return disconnects;
    },
    get connections() {
      return connections;
    },
    setMode(m) {
      mode = m;
    },
    queue(...modes) {
      queued.push(...modes);
    },
    waitForDisconnects(n, timeoutMs = 2000) {
      if (disconnects >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`expected ${n} disconnects, saw ${disconnects}`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    close() {
      closing = true;
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Writes the first `stopAt` SSE events (all at once, or one per `delayMs`), then calls `finish`
 * (which ends the body, or breaks it in the way the mode asks).
 */
export function playEvents(res: ServerResponse, events: string[], stopAt: number, delayMs: number | undefined, finish: () => void): void {
  if (!delayMs) {
    res.write(events.slice(0, stopAt).join(''));
    finish();
    return;
  }
  let i = 0;
  const tick = (): void => {
    if (res.destroyed) return;
    if (i >= stopAt) return finish();
    res.write(events[i++]!);
    setTimeout(tick, delayMs);
  };
  tick();
}

/** Sends a JSON body (a string is sent as is) with its content length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const s = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s), ...headers });
  res.end(s);
}

/** About four characters per token, at least one for non-empty text. */
export function fakeTokens(s: string): number {
  return s ? Math.max(1, Math.ceil(s.length / 4)) : 0;
}

/** Splits text into `count` near-equal pieces, or into words (keeping spaces) when `count` is unset. */
export function splitText(text: string, count?: number): string[] {
  if (!text) return [];
  if (count === undefined) return text.match(/\s*\S+|\s+$/g) ?? [text];
  const n = Math.max(1, Math.min(count, text.length));
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
