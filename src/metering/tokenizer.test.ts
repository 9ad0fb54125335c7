import { describe, expect, it } from 'vitest';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import {
  countChatTokens,
  countTextTokens,
  decodeTokens,
  encodeText,
  encodingForModel,
  IMAGE_TOKENS,
  segmentText,
  truncateToTokens,
} from './tokenizer.js';

const reference = new Tiktoken(o200k);
const referenceCl = new Tiktoken(cl100k);

const samples = [
  'Hello team',
  'Hello team, how are you doing today?',
  '  leading and   multiple   spaces\n\nand newlines\r\n\ttabs  ',
  "It's John's café — naïve façade, 日本語のテキスト, emojis 🎉🚀 and numbers 1234567.89",
  'function add(a: number, b: number): number { return a + b; } // code!',
  'The text contains <|endoftext|> as plain text',
  'x'.repeat(300) + ' ' + 'supercalifragilisticexpialidocious '.repeat(5),
];

describe('countTextTokens', () => {
  it('matches a fresh js-tiktoken encode for o200k and cl100k', () => {
    for (const s of samples) {
      expect(countTextTokens(s)).toBe(reference.encode(s, [], []).length);
      expect(countTextTokens(s, 'gpt-4o-mini')).toBe(reference.encode(s, [], []).length);
      expect(countTextTokens(s, 'gpt-3.5-turbo')).toBe(referenceCl.encode(s, [], []).length);
      // twice: the memoised path must give the same answer
      expect(countTextTokens(s)).toBe(reference.encode(s, [], []).length);
    }
  });

  it('counts the empty string as zero and a short greeting as two', () => {
    expect(countTextTokens('')).toBe(0);
    expect(countTextTokens('Hello team')).toBe(2);
  });

  it('picks cl100k only for older OpenAI ids', () => {
    expect(encodingForModel('gpt-4')).toBe('cl100k_base');
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('openai/gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingForModel('gpt-4o')).toBe('o200k_base');
    expect(encodingForModel('gpt-4.1-mini')).toBe('o200k_base');
    expect(encodingForModel('sim-small')).toBe('o200k_base');
    expect(encodingForModel(undefined)).toBe('o200k_base');
  });
});

describe('segmentText / truncateToTokens / encode / decode', () => {
  it('segments concatenate back to the text and sum to the count', () => {
    for (const s of samples) {
      const seg = segmentText(s);
      expect(seg.map((x) => x.text).join('')).toBe(s);
      expect(seg.reduce((a, x) => a + x.tokens, 0)).toBe(countTextTokens(s));
    }
  });

  it('truncates to at most N tokens, cutting inside long words', () => {
    const s = 'Hello team, supercalifragilisticexpialidocious things happen daily.';
    const total = countTextTokens(s);
    for (let n = 0; n <= total + 2; n++) {
      const t = truncateToTokens(s, n);
      expect(t.tokens).toBeLessThanOrEqual(n);
      expect(t.tokens).toBe(countTextTokens(t.text));
      expect(s.startsWith(t.text)).toBe(true);
      expect(t.truncated).toBe(n < total);
    }
    expect(truncateToTokens(s, total).text).toBe(s);
  });

  it('encode/decode round-trip', () => {
    for (const s of samples) expect(decodeTokens(encodeText(s))).toBe(s);
    expect(encodeText('Hello team')).toEqual(reference.encode('Hello team'));
  });
});

describe('countChatTokens', () => {
  it('applies 3 per message + 3 reply priming (+1 per name)', () => {
    const msgs = [
      { role: 'system' as const, content: 'You are helpful.' },
      { role: 'user' as const, content: 'Hello team', name: 'alice' },
    ];
    const expected =
      3 + 3 + 3 + countTextTokens('system') + countTextTokens('You are helpful.') + countTextTokens('user') + 2 + 1 + countTextTokens('alice');
    expect(countChatTokens(msgs)).toBe(expected);
    expect(countChatTokens([])).toBe(3);
  });

  it('counts text parts, a flat estimate per image, tool calls and tools JSON', () => {
    const parts = countChatTokens([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
    ]);
    expect(parts).toBe(3 + 3 + 1 + countTextTokens('What is in this picture?') + IMAGE_TOKENS);

    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const base = countChatTokens([{ role: 'user', content: 'hi' }]);
    expect(countChatTokens([{ role: 'user', content: 'hi' }], tools)).toBe(base + countTextTokens(JSON.stringify(tools)));

    const withCall = countChatTokens([
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', content: 'sunny', tool_call_id: 'c1' },
    ]);
    expect(withCall).toBe(
      3 + 3 + 3 + countTextTokens('assistant') + countTextTokens('get_weather') + countTextTokens('{"city":"Paris"}') +
        countTextTokens('tool') + countTextTokens('sunny') + countTextTokens('c1'),
    );
  });
});
