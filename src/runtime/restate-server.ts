/**
 * restate-server as a child process of daca: the binary from the `@restatedev/restate-server`
 * npm package, configured by a generated TOML file (tcp only, fixed node name, loopback ports,
 * capped RocksDB memory, telemetry off), data under `<dataDir>`, health-checked on start and
 * stopped (SIGTERM, then SIGKILL) on close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdir, writeFile, open, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InternalError } from '../errors.js';
import { stablePorts } from './free-port.js';
import type { RestateUrls } from './restate-urls.js';

/** How to run the embedded restate-server. */
export interface RestateServerOptions {
  /** Folder for its data, config and log (e.g. `.daca/restate`). */
  dataDir: string;
  /** Ports (0: remembered in `<dataDir>/ports.json`, else free). */
  ports?: { ingress?: number; admin?: number; node?: number };
  /** `rocksdb-total-memory-size` in MiB (default 256). */
  rocksdbMemoryMb?: number;
  /** Partitions of a new cluster (default 4). */
  partitions?: number;
  /** How long to wait for health on start, ms (default 30 s). */
  startTimeoutMs?: number;
  /** Path of the restate-server binary (default: from the npm package). */
  binary?: string;
}

/** Path of the restate-server binary shipped by `@restatedev/restate-server` for this platform. */
export function restateServerBinary(): string {
  const req = createRequire(import.meta.url);
  const pkg = `@restatedev/restate-server-${process.platform}-${process.arch}`;
  try {
    return join(dirname(req.resolve(`${pkg}/package.json`)), 'bin', 'restate-server');
  } catch {
    throw new InternalError(`restate-server is not installed for ${process.platform}-${process.arch} (npm package ${pkg}); set DACA_RESTATE_URL to use an existing cluster`);
  }
}

/** The generated `restate.toml`. */
export function restateConfigToml(o: { baseDir: string; ports: { ingress: number; admin: number; node: number }; rocksdbMemoryMb: number; partitions: number }): string {
  return [
    'node-name = "daca"',
    'cluster-name = "daca"',
    `base-dir = ${JSON.stringify(o.baseDir)}`,
    `rocksdb-total-memory-size = "${o.rocksdbMemoryMb} MiB"`,
    `default-num-partitions = ${o.partitions}`,
    `bind-address = "127.0.0.1:${o.ports.node}"`,
    `advertised-address = "http://127.0.0.1:${o.ports.node}/"`,
    'listen-mode = "tcp"',
    'disable-telemetry = true',
    'log-filter = "warn,restate=warn"',
    'log-format = "compact"',
    'log-disable-ansi-codes = true',
    '',
    '[admin]',
    `bind-address = "127.0.0.1:${o.ports.admin}"`,
    'disable-web-ui = true',
    '',
    '[admin.query-engine]',
    'memory-size = "64 MiB"',
    '',
    '[ingress]',
    `bind-address = "127.0.0.1:${o.ports.ingress}"`,
    '',
  ].join('\n');
}

/** One restate-server child process; `start()` again after a crash or `kill()` reuses its data and ports. */
export class RestateServer {
  private child: ChildProcess | null = null;
  private ports: { ingress: number; admin: number; node: number } | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RestateServerOptions) {}

  /** The child's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The URLs once started. */
  get urls(): RestateUrls {
    if (!this.ports) throw new InternalError('restate-server has not started');
    return { admin: `http://127.0.0.1:${this.ports.admin}`, ingress: `http://127.0.0.1:${this.ports.ingress}` };
  }

  /** Spawns restate-server and waits until its admin and ingress answer. */
  async start(): Promise<RestateUrls> {
    if (this.child) return this.urls;
    const dir = this.opts.dataDir;
    await mkdir(dir, { recursive: true });
    const want = this.opts.ports ?? {};
    this.ports = await stablePorts(join(dir, 'ports.json'), { ingress: want.ingress ?? 0, admin: want.admin ?? 0, node: want.node ?? 0 });
    const config = join(dir, 'restate.toml');
    await writeFile(config, restateConfigToml({ baseDir: join(dir, 'data'), ports: this.ports, rocksdbMemoryMb: this.opts.rocksdbMemoryMb ?? 256, partitions: this.opts.partitions ?? 4 }));
    await reapOrphan(join(dir, 'restate.pid'), config);
    const log = await open(join(dir, 'restate.log'), 'a');
    const child = spawn(this.opts.binary ?? restateServerBinary(), ['--config-file', config, '--no-logo'], {
      stdio: ['ignore', log.fd, log.fd],
      env: { ...process.env, RESTATE_CONFIG: config },
    });
    this.child = child;
    if (child.pid) await writeFile(join(dir, 'restate.pid'), String(child.pid));
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve()); // never spawned: no 'exit' follows
    });
    void this.exited.then(() => {
      if (this.child === child) this.child = null;
      void log.close().catch(() => {});
    });
    const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new InternalError(`restate-server did not start: ${e.message}`))));
    try {
      await Promise.race([this.waitHealthy(this.opts.startTimeoutMs ?? 30_000), spawnError]);
    } catch (e) {
      await this.stop();
      throw e;
    }
    return this.urls;
  }

  /** Sends a signal (tests use SIGKILL to crash it). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.child?.kill(signal);
    return this.exited;
  }

  /** Stops it: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const { admin, ingress } = this.urls;
    for (;;) {
      if (!this.child) throw new InternalError(`restate-server exited during start-up; see ${join(this.opts.dataDir, 'restate.log')}`);
      const ok = await Promise.all([probe(`${admin}/health`), probe(`${ingress}/restate/health`)]);
      if (ok[0] && ok[1]) return;
      if (Date.now() > deadline) throw new InternalError(`restate-server did not become healthy in ${timeoutMs} ms; see ${join(this.opts.dataDir, 'restate.log')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A restate-server left running by a daca that was killed (SIGKILL skips shutdown) still holds
 * the data folder: stop it, but only if its command line names this folder's config.
 */
async function reapOrphan(pidFile: string, config: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return;
  }
  try {
    const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    if (cmd.includes(config)) {
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
      }
    }
  } catch {
    /* gone, or not ours */
  }
  await rm(pidFile, { force: true });
}

async function probe(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await r.body?.cancel();
    return r.ok;
  } catch {
    return false;
  }
}
