/**
 * The one door to `@restatedev/restate-sdk`: installs the Node 20 polyfill first (ESM evaluates
 * imports in order), then re-exports what the runtime uses. Nothing else imports the SDK directly.
 */
import './promise-polyfill.js';
export { createEndpointHandler, object, workflow, service, handlers, serde, TerminalError, RestatePromise } from '@restatedev/restate-sdk';
export type { ObjectContext, ObjectSharedContext, WorkflowContext, WorkflowSharedContext, Context, VirtualObjectDefinition, WorkflowDefinition, ServiceDefinition } from '@restatedev/restate-sdk';
