/**
 * `daca usage export`: usage rows (or groups, with `--group-by`) of a window as CSV or JSON, to
 * stdout or a file — for cost attribution in spreadsheets and BI tools.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';

interface ExportFlags extends ConnectionFlags {
  from?: string;
  to?: string;
  format: string;
  groupBy?: string;
  out?: string;
  tenant?: string;
  team?: string;
  agent?: string;
  model?: string;
  tag?: string[];
}

/** The admin-API path an export reads: rows from `/api/usage/export`, groups from `/api/usage`. */
export function exportPath(f: Pick<ExportFlags, 'from' | 'to' | 'format' | 'groupBy' | 'tenant' | 'team' | 'agent' | 'model' | 'tag'>): string {
  if (f.format !== 'csv' && f.format !== 'json') throw new CliError(`--format must be csv or json (got '${f.format}')`);
  const q = new URLSearchParams();
  for (const k of ['from', 'to', 'tenant', 'team', 'agent', 'model'] as const) if (f[k]) q.set(k, f[k]!);
  for (const t of f.tag ?? []) {
    const i = t.indexOf('=');
    if (i < 1) throw new CliError(`--tag expects k=v (got '${t}')`);
    q.set(`tag.${t.slice(0, i)}`, t.slice(i + 1));
  }
  if (f.groupBy) {
    q.set('group_by', f.groupBy);
    if (f.format === 'csv') q.set('format', 'csv');
    return `/api/usage?${q}`;
  }
  q.set('format', f.format);
  return `/api/usage/export?${q}`;
}

/** Registers `daca usage export` under the existing `daca usage` command. */
export function registerUsageExport(program: Command): void {
  const usage = program.commands.find((c) => c.name() === 'usage') ?? program.command('usage').description('usage and cost');
  // `daca usage` has its own --from/--group-by/…: options after `export` belong to `export`
  // (commander needs positional options on every level above it for that).
  program.enablePositionalOptions();
  usage.enablePositionalOptions();
  withConnection(
    usage
      .command('export')
      .description('export usage rows (or groups with --group-by, e.g. tag:customer,month) as CSV or JSON')
      .option('--from <time>', 'start: ISO date, ms, or relative (-24h, -30d)')
      .option('--to <time>', 'end (exclusive)')
      .option('--format <format>', 'csv or json', 'csv')
      .option('-g, --group-by <dims>', 'export groups instead of rows (agent, team, day, month, tag:<name>, …)')
      .option('-o, --out <file>', 'write to a file instead of stdout')
      .option('--tenant <tenant>')
      .option('--team <team>')
      .option('--agent <agent>')
      .option('--model <model>')
      .option('--tag <k=v...>', 'only rows with this tag (repeatable)'),
  ).action(async (f: ExportFlags, cmd: Command) => {
    // `daca usage` declares the same connection flags; commander hands them to the parent.
    const g = cmd.optsWithGlobals<ConnectionFlags>();
    const t = adminTarget({ url: f.url ?? g.url, adminKey: f.adminKey ?? g.adminKey, dataDir: f.dataDir ?? g.dataDir });
    const path = exportPath(f);
    let res: Response;
    try {
      res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${t.key}` } });
    } catch (e) {
      throw new CliError(`cannot reach daca at ${t.url} (${e instanceof Error ? e.message : String(e)}); is \`daca up\` running?`);
    }
    if (!res.ok || !res.body) {
      const text = await res.text();
      let msg = text;
      try {
        msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {
        /* plain text */
      }
      throw new CliError(`${res.status}: ${msg}`);
    }
    const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
    if (f.out) {
      await pipeline(body, createWriteStream(f.out));
      process.stderr.write(`wrote ${f.out}\n`);
    } else await pipeline(body, process.stdout, { end: false });
  });
}
