/**
 * `daca audit verify | explain | list | export`: the audit ledger, read straight from the store
 * (no running server needed).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exportEvidence } from '../compliance/evidence-export.js';
import { explainRequest } from '../compliance/explain.js';
import { loadAuditPublicKey } from '../compliance/key-material.js';
import { searchAudit } from '../compliance/ledger-query.js';
import { verifyLedger } from '../compliance/verify-ledger.js';
import { parseTime } from '../server/api/usage.js';
import { auditRecordView } from '../server/api/audit.js';
import { AUDIT_KINDS, type AuditKind } from '../compliance/audit-types.js';
import { CliError } from './admin-client.js';
import { output } from './format.js';
import { openLocalStore, withLocalLedger, type LocalFlags } from './audit-local.js';

const dataDirOption = ['--data-dir <dir>', 'where `daca up` keeps .daca (DACA_DATA_DIR; default .daca); DACA_DATABASE_URL selects PostgreSQL'] as const;

/** Registers `daca audit`. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit ledger: verify, explain, list, export evidence');

  audit
    .command('verify')
    .description('re-derive the hash chain and signed checkpoints; exits 1 and names the first broken record if anything was changed')
    .option(...dataDirOption)
    .option('--json', 'print the full report as JSON')
    .action(async (f: LocalFlags & { json?: boolean }) => {
      const { store, db, dataDir } = await openLocalStore(f);
      try {
        const trusted = loadAuditPublicKey({ dataDir });
        const r = await verifyLedger(db, trusted);
        if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        else if (r.ok)
          process.stdout.write(
            `OK: ${r.records} records, ${r.checkpoints} signed checkpoints (key ${trusted.keyId}); verified through record ${r.verifiedThrough}` +
              `${r.unanchored ? `, ${r.unanchored} newer records chained but not yet checkpointed` : ''}${r.purgedParts ? `; ${r.purgedParts} payload parts purged by retention` : ''} (${r.durationMs} ms)\n`,
          );
        else {
          const p = r.firstProblem!;
          process.stdout.write(`FAIL: ${p.message}\n`);
          process.stdout.write(`  first broken record: seq ${p.seq ?? '-'}${p.id ? ` (${p.id})` : ''} [${p.kind}]\n`);
          for (const q of r.problems.filter((x) => x !== p).slice(0, 9)) process.stdout.write(`  also: ${q.message}\n`);
          if (r.problems.length > 10) process.stdout.write(`  … ${r.problems.length - 10} more\n`);
        }
        if (!r.ok) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });

  audit
    .command('explain <request-id>')
    .description('why a request was allowed, changed, blocked or sent for approval')
    .option(...dataDirOption)
    .option('--json', 'print JSON')
    .action(async (requestId: string, f: LocalFlags & { json?: boolean }) => {
      const { store, db } = await openLocalStore(f);
      try {
        const ex = await explainRequest(db, requestId);
        if (f.json) process.stdout.write(JSON.stringify(ex, null, 2) + '\n');
        else {
          process.stdout.write(ex.summary + '\n\n');
          for (const s of ex.steps) process.stdout.write(`  #${s.seq} ${new Date(s.ts).toISOString()} ${s.kind}: ${s.text}\n`);
        }
      } finally {
        await store.close();
      }
    });

  audit
    .command('list')
    .description('search audit records, newest first')
    .option(...dataDirOption)
    .option('--agent <agent>')
    .option('--session <session>')
    .option('--request <request-id>')
    .option('--trace <trace-id>')
    .option('--tenant <tenant>')
    .option('--kind <kind>', AUDIT_KINDS.join(' | '))
    .option('--from <time>', 'ISO date, ms, or relative (-24h, -7d)')
    .option('--to <time>')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (f: LocalFlags & Record<string, string | boolean | undefined>) => {
      const now = Date.now();
      if (f.kind && !AUDIT_KINDS.includes(f.kind as AuditKind)) throw new CliError(`--kind must be one of ${AUDIT_KINDS.join(', ')}`);
      const { store, db } = await openLocalStore(f);
      try {
        const s = (k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
        const records = await searchAudit(db, {
          ...(s('agent') ? { agent: s('agent')! } : {}), ...(s('session') ? { session: s('session')! } : {}), ...(s('request') ? { requestId: s('request')! } : {}),
          ...(s('trace') ? { traceId: s('trace')! } : {}), ...(s('tenant') ? { tenant: s('tenant')! } : {}), ...(s('kind') ? { kind: s('kind') as AuditKind } : {}),
          ...(s('from') ? { from: parseTime(s('from')!, 'from', now) } : {}), ...(s('to') ? { to: parseTime(s('to')!, 'to', now) } : {}), limit: Number(s('limit') ?? 50),
        });
        const views = records.map(auditRecordView);
        output(!!f.json, views, views.map((v) => ({ ...v, actor: `${records.find((r) => r.id === v.id)!.actor.kind}:${records.find((r) => r.id === v.id)!.actor.id}`, decision: (v.body as { decision?: { action?: string } } | null)?.decision?.action ?? '' })), ['seq', 'time', 'tenant', 'kind', 'actor', 'agent', 'request_id', 'session', 'decision']);
      } finally {
        await store.close();
      }
    });

  audit
    .command('export')
    .description('write an evidence bundle (records, proofs, signed checkpoints, public key, verify.mjs, report.html) that verifies offline')
    .option(...dataDirOption)
    .option('--from <time>', 'start (inclusive): ISO date, ms, or relative (-30d)')
    .option('--to <time>', 'end (exclusive)')
    .option('--tenant <tenant>', 'only this tenant')
    .requiredOption('--out <dir>', 'folder to write the bundle to')
    .option('--json', 'print the summary as JSON')
    .action(async (f: LocalFlags & { from?: string; to?: string; tenant?: string; out: string; json?: boolean }) => {
      const now = Date.now();
      const out = resolve(f.out);
      const s = await withLocalLedger(f, (ledger) =>
        exportEvidence(ledger, {
          outDir: out, ...(f.from ? { from: parseTime(f.from, 'from', now) } : {}), ...(f.to ? { to: parseTime(f.to, 'to', now) } : {}), ...(f.tenant ? { tenant: f.tenant } : {}),
        }),
      );
      if (f.json) process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      else
        process.stdout.write(
          `wrote ${s.records} records, ${s.checkpoints} checkpoints (tree of ${s.treeSize}) to ${out}\n` +
            `ledger verification at export: ${s.ledgerVerified ? 'passed' : 'FAILED (see report.html)'}\n` +
            `check it anywhere with Node: cd ${out} && node verify.mjs\n`,
        );
      if (!s.ledgerVerified) process.exitCode = 1;
    });
}
