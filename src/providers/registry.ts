/**
 * Builds the running providers from the spec: one ModelProvider per `providers` entry.
 */
import type { Spec } from '../spec/schema.js';
import type { ModelProvider } from './types.js';
import { createSimProvider, type SimModelSettings } from './sim/sim-provider.js';
import { createOpenAICompatibleProvider } from './openai-compatible/openai-compatible-provider.js';
import { createAnthropicProvider } from './anthropic/anthropic-provider.js';

/** Creates every provider the spec declares. */
export function createProviders(spec: Spec): Map<string, ModelProvider> {
  const out = new Map<string, ModelProvider>();
  for (const [name, p] of Object.entries(spec.providers)) {
    switch (p.kind) {
      case 'sim': {
        const models: Record<string, SimModelSettings> = {};
        for (const [mName, m] of Object.entries(spec.models)) {
          if (m.provider !== name) continue;
          const s: SimModelSettings = { type: m.type };
          if (m.capability !== undefined) s.capability = m.capability;
          if (m.ttft_ms !== undefined) s.ttft_ms = m.ttft_ms;
          if (m.tokens_per_second !== undefined) s.tokens_per_second = m.tokens_per_second;
          if (m.dimensions !== undefined) s.dimensions = m.dimensions;
          models[m.upstream ?? mName] = s;
        }
        out.set(name, createSimProvider(name, p, models));
        break;
      }
      case 'openai':
        out.set(name, createOpenAICompatibleProvider(name, p));
        break;
      case 'anthropic':
        out.set(name, createAnthropicProvider(name, p));
        break;
    }
  }
  return out;
}
