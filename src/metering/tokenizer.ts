/**
 * Token counting with js-tiktoken's rank files and our compact encoder ({@link BytePairEncoder}) (`o200k_base` for current OpenAI-style models, `cl100k_base` for
 * gpt-3.5 / gpt-4 (non-4o) / ada-002 / text-embedding-3).
 *
 * Cost model: each rank file is loaded lazily, once, on first use (o200k ≈ 0.5 s; call
 * {@link preloadTokenizer} at start-up to keep that off the first request). After that, text is
 * split with the encoding's pre-tokenisation regex and each piece's BPE result is memoised in a
 * bounded cache, so repeated words cost one Map lookup. Even so, tokenising is far more expensive
 * than anything else on the request path: the gateway should use the upstream's `usage` and only
 * call this when it has to estimate (upstream gave none, budget pre-reservation, the sim provider).
 */
import { createRequire } from 'node:module';
import type { TiktokenBPE } from 'js-tiktoken/lite';
import { BytePairEncoder } from './bpe.js';
import type { ChatMessage, ToolDefinition } from '../providers/types.js';

/** The encodings daca ships. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/** Tokens added per message by the chat format (OpenAI's documented rule for current models). */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens added when a message carries a `name`. */
export const TOKENS_PER_NAME = 1;
/** Tokens that prime the assistant's reply (`<|start|>assistant<|message|>`). */
export const REPLY_PRIMING_TOKENS = 3;
/** Flat estimate for one image content part. */
export const IMAGE_TOKENS = 85;

/** Pieces longer than this are not memoised (they rarely repeat). */
const MAX_CACHED_PIECE = 64;
/** Memo size per encoding; cleared when full (cheap, and keeps memory bounded). */
const MAX_CACHE_ENTRIES = 50_000;

interface Encoder {
  tiktoken: BytePairEncoder;
  /** Pre-tokenisation regex, compiled once (`lastIndex` is reset before each use). */
  pattern: RegExp;
  /** piece → token count */
  counts: Map<string, number>;
}

const requireCjs = createRequire(import.meta.url);
const encoders = new Map<EncodingName, Encoder>();

function load(name: EncodingName): Encoder {
  let enc = encoders.get(name);
  if (enc) return enc;
  const ranks = requireCjs(`js-tiktoken/ranks/${name}`) as TiktokenBPE;
  enc = { tiktoken: new BytePairEncoder(ranks), pattern: new RegExp(ranks.pat_str, 'gu'), counts: new Map() };
  encoders.set(name, enc);
  return enc;
}

/**
 * The encoding a model id uses: `cl100k_base` for gpt-3.5*, gpt-4 / gpt-4-turbo / gpt-4-32k,
 * text-embedding-ada-002 and text-embedding-3-*; `o200k_base` for everything else
 * (gpt-4o, gpt-4.1, o-series, gpt-5, and any non-OpenAI or sim model, as a good approximation).
 */
export function encodingForModel(model?: string): EncodingName {
  if (!model) return 'o200k_base';
  const m = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  if (m.startsWith('gpt-3.5') || m.startsWith('gpt-35') || m.startsWith('text-embedding-')) return 'cl100k_base';
  if (m.startsWith('gpt-4') && !m.startsWith('gpt-4o') && !m.startsWith('gpt-4.')) return 'cl100k_base';
  return 'o200k_base';
}

/** Loads the rank file for `model` now rather than on the first request (~0.5 s for o200k). */
export function preloadTokenizer(model?: string): void {
  load(encodingForModel(model));
}

function pieceCount(enc: Encoder, piece: string): number {
  if (piece.length > MAX_CACHED_PIECE) return enc.tiktoken.countPiece(piece);
  let n = enc.counts.get(piece);
  if (n === undefined) {
    n = enc.tiktoken.countPiece(piece);
    if (enc.counts.size >= MAX_CACHE_ENTRIES) enc.counts.clear();
    enc.counts.set(piece, n);
  }
  return n;
}

/**
 * Number of tokens in `text` for `model` (special-token strings such as `<|endoftext|>` count as
 * plain text). Not free: avoid on the hot path unless the upstream gave no usage.
 *
 * @example
 * ```ts
 * countTextTokens('Hello team'); // 2
 * ```
 */
