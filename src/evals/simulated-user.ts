/**
 * The simulated user of multi-turn cases: a model (through daca; the sim provider by default)
 * plays the persona, pursuing the case's goal, and writes the next user message after each agent
 * reply that did not yet achieve the goal.
 */
import type { ChatMessage } from '../providers/types.js';
import type { ChatClient } from './chat-client.js';
import type { TranscriptMessage } from './graders/types.js';
import type { Persona } from './personas.js';

/** What the simulated user knows when it writes its next message. */
export interface SimulatedTurnInput {
  persona: Persona;
  /** What the user wants (markers stripped). */
  goal: string;
  history: readonly TranscriptMessage[];
  seed: number;
}

/** The simulated user's next message and what producing it cost. */
export interface SimulatedTurn {
  text: string;
  tokens: number;
  costMicros: number;
}

/** Writes a simulated user's next message. */
export interface SimulatedUser {
  next(input: SimulatedTurnInput): Promise<SimulatedTurn>;
}

/**
 * A simulated user driven by `model` through `client`. The conversation is shown to the model with
 * roles swapped (the agent's replies as `user` messages), so any chat model can play the user.
 *
 * @example
 * ```ts
 * const user = modelSimulatedUser(client, 'sim-user');
 * const t = await user.next({ persona, goal: 'get a refund', history, seed: 1 });
 * ```
 */
export function modelSimulatedUser(client: ChatClient, model: string): SimulatedUser {
  return {
    async next({ persona, goal, history, seed }: SimulatedTurnInput): Promise<SimulatedTurn> {
      const messages: ChatMessage[] = [
        {
          role: 'system',
          content:
            `You are role-playing a user: ${persona.style}. Your goal: ${goal}. ` +
            'The assistant has not fully achieved it yet. Write only your next message to the assistant, in character, in one or two sentences.',
        },
      ];
      for (const m of history) {
        if (m.role === 'tool') continue;
        messages.push({ role: m.role === 'assistant' ? 'user' : 'assistant', content: m.content });
      }
      const r = await client.chat({ model, messages, seed, max_tokens: 80 });
      return { text: r.content.trim(), tokens: r.promptTokens + r.completionTokens, costMicros: r.costMicros };
    },
  };
}
