/**
 * Prompt agents declared in the spec (`agents.<name>.prompt`), built on the same `defineAgent`
 * SDK: each message becomes one chat call (system prompt + the conversation + the message) through
 * the gateway under the agent's identity — or, with `prompt.tools`, a tool loop over the node's MCP
 * tools of those names (tool-loop.ts). Durable prompt agents keep the conversation (last 20
 * messages) as their state; fast-path ones are stateless.
 */
import type { Spec } from '../spec/schema.js';
import { defineAgent, messageText, skillId, type AgentDefinition, type ModelChatMessage, type ModelChatRequest } from './define-agent.js';
import { chatWithTools } from './tool-loop.js';
import type { AgentSkillInfo, JsonValue } from './types.js';

type Turn = { role: 'user' | 'assistant'; content: string };
const HISTORY = 20;

/** Skills as the spec states them (strings or `{ id?, name, description?, examples?, tags? }`). */
export function specSkills(raw: unknown): AgentSkillInfo[] {
  if (!Array.isArray(raw)) return [];
  const out: AgentSkillInfo[] = [];
  for (const s of raw) {
    if (typeof s === 'string') out.push({ id: skillId(s), name: s });
    else if (s && typeof s === 'object') {
      const o = s as Record<string, unknown>;
      const name = typeof o.name === 'string' ? o.name : typeof o.id === 'string' ? o.id : 'skill';
      const k: AgentSkillInfo = { id: typeof o.id === 'string' ? o.id : skillId(name), name };
      if (typeof o.description === 'string') k.description = o.description;
      if (Array.isArray(o.examples)) k.examples = o.examples.filter((x): x is string => typeof x === 'string');
      if (Array.isArray(o.tags)) k.tags = o.tags.filter((x): x is string => typeof x === 'string');
      out.push(k);
    }
  }
  return out;
}

/** The prompt agents of a spec, as agent definitions. */
export function promptAgentsOf(spec: Spec): AgentDefinition[] {
  const out: AgentDefinition[] = [];
  for (const [name, a] of Object.entries(spec.agents)) {
    const p = a.prompt;
    if (!p) continue;
    const durable = a.durable;
    const def = defineAgent<{ history: Turn[] }>({
      name,
      description: a.description ?? a.role ?? `${name} (prompt agent)`,
      skills: specSkills((a as { skills?: unknown }).skills),
      state: { history: [] },
      durable,
      model: p.model,
      team: a.team,
      instances: a.instances ?? { min: 1, max: 1 },
      handlers: {
        async onMessage(ctx, msg) {
          const text = messageText(msg) || JSON.stringify(msg.parts);
          const messages: ModelChatMessage[] = [];
          if (p.system) messages.push({ role: 'system', content: p.system });
          if (durable) for (const t of ctx.state.history) messages.push(t);
          messages.push({ role: 'user', content: text });
          const req: ModelChatRequest & { messages: ModelChatMessage[] } = { model: p.model, messages };
          if (p.temperature !== undefined) req.temperature = p.temperature;
          if (p.max_tokens !== undefined) req.max_tokens = p.max_tokens;
          const r = p.tools?.length ? await chatWithTools(ctx, req, p.tools) : await ctx.model.chat(req);
          if (durable) ctx.state.history = [...ctx.state.history, { role: 'user' as const, content: text }, { role: 'assistant' as const, content: r.text }].slice(-HISTORY);
          return r.text;
        },
      },
    });
    out.push(def as unknown as AgentDefinition<JsonValue>);
  }
  return out;
}
