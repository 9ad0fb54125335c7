/**
 * Run stores on a real SQLite file and on JSONL files.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/types.js';
import { JsonlRunStore } from './jsonl-sink.js';
import { StoreRunRepo } from './store-sink.js';
import { describeRunStore, describeRunTotals } from '../testing/store-run-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-store-'));
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});

describe('StoreRunRepo on SQLite', () => {
  const file = join(dir, 'daca.db');
  describeRunStore(async () => {
    const s = await openSqliteStore(file);
    stores.push(s);
    return new StoreRunRepo(s);
  });
  describeRunTotals(async () => {
    const s = await openSqliteStore(file);
    stores.push(s);
    return new StoreRunRepo(s);
  });
});

describe('JsonlRunStore', () => {
  describeRunStore(async () => new JsonlRunStore(join(dir, 'runs')));
});
