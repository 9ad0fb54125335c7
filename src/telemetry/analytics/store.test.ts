import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/open-store.js';
import { describeObservabilityStore } from './store-suite.js';

let dir = '';
describeObservabilityStore(
  'sqlite',
  async () => openStore({ dataDir: (dir = await mkdtemp(join(tmpdir(), 'daca-obs-store-'))) }),
  () => rm(dir, { recursive: true, force: true }),
);
