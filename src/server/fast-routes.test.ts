import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'hono';
import { InvalidApiKeyError } from '../errors.js';
import { errorHandler } from './error-handler.js';
import { withFastRoutes } from './fast-routes.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const onError = errorHandler(() => {});
  const listener = withFastRoutes(
    {
      routes: new Map(),
      auth: async (_c, next) => next(),
      paramRoutes: [
        {
          prefix: '/a2a/',
          param: 'agent',
          handler: (c: Context) => {
            if (c.req.param('agent') === 'locked') throw new InvalidApiKeyError('no key');
            return c.json({ fast: true, agent: c.req.param('agent'), url: c.req.url });
          },
        },
      ],
      onError,
    },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ fast: false }));
    },
  );
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const send = async (path: string, method = 'POST') => (await fetch(`${base}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) })).json() as Promise<Record<string, unknown>>;

describe('withFastRoutes: routes with one path parameter', () => {
  it('serves POST <prefix><segment> with and without the trailing slash, with the parameter and the absolute URL', async () => {
    expect(await send('/a2a/echo/')).toEqual({ fast: true, agent: 'echo', url: `${base}/a2a/echo/` });
    expect(await send('/a2a/echo-2.v1?x=1')).toEqual({ fast: true, agent: 'echo-2.v1', url: `${base}/a2a/echo-2.v1?x=1` });
  });

  it('leaves other methods, deeper paths, escapes and dot segments to the framework', async () => {
    for (const p of ['/a2a/', '/a2a', '/a2a/x/y', '/a2a/a%20b/', '/a2a/../', '/a2a/.well-known/', '/a2a//x']) expect(await send(p), p).toEqual({ fast: false });
    expect(await send('/a2a/echo/', 'GET')).toEqual({ fast: false });
  });

  it("maps a handler's throw through onError", async () => {
    const r = await fetch(`${base}/a2a/locked/`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });
});
