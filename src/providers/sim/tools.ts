/**
 * Tool selection of the sim provider: whether a request gets a tool call, and which tool.
 */
import type { ChatRequest, ToolDefinition } from '../types.js';
import { identifierWords, isStopword, stem, wordsOf } from './words.js';

/** Verbs too generic in tool names to signal intent on their own. */
const GENERIC = new Set(['get', 'set', 'do', 'make', 'run', 'call', 'tool', 'func', 'function', 'api', 'use', 'by', 'for', 'to', 'of', 'the', 'a']);

/**
 * How well a tool matches a message: 2 per word of its name found in the message (generic verbs
 * such as `get` excluded), 1 per content word of its description.
 */
export function toolScore(tool: ToolDefinition, messageStems: ReadonlySet<string>): number {
  let score = 0;
  const seen = new Set<string>();
  for (const w of identifierWords(tool.function.name)) {
    const s = stem(w);
    if (GENERIC.has(w) || seen.has(s)) continue;
    seen.add(s);
    if (messageStems.has(s)) score += 2;
  }
  for (const w of wordsOf(tool.function.description ?? '')) {
    const s = stem(w);
    if (w.length < 3 || isStopword(w) || GENERIC.has(w.toLowerCase()) || seen.has(s)) continue;
    seen.add(s);
    if (messageStems.has(s)) score += 1;
  }
  return score;
}

/**
 * The tool the sim calls for this request, or null for a text reply:
 * - `tool_choice: 'none'` or no tools → null;
 * - a named function → that tool (null if it is not among `tools`);
 * - `'required'` → the best-matching tool, or the first one;
 * - `'auto'` (default) → the best-matching tool when its score is at least 2 (one name word or
 *   two description words in the last user message), unless the conversation already ends with
 *   a tool result.
 */
export function chooseTool(req: ChatRequest, userText: string): ToolDefinition | null {
  const tools = req.tools;
  if (!tools || tools.length === 0 || req.tool_choice === 'none') return null;
  const choice = req.tool_choice;
  if (typeof choice === 'object') return tools.find((t) => t.function.name === choice.function.name) ?? null;
  const stems = new Set(wordsOf(userText).map(stem));
  let best: ToolDefinition | null = null;
  let bestScore = 0;
  for (const t of tools) {
    const s = toolScore(t, stems);
    if (s > bestScore) {
      best = t;
      bestScore = s;
    }
  }
  if (choice === 'required') return best ?? (tools[0] as ToolDefinition);
  const last = req.messages[req.messages.length - 1];
  if (last?.role === 'tool') return null;
  return bestScore >= 2 ? best : null;
}
