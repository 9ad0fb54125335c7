/**
 * A local OpenAI-compatible server that answers at once: `POST /v1/chat/completions` returns
 * `Echo: <last user message>` with fixed usage. The stand-in for a model in the single-turn bench.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running echo server. */
export interface EchoServer {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

/** Starts the echo server on 127.0.0.1, port 0. */
export async function startEchoServer(): Promise<EchoServer> {
  let n = 0;
  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n++;
      let text = '';
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages?: { role: string; content: string }[] };
        const users = (body.messages ?? []).filter((m) => m.role === 'user');
        text = users[users.length - 1]?.content ?? '';
      } catch {
        /* empty */
      }
      const out = JSON.stringify({
        id: `chatcmpl-${n}`,
        object: 'chat.completion',
        created: 0,
        model: 'echo',
        choices: [{ index: 0, message: { role: 'assistant', content: `Echo: ${text}` }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => n,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
