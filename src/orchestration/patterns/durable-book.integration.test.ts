/** The durable double-auction book on PostgreSQL (fails, never skips, when 127.0.0.1:5432 is unreachable). */
import { afterAll } from 'vitest';
import { dropSchema, freshSchema, openSchemaStore } from '../../../test/support/pg-schema.js';
import { bookSuite } from './book-suite.js';

const schema = freshSchema('daca_book');
bookSuite('PostgreSQL', () => openSchemaStore(schema));
afterAll(() => dropSchema(schema));
