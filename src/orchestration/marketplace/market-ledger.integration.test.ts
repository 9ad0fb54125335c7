/** The market ledger on PostgreSQL (fails, never skips, when 127.0.0.1:5432 is unreachable). */
import { afterAll } from 'vitest';
import { dropSchema, freshSchema, openSchemaStore } from '../../../test/support/pg-schema.js';
import { ledgerSuite } from './ledger-suite.js';

const schema = freshSchema('daca_orch');
ledgerSuite('PostgreSQL', () => openSchemaStore(schema));
afterAll(() => dropSchema(schema));
