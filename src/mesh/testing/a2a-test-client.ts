/**
 * Test helpers for A2A through daca: the official `@a2a-js/sdk` client with a daca key, and a
 * spec whose mesh knows some external agents.
 */
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory } from '@a2a-js/sdk/client';

/** The official client factory, every request carrying `Authorization: Bearer <key>`. */
export function a2aClientFactory(key: string): ClientFactory {
  const fetchImpl: typeof fetch = (url, init = {}) => fetch(url, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers ?? {})), authorization: `Bearer ${key}` } });
  return new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl })], cardResolver: new DefaultAgentCardResolver({ fetchImpl }) }));
}

/** Spec YAML with the sim provider and the given external agents (name → URL). */
export function externalAgentsSpec(agents: Record<string, string>): string {
  return `
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim, type: chat } }
mesh:
  external_agents:
${Object.entries(agents).map(([name, url]) => `    ${name}: { url: "${url}" }`).join('\n')}
`;
}
