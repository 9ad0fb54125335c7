import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/open-store.js';
import { ledgerSuite } from './ledger-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'daca-ledger-'));
ledgerSuite('SQLite', async () => {
  const s = await openStore({ dataDir: dir });
  await s.migrate();
  return s;
});
