/**
 * Agent Cards: the protocol 1.0 card (proto JSON, as @a2a-js/sdk clients read it) and the 0.3
 * card older peers read, both naming the same JSON-RPC endpoint, both declaring Bearer auth
 * (daca keys, or mesh tokens between agents).
 */
import { AgentCard } from '@a2a-js/sdk';
import type { AgentSkillInfo } from '../../runtime/types.js';

type Card = ReturnType<typeof AgentCard.fromJSON>;

/** What a card describes. */
export interface CardInfo {
  name: string;
  description: string;
  version: string;
  /** Absolute URL of the JSON-RPC endpoint (ends with `/`). */
  url: string;
  skills: readonly AgentSkillInfo[];
  streaming: boolean;
  tags?: readonly string[] | undefined;
}

const BEARER_V1 = { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer', description: 'a daca virtual key (daca keys create), or a mesh token between agents', bearerFormat: '' } } };

/**
 * The protocol 1.0 card as an SDK object (JSON-RPC 1.0 and 0.3 interfaces on one URL).
 * @example
 * ```ts
 * const card = agentCard({ name: 'assistant', description: '…', version: '1', url: 'http://127.0.0.1:8700/a2a/assistant/', skills: [], streaming: true });
 * ```
 */
export function agentCard(info: CardInfo): Card {
  return AgentCard.fromJSON({
    name: info.name,
    description: info.description || info.name,
    version: info.version,
    supportedInterfaces: [
      { url: info.url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
      { url: info.url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
    ],
    provider: { organization: 'daca', url: 'https://github.com/daca' },
    capabilities: { streaming: info.streaming, pushNotifications: false, extendedAgentCard: false },
    securitySchemes: BEARER_V1,
    securityRequirements: [{ schemes: { bearer: { list: [] } } }],
    defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: info.skills.map((s) => ({
      id: s.id, name: s.name || s.id, description: s.description ?? '', tags: [...(s.tags ?? []), ...(info.tags ?? [])], examples: s.examples ?? [],
    })),
  });
}

/** The 1.0 card as JSON (proto JSON). */
export function cardJsonV1(card: Card): unknown {
  return AgentCard.toJSON(card);
}

/** The 0.3 card (with the 1.0 interfaces embedded, as the SDK's compat layer does). */
export function cardJsonV03(info: CardInfo): unknown {
  return {
    protocolVersion: '0.3.0',
    name: info.name,
    description: info.description || info.name,
    url: info.url,
    preferredTransport: 'JSONRPC',
    additionalInterfaces: [{ url: info.url, transport: 'JSONRPC' }],
    supportedInterfaces: [{ url: info.url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
    version: info.version,
    capabilities: { streaming: info.streaming, pushNotifications: false },
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a daca virtual key, or a mesh token between agents' } },
    security: [{ bearer: [] }],
    defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: info.skills.map((s) => ({ id: s.id, name: s.name || s.id, description: s.description ?? '', tags: [...(s.tags ?? []), ...(info.tags ?? [])], examples: s.examples ?? [] })),
  };
}

/** Reads the skills and name of a fetched card, in either version (for external agents). */
export function parseCard(json: unknown): { name: string; description: string; version: string; url: string; skills: AgentSkillInfo[]; streaming: boolean } {
  if (!json || typeof json !== 'object') throw new Error('the agent card is not a JSON object');
  const c = json as Record<string, unknown>;
  if (typeof c.name !== 'string' || !c.name) throw new Error('the agent card has no name');
  const ifaces = Array.isArray(c.supportedInterfaces) ? (c.supportedInterfaces as { url?: unknown; protocolBinding?: unknown; protocolVersion?: unknown }[]) : [];
  const jsonrpc = ifaces.find((i) => String(i.protocolBinding ?? '').toUpperCase() === 'JSONRPC' && typeof i.url === 'string');
  const url = typeof jsonrpc?.url === 'string' ? jsonrpc.url : typeof c.url === 'string' ? c.url : '';
  if (!url) throw new Error('the agent card names no JSON-RPC endpoint (supportedInterfaces or url)');
  try {
    new URL(url);
  } catch {
    throw new Error(`the agent card's endpoint '${url}' is not a URL`);
  }
  const skills = (Array.isArray(c.skills) ? (c.skills as Record<string, unknown>[]) : []).map((s) => ({
    id: String(s.id ?? s.name ?? ''),
    name: String(s.name ?? s.id ?? ''),
    description: typeof s.description === 'string' ? s.description : '',
    examples: Array.isArray(s.examples) ? s.examples.filter((x): x is string => typeof x === 'string') : [],
    tags: Array.isArray(s.tags) ? s.tags.filter((x): x is string => typeof x === 'string') : [],
  })).filter((s) => s.id);
  const caps = (c.capabilities ?? {}) as { streaming?: unknown };
  return { name: c.name, description: typeof c.description === 'string' ? c.description : '', version: typeof c.version === 'string' ? c.version : '0', url, skills, streaming: caps.streaming === true };
}
