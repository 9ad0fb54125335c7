/**
 * The Anthropic ↔ canonical translation functions in one import, for the gateway route and the
 * Anthropic provider.
 */
export { anthropicToChatRequest } from './to-chat-request.js';
export { chatRequestToAnthropic } from './from-chat-request.js';
export { chatResultToAnthropicMessage, anthropicMessageToChatResult } from './message.js';
export { AnthropicStreamEncoder } from './stream-encoder.js';
export { AnthropicStreamDecoder } from './stream-decoder.js';
