/**
 * `daca orch list|run|order|cancel|trades|resolutions`: the coordination patterns the spec declares
 * (`orchestration:`), run by name on a running daca (`/api/orchestration/patterns`).
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, CliError, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';

const KINDS: Record<string, string> = {
  hierarchy: 'hierarchies', negotiation: 'negotiations', contract: 'contracts', auction: 'auctions', vote: 'votes', arbitration: 'arbitration',
};

type RunFlags = ConnectionFlags & { body?: string; task?: string[]; item?: string; question?: string; options?: string; subject?: string; json?: boolean };

function body(kind: string, f: RunFlags): Record<string, unknown> {
  if (f.body) {
    try {
      return JSON.parse(f.body) as Record<string, unknown>;
    } catch {
      throw new CliError(`--body is not valid JSON: ${f.body}`);
    }
  }
  switch (kind) {
    case 'hierarchy':
      if (!f.task?.length) throw new CliError('give tasks: --task <id>=<input> (repeatable) or --body \'{"tasks":[...]}\'');
      return { tasks: f.task.map((t) => ({ id: t.split('=')[0]!, input: t.includes('=') ? t.slice(t.indexOf('=') + 1) : t })) };
    case 'auction':
      if (!f.item) throw new CliError('give --item <what is sold>');
      return { item: f.item };
    case 'contract':
      if (!f.task?.[0]) throw new CliError('give --task <task>=<input>');
      return { task: f.task[0].split('=')[0], input: f.task[0].includes('=') ? f.task[0].slice(f.task[0].indexOf('=') + 1) : null };
    case 'vote':
      if (!f.question) throw new CliError('give --question <text> (and --options a,b,… unless the spec declares them)');
      return { question: f.question, ...(f.options ? { options: f.options.split(',').map((s) => s.trim()) } : {}) };
    case 'negotiation':
      return f.subject ? { subject: f.subject } : {};
    default:
      throw new CliError('give the dispute as --body \'{"dispute":{"id":…,"parties":[{"name":…,"claim":…}],"facts":[…]}}\'');
  }
}

/** Registers `daca orch`. */
export function registerOrch(program: Command): void {
  const orch = program.command('orch').description('coordination patterns declared in the spec (orchestration:): list and run them');

  withConnection(orch.command('list').description('declared patterns').option('--json', 'print JSON')).action(async (f: ConnectionFlags & { json?: boolean }) => {
    const r = await adminFetch<{ data: { kind: string; name: string; agents: string[]; detail: unknown }[] }>(adminTarget(f), '/api/orchestration/patterns');
    output(!!f.json, r, r.data.map((p) => ({ kind: p.kind, name: p.name, agents: p.agents.join(' '), detail: JSON.stringify(p.detail) })), ['kind', 'name', 'agents', 'detail']);
  });

  withConnection(
    orch
      .command('run <kind> <name>')
      .description(`runs a declared pattern (${Object.keys(KINDS).join(', ')}) and prints its outcome as JSON`)
      .option('--task <id=input...>', 'hierarchy tasks; contract: the task')
      .option('--item <text>', 'auction: what is sold')
      .option('--question <text>', 'vote: the question')
      .option('--options <a,b,...>', 'vote: the options')
      .option('--subject <text>', 'negotiation: what is negotiated')
      .option('--body <json>', 'the request body as JSON (instead of the flags)'),
  ).action(async (kind: string, name: string, f: RunFlags) => {
    const path = KINDS[kind];
    if (!path) throw new CliError(`unknown kind '${kind}'; one of: ${Object.keys(KINDS).join(', ')}`);
    const r = await adminFetch<unknown>(adminTarget(f), `/api/orchestration/patterns/${path}/${encodeURIComponent(name)}/run`, { method: 'POST', body: body(kind, f) });
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  });

  withConnection(
    orch
      .command('order <auction>')
      .description('submits an order to a declared double auction; prints the trades it made')
      .requiredOption('--trader <name>')
      .requiredOption('--side <bid|ask>')
      .requiredOption('--price <usd>')
      .option('--qty <n>', 'quantity', '1')
      .option('--id <id>', 'order id (a retry with the same id and terms returns the first outcome and trades nothing)')
      .option('--json', 'print JSON'),
  ).action(async (auction: string, f: ConnectionFlags & { trader: string; side: string; price: string; qty: string; id?: string; json?: boolean }) => {
    if (f.side !== 'bid' && f.side !== 'ask') throw new CliError(`--side must be bid or ask, got '${f.side}'`);
    const r = await adminFetch<{ id: string; trades: { buyer: string; seller: string; price: number; qty: number }[] }>(adminTarget(f), `/api/orchestration/patterns/auctions/${encodeURIComponent(auction)}/orders`, {
      method: 'POST', body: { ...(f.id ? { id: f.id } : {}), trader: f.trader, side: f.side, price_usd: Number(f.price), qty: Number(f.qty) },
    });
    output(!!f.json, r, r.trades.map((t) => ({ ...t, price_usd: t.price / 1e6 })), ['buyer', 'seller', 'qty', 'price_usd']);
  });

  withConnection(orch.command('cancel <auction> <id>').description('withdraws what rests of an order in a declared double auction').option('--json', 'print JSON')).action(
    async (auction: string, id: string, f: ConnectionFlags & { json?: boolean }) => {
      const r = await adminFetch<{ id: string; withdrawn: number }>(adminTarget(f), `/api/orchestration/patterns/auctions/${encodeURIComponent(auction)}/orders/${encodeURIComponent(id)}`, { method: 'DELETE' });
      output(!!f.json, r, [{ id: r.id, withdrawn: r.withdrawn }], ['id', 'withdrawn']);
    },
  );

  withConnection(orch.command('trades <auction>').description("a declared double auction's newest trades").option('--limit <n>', 'how many (1-1000)', '100').option('--json', 'print JSON')).action(
    async (auction: string, f: ConnectionFlags & { limit: string; json?: boolean }) => {
      const r = await adminFetch<{ data: { buyer: string; seller: string; price: number; qty: number; at: number }[] }>(adminTarget(f), `/api/orchestration/patterns/auctions/${encodeURIComponent(auction)}/trades?limit=${encodeURIComponent(f.limit)}`);
      output(!!f.json, r, r.data.map((t) => ({ at: new Date(t.at).toISOString(), buyer: t.buyer, seller: t.seller, qty: t.qty, price_usd: t.price / 1e6 })), ['at', 'buyer', 'seller', 'qty', 'price_usd']);
    },
  );

  withConnection(orch.command('resolutions').description('recorded decisions with their reasons').option('--pattern <p>', 'only this pattern').option('--json', 'print JSON')).action(
    async (f: ConnectionFlags & { pattern?: string; json?: boolean }) => {
      const r = await adminFetch<{ data: { pattern: string; subject: string; outcome: string; reasons: string[] }[] }>(adminTarget(f), `/api/orchestration/patterns/resolutions${f.pattern ? `?pattern=${encodeURIComponent(f.pattern)}` : ''}`);
      output(!!f.json, r, r.data.map((x) => ({ pattern: x.pattern, subject: x.subject, outcome: x.outcome, why: x.reasons[0] ?? '' })), ['pattern', 'subject', 'outcome', 'why']);
    },
  );
}
