import { describe, expect, it } from 'vitest';
import { encodeSSE, parseSSE, type SSEEvent } from './sse.js';

const enc = new TextEncoder();

async function collect(chunks: string[], asStream = false): Promise<SSEEvent[]> {
  const bytes = chunks.map((c) => enc.encode(c));
  const source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> = asStream
    ? new ReadableStream<Uint8Array>({
        start(c) {
          for (const b of bytes) c.enqueue(b);
          c.close();
        },
      })
    : (async function* () {
        yield* bytes;
      })();
  const out: SSEEvent[] = [];
  for await (const ev of parseSSE(source)) out.push(ev);
  return out;
}

describe('parseSSE', () => {
  it('parses LF, CRLF and CR line endings alike', async () => {
    const want = [{ event: 'a', data: '1' }, { data: '2' }];
    expect(await collect(['event: a\ndata: 1\n\ndata: 2\n\n'])).toEqual(want);
    expect(await collect(['event: a\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n'])).toEqual(want);
    expect(await collect(['event: a\rdata: 1\r\rdata: 2\r\r'])).toEqual(want);
  });

  it('handles a CRLF split across chunks without inventing a blank line', async () => {
    expect(await collect(['data: 1\r', '\ndata: 2\r', '\n\r', '\n'])).toEqual([{ data: '1\n2' }]);
  });

  it('joins multi-line data with LF and strips only one leading space', async () => {
    expect(await collect(['data:  a\ndata:b\ndata\n\n'])).toEqual([{ data: ' a\nb\n' }]);
  });

  it('ignores comments, unknown fields and retry, and events without data', async () => {
    expect(await collect([': keep-alive\nretry: 10\nfoo: bar\n\nevent: x\n\ndata: y\n\n'])).toEqual([{ data: 'y' }]);
  });

  it('carries the last event id forward and ignores ids with NUL', async () => {
    expect(await collect(['id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\n'])).toEqual([
      { id: '7', data: 'a' },
      { id: '7', data: 'b' },
      { id: '7', data: 'c' },
    ]);
  });

  it('dispatches a trailing event at EOF only when it has data', async () => {
    expect(await collect(['data: a\n\ndata: tail'])).toEqual([{ data: 'a' }, { data: 'tail' }]);
    expect(await collect(['data: a\n\nevent: lonely\n'])).toEqual([{ data: 'a' }]);
  });

  it('reassembles events and multi-byte characters split at any byte', async () => {
    const text = 'event: message\ndata: {"t":"héllo 👋"}\n\n';
    const bytes = enc.encode(text);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) parts.push(bytes.subarray(i, i + 1));
    const out: SSEEvent[] = [];
    for await (const ev of parseSSE((async function* () { yield* parts; })())) out.push(ev);
    expect(out).toEqual([{ event: 'message', data: '{"t":"héllo 👋"}' }]);
  });

  it('strips a leading BOM and reads ReadableStreams', async () => {
    expect(await collect(['\uFEFFdata: x\n\n'], true)).toEqual([{ data: 'x' }]);
  });

  it('cancels the source stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(enc.encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const ev of parseSSE(stream)) {
      expect(ev.data).toBe('x');
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe('encodeSSE', () => {
  it('round-trips through parseSSE, including multi-line data', async () => {
    const s = encodeSSE('{"a":1}', 'message_start') + encodeSSE('l1\nl2') + encodeSSE('[DONE]');
    expect(s.startsWith('event: message_start\ndata: {"a":1}\n\n')).toBe(true);
    expect(await collect([s])).toEqual([{ event: 'message_start', data: '{"a":1}' }, { data: 'l1\nl2' }, { data: '[DONE]' }]);
  });
});
