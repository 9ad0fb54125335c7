/**
 * Who is calling: the identity a request runs under after authentication and attribution.
 */
import type { KeyRole } from '../store/types.js';

/** An authenticated key, as the gateway sees it. */
export interface Principal {
  keyId: string;
  role: KeyRole;
  tenant: string;
  team: string;
  /** The agent the key is bound to, or null when the key may name its agent. */
  agent: string | null;
  /** Allowed models/aliases, or null for all. */
  models: ReadonlySet<string> | null;
  /** True for the printed development key (accepted from loopback only). */
  dev: boolean;
  /**
   * True for a global principal (the admin key, keys of tenant `*`): it sees every tenant on
   * `/api/*`. Otherwise it sees only `tenant`.
   */
  allTenants?: boolean;
}

/** The attribution of one call: principal plus the agent, session and tags it runs under. */
export interface Attribution {
  tenant: string;
  team: string;
  agent: string;
  session: string | null;
  tags: Record<string, string>;
}
