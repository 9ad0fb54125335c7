/**
 * `daca eval compare A B`: pairs two stored runs per trial and prints McNemar and bootstrap statistics.
 */
import { NotFoundError } from '../../errors.js';
import { compareRuns } from '../compare.js';
import { renderComparisonTable } from '../reports/table.js';
import { intFlag, openRunStore } from './options.js';

/** Flags of `daca eval compare`. */
export interface CompareFlags {
  results: string;
  store?: string;
  dataDir: string;
  seed: string;
  replicates: string;
  json?: boolean;
}

/** Runs `daca eval compare`; returns the exit code. */
export async function compareCommand(a: string, b: string, f: CompareFlags): Promise<number> {
  const store = await openRunStore(f);
  try {
    const [ra, rb] = await Promise.all([store.sink.load(a), store.sink.load(b)]);
    if (!ra) throw new NotFoundError(`no run '${a}' in ${f.store ?? f.results}`);
    if (!rb) throw new NotFoundError(`no run '${b}' in ${f.store ?? f.results}`);
    const cmp = compareRuns(ra, rb, { seed: intFlag('seed', f.seed, 1), replicates: Math.max(100, intFlag('replicates', f.replicates, 2000)) });
    process.stdout.write(f.json ? JSON.stringify(cmp, null, 2) + '\n' : renderComparisonTable(cmp));
    return 0;
  } finally {
    await store.close();
  }
}
