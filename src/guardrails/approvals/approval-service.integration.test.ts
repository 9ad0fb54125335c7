/** The approval service on PostgreSQL (fails, never skips, when 127.0.0.1:5432 is unreachable). */
import { dropSchema, freshSchema, openSchemaStore } from '../../../test/support/pg-schema.js';
import { describeApprovalSuite } from './approval-service-suite.js';

const schema = freshSchema('daca_approvals');
describeApprovalSuite('PostgreSQL', () => openSchemaStore(schema), () => dropSchema(schema));
