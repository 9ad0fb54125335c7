/**
 * Decides what the sim model answers to one chat request: a scripted reply, a tool call, JSON for
 * `response_format`, or English text — and how many tokens that is. Pure: the same request and
 * seed always give the same plan.
 */
import { countTextTokens, truncateToTokens } from '../../metering/tokenizer.js';
import type { ChatRequest, FinishReason, ToolCall } from '../types.js';
import { hashString, mix32, SimRandom } from './hash.js';
import { synthContext, synthesizeJson } from './json-synth.js';
import type { SimMarkers } from './markers.js';
import { lastUserIndex, messageText, stripMarkers } from './markers.js';
import { DEFAULT_CAPABILITY, simSucceeds } from './quality.js';
import { composeReply, wrongAnswer } from './reply-text.js';
import type { AnswerClaim } from './reply-text.js';
import { chooseTool } from './tools.js';
import { salientWords, wordsOf } from './words.js';

/** A compiled spec script: a regex over the last user message and what to answer. */
export interface CompiledScript {
  match: RegExp;
  reply?: string;
  toolCall?: { name: string; arguments: Record<string, unknown> };
}

/** The sim's answer to one request. */
export interface PlannedReply {
  content: string | null;
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  completionTokens: number;
  /** Whether the quality model judged the task solved (true when no difficulty was given). */
  succeeded: boolean;
}

/** What {@link planReply} needs besides the request. */
export interface PlanInput {
  seed: number;
  capability?: number;
  markers: SimMarkers;
  scripts: readonly CompiledScript[];
}

/** Hash of the request's content (not its model): messages, tools, response format, seed. */
export function contentHash(seed: number, req: ChatRequest): number {
  let h = hashString(String(req.seed ?? ''), seed);
  for (const m of req.messages) {
    h = hashString(m.role, h);
    h = hashString(messageText(m.content), h);
    if (m.name) h = hashString(m.name, h);
    if (m.tool_call_id) h = hashString(m.tool_call_id, h);
    if (m.tool_calls) for (const tc of m.tool_calls) h = hashString(tc.function.arguments, hashString(tc.function.name, h));
  }
  if (req.tools) for (const t of req.tools) h = hashString(t.function.name, h);
  if (req.response_format) h = hashString(req.response_format.type, h);
  return h;
}

function difficultyOf(req: ChatRequest, markers: SimMarkers): number | undefined {
  if (markers.difficulty !== undefined) return markers.difficulty;
  const meta = req.extra?.metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const d = Number((meta as Record<string, unknown>).difficulty);
  return Number.isFinite(d) ? Math.min(1, Math.max(0, d)) : undefined;
}

function toolCall(name: string, args: unknown, key: number): ToolCall {
  const id = 'call_' + mix32(key).toString(36).padStart(7, '0') + mix32(key ^ 0x9e3779b9).toString(36).padStart(7, '0');
  return { id, type: 'function', function: { name, arguments: JSON.stringify(args) } };
}

function toolNameFor(req: ChatRequest, callId: string | undefined): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const call = req.messages[i]!.tool_calls?.find((c) => c.id === callId);
    if (call) return call.function.name;
  }
  return 'tool';
}

function toolPlan(call: ToolCall, model: string): PlannedReply {
  const tokens = countTextTokens(call.function.name, model) + countTextTokens(call.function.arguments, model);
  return { content: null, toolCalls: [call], finishReason: 'tool_calls', completionTokens: tokens, succeeded: true };
}

function jsonReply(req: ChatRequest, userText: string, rng: SimRandom, answer: string | undefined): string {
  const rf = req.response_format;
  const schema = rf?.type === 'json_schema' ? (rf.json_schema as Record<string, unknown> | undefined)?.schema : undefined;
  const ctx = synthContext(userText, rng, answer);
  if (schema !== undefined) return JSON.stringify(synthesizeJson(schema, ctx));
  const topics = salientWords(userText).slice(0, 5);
  const obj: Record<string, unknown> = answer !== undefined ? { answer } : {};
  obj.summary = composeReply({ userText, targetTokens: 0 }, rng);
  obj.topics = topics;
  return JSON.stringify(obj);
}

/**
 * Plans the reply to `req` as sim model `req.model`. Order: scripts, then tools, then the quality
 * model decides success (only when a difficulty is given), then JSON or English text sized by
 * `[sim:tokens=N]` or the prompt length, finally cut at `max_tokens` (finish reason `length`).
 * Tool-call arguments are never cut.
 */
export function planReply(req: ChatRequest, input: PlanInput): PlannedReply {
  const { seed, markers } = input;
  const model = req.model;
  const content = contentHash(seed, req);
  const rng = new SimRandom(hashString(model, content));
  const u = lastUserIndex(req.messages);
  const userText = u >= 0 ? stripMarkers(messageText(req.messages[u]!.content)) : '';

  let text: string | undefined;
  for (const s of input.scripts) {
    if (!s.match.test(userText)) continue;
    if (s.toolCall) return toolPlan(toolCall(s.toolCall.name, s.toolCall.arguments, content), model);
    text = s.reply;
    break;
  }

  let succeeded = true;
  if (text === undefined) {
    const tool = chooseTool(req, userText);
    if (tool) return toolPlan(toolCall(tool.function.name, synthesizeJson(tool.function.parameters, synthContext(userText, rng)), content), model);

    const difficulty = difficultyOf(req, markers);
    if (difficulty !== undefined) succeeded = simSucceeds(input.capability ?? DEFAULT_CAPABILITY, difficulty, `${seed}:${content}`);
    const answer: AnswerClaim | undefined = markers.answer !== undefined ? { expected: markers.answer, correct: succeeded } : undefined;

    const rfType = req.response_format?.type;
    if (rfType === 'json_object' || rfType === 'json_schema') {
      const value = answer === undefined ? undefined : answer.correct ? answer.expected : wrongAnswer(answer.expected, rng);
      text = jsonReply(req, userText, rng, value);
    } else {
      const words = wordsOf(userText).length;
      const target = markers.tokens ?? Math.round((14 + Math.min(80, words * 1.5)) * (0.75 + rng.next() * 0.5));
      const last = req.messages[req.messages.length - 1];
      const toolResult = last?.role === 'tool' ? { name: toolNameFor(req, last.tool_call_id), content: messageText(last.content) } : undefined;
      text = composeReply({ userText, targetTokens: target, ...(answer ? { answer } : {}), ...(toolResult ? { toolResult } : {}), model }, rng);
      if (markers.tokens !== undefined) text = truncateToTokens(text, markers.tokens, model).text;
    }
  }

  if (req.max_tokens !== undefined && req.max_tokens >= 0) {
    const cut = truncateToTokens(text, req.max_tokens, model);
    if (cut.truncated) return { content: cut.text, finishReason: 'length', completionTokens: cut.tokens, succeeded };
  }
  return { content: text, finishReason: 'stop', completionTokens: countTextTokens(text, model), succeeded };
}
