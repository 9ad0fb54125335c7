import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/open-store.js';
import { describeApprovalSuite } from './approval-service-suite.js';

describeApprovalSuite('SQLite', async () => {
  const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'daca-approvals-')) });
  await store.migrate();
  return store;
});
