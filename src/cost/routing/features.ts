/**
 * Request features a router decides on: the task label, prompt length bucket, tools, JSON output.
 */
import { countChatTokens } from '../../metering/tokenizer.js';
import type { RoutingContext } from './routing-types.js';

/** Prompt length buckets, in tokens (upper bounds, exclusive). */
export const LENGTH_BUCKETS = [
  { name: 'short', below: 256 },
  { name: 'medium', below: 2048 },
  { name: 'long', below: Infinity },
] as const;

/** The features of one request. */
export interface RequestFeatures {
  /** The `task` tag, or `*` when the request has none. */
  task: string;
  promptTokens: number;
  length: (typeof LENGTH_BUCKETS)[number]['name'];
  tools: boolean;
  json: boolean;
}

/** The length bucket of a prompt size. */
export function lengthBucket(tokens: number): RequestFeatures['length'] {
  for (const b of LENGTH_BUCKETS) if (tokens < b.below) return b.name;
  return 'long';
}

/**
 * The features of a routing context.
 *
 * @example
 * ```ts
 * requestFeatures(ctx); // { task: 'faq', promptTokens: 41, length: 'short', tools: false, json: false }
 * ```
 */
export function requestFeatures(ctx: RoutingContext): RequestFeatures {
  const promptTokens = ctx.promptTokens ?? countChatTokens(ctx.req.messages, ctx.req.tools);
  const rf = ctx.req.response_format?.type;
  return {
    task: ctx.tags.task ?? '*',
    promptTokens,
    length: lengthBucket(promptTokens),
    tools: !!ctx.req.tools?.length,
    json: rf === 'json_object' || rf === 'json_schema',
  };
}

/** The keys a learned router looks up, most specific first: `task=faq|len=short`, `task=faq`, `*`. */
export function featureKeys(f: RequestFeatures): string[] {
  return [`task=${f.task}|len=${f.length}`, `task=${f.task}`, '*'];
}
