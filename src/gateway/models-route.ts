/**
 * `GET /v1/models`: the models and aliases a key may use, in OpenAI's list shape.
 */
import type { Context } from 'hono';
import type { ModelCatalog } from '../spec/resolve.js';
import type { DacaVariables } from './start-call.js';

/** Builds the models handler. */
export function modelsHandler(catalog: ModelCatalog, created: number) {
  return (c: Context<{ Variables: DacaVariables }>): Response => {
    const allowed = c.get('principal').models;
    const data = catalog
      .ids()
      .filter((n) => !allowed || allowed.has(n) || allowed.has(catalog.resolve(n)?.name ?? ''))
      .map((id) => {
        const m = catalog.resolve(id);
        return { id, object: 'model', created, owned_by: m?.provider ?? 'daca', type: m?.type ?? 'chat', ...(m && m.name !== id ? { alias_of: m.name } : {}) };
      });
    return c.json({ object: 'list', data });
  };
}
