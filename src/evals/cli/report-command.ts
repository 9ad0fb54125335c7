/**
 * `daca eval report <run>`: renders a stored run as a table, JSON, JUnit XML or HTML.
 */
import { NotFoundError } from '../../errors.js';
import { renderRunTable } from '../reports/table.js';
import { summarizeRun } from '../reports/summary.js';
import { openRunStore, runJson, writeReports } from './options.js';

/** Flags of `daca eval report`. */
export interface ReportFlags {
  results: string;
  store?: string;
  dataDir: string;
  junit?: string;
  html?: string;
  json?: boolean;
}

/** Runs `daca eval report`; returns the exit code. */
export async function reportCommand(id: string, f: ReportFlags): Promise<number> {
  const store = await openRunStore(f);
  try {
    const run = await store.sink.load(id);
    if (!run) throw new NotFoundError(`no run '${id}' in ${f.store ?? f.results}`);
    writeReports(run, f);
    process.stdout.write(f.json ? JSON.stringify(runJson(run)) + '\n' : renderRunTable(summarizeRun(run)));
    return 0;
  } finally {
    await store.close();
  }
}
