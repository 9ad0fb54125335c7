import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../errors.js';
import { parseAnthropicMessagesRequest } from './request-schema.js';

function fail(body: unknown): InvalidRequestError {
  try {
    parseAnthropicMessagesRequest(body);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRequestError);
    return e as InvalidRequestError;
  }
  throw new Error('expected a validation error');
}

const ok = { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] };

describe('parseAnthropicMessagesRequest', () => {
  it('accepts a full request and keeps unknown top-level fields', () => {
    const body = {
      ...ok,
      system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' }, title: 'd' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get', input: { q: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '42' }], is_error: false }] },
      ],
      tools: [{ name: 'get', description: 'get it', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'get', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 5,
      stream: true,
      metadata: { user_id: 'u1' },
      thinking: { type: 'enabled', budget_tokens: 1024 },
      service_tier: 'auto',
    };
    const parsed = parseAnthropicMessagesRequest(body);
    expect(parsed).toEqual(body);
  });

  it('names missing required fields and what they are', () => {
    const e = fail({ messages: [] });
    expect(e.message).toContain('"model" is required');
    expect(e.message).toContain('"max_tokens" is required');
    expect(e.param).toBe('model');
  });

  it('explains a system role inside messages', () => {
    const e = fail({ ...ok, messages: [{ role: 'system', content: 'x' }] });
    expect(e.message).toContain('messages.0.role');
    expect(e.message).toContain('top-level "system"');
  });

  it('lists supported block types for an unknown block', () => {
    const e = fail({ ...ok, messages: [{ role: 'user', content: [{ type: 'video' }] }] });
    expect(e.message).toMatch(/messages\.0\.content.*must be one of text, image/);
  });

  it('explains bad tools, tool_choice and ranges', () => {
    expect(fail({ ...ok, tools: [{ name: 'a' }] }).message).toContain('input_schema');
    expect(fail({ ...ok, tool_choice: { type: 'sometimes' } }).message).toContain('tool_choice must be');
    expect(fail({ ...ok, temperature: 3 }).message).toContain('between 0 and 1');
    expect(fail({ ...ok, max_tokens: 0 }).message).toContain('at least 1');
    expect(fail({ ...ok, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file' } }] }] }).message).toContain('image.source must be');
  });

  it('rejects non-objects', () => {
    expect(fail('hello').message.length).toBeGreaterThan(0);
  });
});
