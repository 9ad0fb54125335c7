import { describe, expect, it } from 'vitest';
import { parseRestateUrl } from './restate-urls.js';
import { RestateServer, restateConfigToml } from './restate-server.js';
import './promise-polyfill.js';

describe('DACA_RESTATE_URL', () => {
  it('names admin and ingress URLs', () => {
    expect(parseRestateUrl('admin=http://r:9070/,ingress=http://r:8080')).toEqual({ admin: 'http://r:9070', ingress: 'http://r:8080' });
  });
  it('a bare URL means the default ports on that host', () => {
    expect(parseRestateUrl('http://restate.internal')).toEqual({ admin: 'http://restate.internal:9070', ingress: 'http://restate.internal:8080' });
  });
  it('rejects a half or unknown entry', () => {
    expect(() => parseRestateUrl('admin=http://r:9070')).toThrow(/both/);
    expect(() => parseRestateUrl('admin=http://r:9070,egress=http://x')).toThrow(/expected admin=URL,ingress=URL/);
  });
});

describe('embedded restate-server', () => {
  it('caps RocksDB memory, listens on loopback tcp only, and keeps a fixed node name', () => {
    const toml = restateConfigToml({ baseDir: '/d', ports: { ingress: 1, admin: 2, node: 3 }, rocksdbMemoryMb: 200, partitions: 4 });
    expect(toml).toContain('rocksdb-total-memory-size = "200 MiB"');
    expect(toml).toContain('listen-mode = "tcp"');
    expect(toml).toContain('node-name = "daca"');
    expect(toml).toMatch(/\[ingress\]\nbind-address = "127\.0\.0\.1:1"/);
  });
  it('start() fails loudly when the binary cannot run', async () => {
    const s = new RestateServer({ dataDir: `/tmp/daca-restate-missing-${process.pid}`, binary: '/nonexistent/restate-server', startTimeoutMs: 3000 });
    await expect(s.start()).rejects.toThrow(/restate-server/);
  });
  it('Promise.withResolvers exists before the SDK loads (Node 20)', () => {
    const { promise, resolve } = (Promise as unknown as { withResolvers<T>(): { promise: Promise<T>; resolve(v: T): void } }).withResolvers<number>();
    resolve(7);
    return expect(promise).resolves.toBe(7);
  });
});
