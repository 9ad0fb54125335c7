/**
 * Server-Sent Events: a spec-following incremental parser and an encoder.
 *
 * The parser follows the WHATWG "event stream interpretation" rules (CRLF, LF or CR line ends,
 * multi-line `data`, `:` comments, a single optional space after the colon, a leading BOM) with one
 * deliberate leniency shared by the official OpenAI and Anthropic SDKs: when the stream ends without
 * a final blank line, a pending event that has data is still dispatched.
 */

/** One dispatched SSE event. `id` is the last event id seen on the stream, per the spec. */
export interface SSEEvent {
  event?: string;
  data: string;
  id?: string;
}

const LF = 10;

/**
 * Parses an SSE byte stream into events. Breaking out of the loop cancels the underlying stream
 * (so an HTTP response body releases its socket).
 *
 * @example
 * ```ts
 * for await (const ev of parseSSE(res.body!)) if (ev.data === '[DONE]') break;
 * ```
 */
export async function* parseSSE(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<SSEEvent> {
  const decoder = new TextDecoder();
  let buf = '';
  let skipLF = false;
  let data = '';
  let hasData = false;
  let event: string | undefined;
  let lastId: string | undefined;
  const out: SSEEvent[] = [];

  const line = (s: string, start: number, end: number): void => {
    if (start === end) {
      if (hasData) out.push(makeEvent(data, event, lastId));
      data = '';
      hasData = false;
      event = undefined;
      return;
    }
    const colon = s.indexOf(':', start);
    let field: string;
    let value: string;
    if (colon === start) return; // comment
    if (colon === -1 || colon >= end) {
      field = s.slice(start, end);
      value = '';
    } else {
      field = s.slice(start, colon);
      const v = s.charCodeAt(colon + 1) === 32 && colon + 1 < end ? colon + 2 : colon + 1;
      value = s.slice(v, end);
    }
    switch (field) {
      case 'data':
        data = hasData ? data + '\n' + value : value;
        hasData = true;
        break;
      case 'event':
        event = value;
        break;
      case 'id':
        if (value.indexOf('\0') === -1) lastId = value;
        break;
      default:
        break; // `retry` and unknown fields are ignored
    }
  };

  const feed = (text: string): void => {
    if (skipLF) {
      skipLF = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    const s = buf.length ? buf + text : text;
    const n = s.length;
    let start = 0;
    let nl = s.indexOf('\n');
    let cr = s.indexOf('\r');
    while (nl !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (nl !== -1 && nl < cr)) {
        end = nl;
        next = nl + 1;
      } else {
        end = cr;
        if (cr + 1 < n) next = s.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        else {
          next = cr + 1;
          skipLF = true;
        }
      }
      line(s, start, end);
      start = next;
      if (nl !== -1 && nl < start) nl = s.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = s.indexOf('\r', start);
    }
    buf = start === 0 ? s : s.slice(start);
  };

  if (isReadableStream(body)) {
    const reader = body.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          break;
        }
        feed(decoder.decode(value, { stream: true }));
        for (let i = 0; i < out.length; i++) yield out[i]!;
        out.length = 0;
      }
    } finally {
      if (!finished) await reader.cancel().catch(() => undefined);
      else reader.releaseLock();
    }
  } else {
    for await (const value of body) {
      feed(decoder.decode(value, { stream: true }));
      for (let i = 0; i < out.length; i++) yield out[i]!;
      out.length = 0;
    }
  }
  const tail = decoder.decode();
  if (tail) feed(tail);
  if (buf.length) {
    line(buf, 0, buf.length);
    buf = '';
  }
  if (hasData) out.push(makeEvent(data, event, lastId));
  for (let i = 0; i < out.length; i++) yield out[i]!;
}

function makeEvent(data: string, event: string | undefined, id: string | undefined): SSEEvent {
  const ev: SSEEvent = { data };
  if (event !== undefined && event !== '') ev.event = event;
  if (id !== undefined) ev.id = id;
  return ev;
}

function isReadableStream(b: unknown): b is ReadableStream<Uint8Array> {
  return typeof (b as ReadableStream<Uint8Array>).getReader === 'function';
}

/**
 * Encodes one SSE event. Multi-line data becomes several `data:` lines.
 *
 * @example
 * ```ts
 * encodeSSE('{"type":"ping"}', 'ping'); // 'event: ping\ndata: {"type":"ping"}\n\n'
 * ```
 */
export function encodeSSE(data: string, event?: string): string {
  const body = data.indexOf('\n') === -1 && data.indexOf('\r') === -1 ? data : data.split(/\r\n|\r|\n/).join('\ndata: ');
  return event === undefined ? `data: ${body}\n\n` : `event: ${event}\ndata: ${body}\n\n`;
}
