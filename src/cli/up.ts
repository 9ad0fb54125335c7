/**
 * `daca up`: starts a daca node on the embedded default or a spec file.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoadedSpec } from '../spec/loader.js';

/** Flags of `daca up`. */
interface UpFlags {
  port: string;
  host: string;
  spec?: string;
  dataDir: string;
  quiet?: boolean;
  watch?: boolean;
}

/** Picks the spec: `--spec`, `DACA_SPEC`, `./daca.yaml`, else the embedded default. */
export async function loadSpecFor(flag: string | undefined): Promise<LoadedSpec> {
  const path = flag ?? process.env.DACA_SPEC ?? (existsSync('daca.yaml') ? 'daca.yaml' : undefined);
  if (path) return (await import('../spec/loader.js')).loadSpecFile(resolve(path));
  return (await import('../spec/default-spec.js')).loadDefaultSpec();
}

/** Registers `daca up`. */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start daca: gateway, admin API and dashboard on one port (embedded default: SQLite + sim provider)')
    .option('-p, --port <port>', 'port to listen on (DACA_PORT)', process.env.DACA_PORT ?? '8700')
    .option('--host <host>', 'interface to bind (DACA_HOST)', process.env.DACA_HOST ?? '127.0.0.1')
    .option('-s, --spec <file>', 'spec file (DACA_SPEC; default ./daca.yaml if present, else the embedded default)')
    .option('--data-dir <dir>', 'folder for the embedded store and local keys', process.env.DACA_DATA_DIR ?? '.daca')
    .option('-q, --quiet', 'print only the URL')
    .option('-w, --watch', 'apply the spec file (and the files it includes) live whenever it changes; an invalid spec is logged and the one in force stays')
    .action(async (flags: UpFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${flags.port}'`);
      const spec = await loadSpecFor(flags.spec);
      if (flags.watch && spec.source.startsWith('(')) throw new Error('--watch needs a spec file (--spec, DACA_SPEC or ./daca.yaml)');
      // The server graph is loaded only when serving, so other commands start fast.
      const { startDaca } = await import('../server/serve.js');
      const node = await startDaca({
        spec,
        port,
        host: flags.host,
        dataDir: resolve(flags.dataDir),
        databaseUrl: process.env.DACA_DATABASE_URL,
        adminKey: process.env.DACA_ADMIN_KEY,
      });
      const s = node.services;
      let unwatch: (() => void) | null = null;
      if (flags.watch) {
        const { watchSpecFile } = await import('../ops/watch-spec.js');
        unwatch = watchSpecFile(spec.source, node.live, {
          onApplied: (r) => s.logger.info({ spec: spec.source, hash: node.live.spec.hash.slice(0, 12), version: r.version?.version, changes: r.plan.changes.map((c) => `${c.op} ${c.section}${c.id ? '.' + c.id : ''}`) }, `spec applied: ${r.plan.counts.add} to add, ${r.plan.counts.change} to change, ${r.plan.counts.remove} to remove`),
          onError: (e) => s.logger.error({ spec: spec.source, in_force: node.live.spec.hash.slice(0, 12) }, `spec change rejected, the spec in force stays: ${e instanceof Error ? e.message : String(e)}`),
        });
      }
      const model = s.catalog.ids().find((n) => s.catalog.resolve(n)?.type === 'chat') ?? 'default';
      const key = s.devKey ?? '<your key>';
      if (flags.quiet) console.log(node.url);
      else
        console.log(
          [
            `daca is up at ${node.url}  (spec: ${spec.source}, store: ${s.store.kind}${s.store.kind === 'sqlite' ? ` in ${flags.dataDir}/` : ''})`,
            s.devKey ? `development key (accepted from localhost only): ${s.devKey}` : 'no development key (server.dev_key is off): create one with `daca keys create`',
            `admin key: ${process.env.DACA_ADMIN_KEY ? 'from DACA_ADMIN_KEY' : `${flags.dataDir}/admin-key`}`,
            '',
            'try it:',
            `  curl ${node.url}/v1/chat/completions -H "authorization: Bearer ${key}" -H 'content-type: application/json' \\`,
            `    -d '{"model":"${model}","messages":[{"role":"user","content":"Say hello"}]}'`,
            '',
            '  // OpenAI SDK (any language works the same way)',
            `  import OpenAI from 'openai';`,
            `  const client = new OpenAI({ baseURL: '${node.url}/v1', apiKey: '${key}' });`,
            `  const r = await client.chat.completions.create({ model: '${model}', messages: [{ role: 'user', content: 'Say hello' }] });`,
            '',
            `usage: daca usage --group-by agent   ·   keys: daca keys create --agent my-agent   ·   stop: Ctrl-C`,
          ].join('\n'),
        );
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        unwatch?.();
        s.logger.info({ signal }, 'shutting down: draining requests and flushing usage');
        node.close().then(
          () => process.exit(0),
          (e: unknown) => {
            s.logger.error({ err: e }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
