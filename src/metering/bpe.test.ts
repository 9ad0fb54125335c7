/**
 * The compact encoder against js-tiktoken itself: same token ids, same decoded text.
 */
import { createRequire } from 'node:module';
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { describe, expect, it } from 'vitest';
import { BytePairEncoder } from './bpe.js';

const require = createRequire(import.meta.url);

const CORPUS = [
  'Hello team, how are you today?',
  '  leading spaces, trailing tabs\t\t\nand\r\nnew lines\n\n\n',
  'Ünïcödé façade — naïve café; Grüße aus Köln. Ελληνικά. Русский текст. 中文字符测试。日本語のテキスト。한국어',
  'Emoji 👩‍💻🚀🏳️‍🌈 and symbols ©®™ ∑∫√ ≠ ≤ ≥',
  'function f(x: number): number { return x ** 2 + 0x1F; } // code\nconst s = `tpl ${x}`;',
  'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopic',
  '1234567890 3.14159 1e-9 +44 (0)20 7946 0958, $1,234.56, 50%',
  '<|endoftext|> is plain text here <|im_start|>',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'https://example.com/path?q=1&r=two#frag user@example.org',
  '',
];

describe.each(['o200k_base', 'cl100k_base'])('BytePairEncoder (%s)', (name) => {
  const file = require(`js-tiktoken/ranks/${name}`) as TiktokenBPE;
  const reference = new Tiktoken(file);
  const ours = new BytePairEncoder(file);

  it('gives js-tiktoken’s token ids for every text', () => {
    for (const text of CORPUS) expect(ours.encode(text), text).toEqual(reference.encode(text, [], []));
  });

  it('decodes whole and cut token lists as js-tiktoken does', () => {
    for (const text of CORPUS) {
      const ids = reference.encode(text, [], []);
      expect(ours.decode(ids)).toBe(text);
      for (const cut of [1, 3, 7]) expect(ours.decode(ids.slice(0, cut)), `${text} [..${cut}]`).toBe(reference.decode(ids.slice(0, cut)));
    }
  });

  it('counts a piece the way encoding it does', () => {
    for (const piece of ['hello', ' world', ' façade', '👩‍💻', ' antidisestablishmentarianism']) expect(ours.countPiece(piece)).toBe(reference.encode(piece, [], []).length);
  });
});
