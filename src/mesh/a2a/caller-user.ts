/**
 * The authenticated caller of an A2A request, as the SDK's `User` (so the request context carries
 * it to the executor), with the mesh's identity and the hop's trace context.
 */
import type { User } from '@a2a-js/sdk/server';
import type { MeshCallerIdentity } from '../security/call-policy.js';

/** A caller that passed daca's authentication. */
export class MeshUser implements User {
  constructor(
    readonly identity: MeshCallerIdentity,
    /** W3C traceparent of the hop (the mesh's span), for the callee's runtime. */
    readonly traceparent: string | undefined,
    /** Absolute deadline of the call (epoch ms). */
    readonly deadlineMs: number | undefined,
  ) {}

  get isAuthenticated(): boolean {
    return true;
  }

  get userName(): string {
    return `${this.identity.tenant}/${this.identity.type}`;
  }
}
