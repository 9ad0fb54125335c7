/**
 * `daca subjects erase | export <id>`: data subjects' rights over the audit ledger (erasure by
 * destroying the subject's keys; access requests), straight on the store.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { eraseSubject, exportSubject } from '../compliance/subjects.js';
import { auditRecordView } from '../server/api/audit.js';
import { cliActor, withLocalLedger, type LocalFlags } from './audit-local.js';

/** Registers `daca subjects`. */
export function registerSubjects(program: Command): void {
  const subjects = program.command('subjects').description("data subjects' personal data in the audit ledger: erase, export");
  const dataDir = ['--data-dir <dir>', 'where `daca up` keeps .daca (DACA_DATA_DIR; default .daca); DACA_DATABASE_URL selects PostgreSQL'] as const;

  subjects
    .command('erase <subject-id>')
    .description("destroy the subject's keys: their personal data becomes unreadable, the ledger still verifies")
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (id: string, f: LocalFlags & { json?: boolean }) => {
      const r = await withLocalLedger(f, (l) => eraseSubject(l, id, cliActor()));
      if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else process.stdout.write(`erased subject (ref ${r.subjectRef}): ${r.keysDestroyed} key(s) destroyed; personal data in ${r.records} record(s) is now unreadable\n`);
    });

  subjects
    .command('export <subject-id>')
    .description('everything readable about a subject (access request), as JSON')
    .option(...dataDir)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (id: string, f: LocalFlags & { out?: string }) => {
      const r = await withLocalLedger(f, (l) => exportSubject(l, id));
      const text = JSON.stringify(
        {
          subject: id, subject_ref: r.subjectRef, erased: r.erased,
          records: r.records.map((x) => ({ ...auditRecordView(x), personal: x.inputs?.personalPlain ?? null })),
        },
        null,
        2,
      ) + '\n';
      if (f.out) await writeFile(f.out, text);
      else process.stdout.write(text);
    });
}