export function countTextTokens(text: string, model?: string): number {
  if (text.length === 0) return 0;
  const enc = load(encodingForModel(model));
  const re = enc.pattern;
  re.lastIndex = 0;
  let total = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) total += pieceCount(enc, m[0]);
  return total;
}

/** One pre-tokenisation piece of a text and its token count. */
export interface TextSegment {
  text: string;
  tokens: number;
}

/**
 * Splits `text` into its pre-tokenisation pieces (roughly words with their leading space), each
 * with its token count. Concatenating the pieces gives back `text`; their counts sum to
 * {@link countTextTokens}. Used by the sim provider to stream token group by token group.
 */
export function segmentText(text: string, model?: string): TextSegment[] {
  const out: TextSegment[] = [];
  if (text.length === 0) return out;
  const enc = load(encodingForModel(model));
  const re = enc.pattern;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ text: m[0], tokens: pieceCount(enc, m[0]) });
  return out;
}

/**
 * The longest prefix of `text` with at most `maxTokens` tokens (cutting inside a multi-token word
 * when needed), and its token count.
 */
export function truncateToTokens(text: string, maxTokens: number, model?: string): { text: string; tokens: number; truncated: boolean } {
  const segments = segmentText(text, model);
  let tokens = 0;
  let out = '';
  for (const s of segments) {
    if (tokens + s.tokens <= maxTokens) {
      out += s.text;
      tokens += s.tokens;
      continue;
    }
    const room = maxTokens - tokens;
    if (room > 0) {
      const partial = decodeTokens(encodeText(s.text, model).slice(0, room), model).replace(/\uFFFD+$/u, '');
      const n = countTextTokens(out + partial, model);
      if (partial && n <= maxTokens) return { text: out + partial, tokens: n, truncated: true };
    }
    return { text: out, tokens, truncated: true };
  }
  return { text: out, tokens, truncated: false };
}

/** Token ids of `text` (special-token strings encoded as plain text). */
export function encodeText(text: string, model?: string): number[] {
  return load(encodingForModel(model)).tiktoken.encode(text);
}

/** Text of token ids (unknown ids are skipped). */
export function decodeTokens(tokens: number[], model?: string): string {
  return load(encodingForModel(model)).tiktoken.decode(tokens);
}

function contentTokens(content: ChatMessage['content'], model: string | undefined): number {
  if (content === null) return 0;
  if (typeof content === 'string') return countTextTokens(content, model);
  let n = 0;
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') n += countTextTokens(part.text, model);
    else if (part.type === 'image_url' || part.type === 'image') n += IMAGE_TOKENS;
    else n += countTextTokens(JSON.stringify(part), model);
  }
  return n;
}

/**
 * Prompt tokens of a chat request, following OpenAI's counting rules: {@link TOKENS_PER_MESSAGE}
 * per message plus its role, content and name ({@link TOKENS_PER_NAME} extra for a name), the
 * assistant's tool calls (name + arguments), a tool message's id, {@link IMAGE_TOKENS} per image,
 * the tools' JSON, and {@link REPLY_PRIMING_TOKENS} for the reply. Exact for text-only requests;
 * an estimate once tools or images are involved (OpenAI's own tool encoding is not public).
 *
 * @example
 * ```ts
 * countChatTokens([{ role: 'user', content: 'Hello team' }]); // 3 + 1 + 2 + 3 = 9
 * ```
 */
export function countChatTokens(messages: readonly ChatMessage[], tools?: readonly ToolDefinition[], model?: string): number {
  let n = REPLY_PRIMING_TOKENS;
  for (const msg of messages) {
    n += TOKENS_PER_MESSAGE + countTextTokens(msg.role, model) + contentTokens(msg.content, model);
    if (msg.name) n += TOKENS_PER_NAME + countTextTokens(msg.name, model);
    if (msg.tool_calls) {
      for (const tc of msg.tool_calls) n += countTextTokens(tc.function.name, model) + countTextTokens(tc.function.arguments, model);
    }
    if (msg.tool_call_id) n += countTextTokens(msg.tool_call_id, model);
  }
  if (tools && tools.length > 0) n += countTextTokens(JSON.stringify(tools), model);
  return n;
}
