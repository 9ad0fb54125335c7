/**
 * The Anthropic Messages wire format: validation, types and translation to and from daca's
 * canonical (OpenAI-shaped) chat types, in both directions.
 */
export { AnthropicMessagesRequestSchema, parseAnthropicMessagesRequest } from './request-schema.js';
export { anthropicToChatRequest } from './to-chat-request.js';
export { chatRequestToAnthropic } from './from-chat-request.js';
export { chatResultToAnthropicMessage, anthropicMessageToChatResult, anthropicMessageId, toolInput } from './message.js';
export { AnthropicStreamEncoder } from './stream-encoder.js';
export { AnthropicStreamDecoder } from './stream-decoder.js';
export { anthropicErrorBody, anthropicErrorType } from './errors.js';
export { finishReasonFromAnthropic, stopReasonToAnthropic, usageFromAnthropic, usageToAnthropic } from './stop-reason-usage.js';
export type {
  AnthropicCacheControl,
  AnthropicContentBlock,
  AnthropicDelta,
  AnthropicDocumentBlock,
  AnthropicErrorBody,
  AnthropicEvent,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  AnthropicRedactedThinkingBlock,
  AnthropicResponseBlock,
  AnthropicStopReason,
  AnthropicStreamEventData,
  AnthropicTextBlock,
  AnthropicThinkingBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
  AnthropicUsage,
} from './types.js';
