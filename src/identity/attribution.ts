/**
 * Attribution: which agent, session and tags a call is billed to.
 *
 * Sources, first match wins: `x-daca-agent` / `x-daca-session` / `x-daca-tags: k=v,k2=v2` headers,
 * then the body's `metadata` (OpenAI `metadata.agent|session|<tag>`, Anthropic `metadata.user_id`),
 * then the OpenAI `user` field as the session. A key bound to an agent cannot claim another one.
 */
import { ForbiddenError, InvalidRequestError } from '../errors.js';
import type { Attribution, Principal } from './principal.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
const TAG_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** Header and body fields a caller may use to attribute a call. */
export interface AttributionInput {
  agentHeader?: string | undefined;
  sessionHeader?: string | undefined;
  tagsHeader?: string | undefined;
  /** Body `metadata` (string values only are used). */
  metadata?: unknown;
  /** Body `user` field. */
  user?: unknown;
}

/** The agent a principal without a bound agent runs as when it names none. */
export const DEFAULT_AGENT = 'default';

/**
 * Parses `k=v,k2=v2` into a tag map; throws `InvalidRequestError` naming the bad pair.
 * @example
 * ```ts
 * parseTags('customer=acme,order=42'); // { customer: 'acme', order: '42' }
 * ```
 */
export function parseTags(header: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of header.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    const k = eq > 0 ? p.slice(0, eq).trim() : '';
    const v = eq > 0 ? p.slice(eq + 1).trim() : '';
    if (!TAG_KEY.test(k) || v.length === 0 || v.length > 256)
      throw new InvalidRequestError(`x-daca-tags: '${p}' is not a valid tag; use k=v pairs separated by commas (keys: letters, digits, '_', '.', '-')`, { param: 'x-daca-tags' });
    tags[k] = v;
  }
  return tags;
}

function checkName(value: string, what: string): string {
  if (!NAME.test(value)) throw new InvalidRequestError(`${what} '${value.slice(0, 64)}' is not a valid name: use letters, digits and . _ : @ / - (at most 128)`, { param: what });
  return value;
}

/** Resolves the attribution of a call for an authenticated principal. */
export function attribute(principal: Principal, input: AttributionInput): Attribution {
  const meta = input.metadata && typeof input.metadata === 'object' ? (input.metadata as Record<string, unknown>) : undefined;
  const metaStr = (k: string): string | undefined => (typeof meta?.[k] === 'string' ? (meta[k] as string) : undefined);

  const claimed = input.agentHeader || metaStr('agent') || metaStr('daca_agent');
  let agent: string;
  if (principal.agent) {
    if (claimed && claimed !== principal.agent)
      throw new ForbiddenError(`this key is bound to agent '${principal.agent}' and cannot act as agent '${claimed}'`, { param: 'x-daca-agent' });
    agent = principal.agent;
  } else {
    agent = claimed ? checkName(claimed, 'x-daca-agent') : DEFAULT_AGENT;
  }

  const sessionRaw = input.sessionHeader || metaStr('session') || metaStr('user_id') || (typeof input.user === 'string' && input.user ? input.user : undefined);
  const session = sessionRaw ? (sessionRaw.length <= 256 ? sessionRaw : sessionRaw.slice(0, 256)) : null;

  let tags: Record<string, string> = {};
  if (meta) {
    for (const [k, v] of Object.entries(meta)) {
      if (typeof v === 'string' && TAG_KEY.test(k) && k !== 'agent' && k !== 'session' && k !== 'user_id' && k !== 'daca_agent' && v.length <= 256) tags[k] = v;
    }
  }
  if (input.tagsHeader) tags = { ...tags, ...parseTags(input.tagsHeader) };
  return { tenant: principal.tenant, team: principal.team, agent, session, tags };
}
