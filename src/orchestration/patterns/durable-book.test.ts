/** The durable double-auction book on the embedded SQLite store (a file, reopened by every call). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/open-store.js';
import { bookSuite } from './book-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'daca-book-'));
bookSuite('SQLite', () => openStore({ dataDir: dir }));
