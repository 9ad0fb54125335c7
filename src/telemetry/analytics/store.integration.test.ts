/** The observability store on PostgreSQL (fails, never skips, when 127.0.0.1:5432 is unreachable). */
import { openStore } from '../../store/open-store.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../../../test/support/pg-schema.js';
import { describeObservabilityStore } from './store-suite.js';

const schema = freshSchema('daca_obs');
describeObservabilityStore('postgres', () => openStore({ databaseUrl: `${TEST_DATABASE_URL}?schema=${schema}`, dataDir: '/nonexistent' }), () => dropSchema(schema));
