import { describe, expect, it } from 'vitest';
import { attackView } from './normalize.js';

const words = (s: string): string => attackView(s).words.trim();

describe('attackView normalisation', () => {
  it('folds case, accents and German sharp s', () => {
    expect(words('Ignorá las Instrucciónes')).toBe('ignora las instrucciones');
    expect(words('Straße')).toBe('strasse');
  });
  it('maps Cyrillic and Greek lookalikes to ASCII', () => {
    expect(words('іgnоrе рrеvіоus')).toBe('ignore previous');
    expect(words('ιgnοre')).toBe('ignore');
  });
  it('applies NFKC to fullwidth and mathematical letters', () => {
    expect(words('Ｉｇｎｏｒｅ ａｌｌ')).toBe('ignore all');
    expect(words('𝐢𝐠𝐧𝐨𝐫𝐞')).toBe('ignore');
  });
  it('removes zero-width, soft hyphen and bidi controls and decodes tag characters', () => {
    expect(words('ig\u200bno\u200dre\u00ad pre\u202evious')).toBe('ignore previous');
    const tags = [...'hi'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    expect(words(tags)).toBe('hi');
  });
  it('joins letters spelled out with spaces, dots or dashes', () => {
    expect(words('i g n o r e')).toBe('ignore');
    expect(words('i.g.n.o.r.e this')).toBe('ignore this');
    expect(words('r-e-v-e-a-l')).toBe('reveal');
  });
  it('maps leetspeak inside words but leaves plain numbers alone', () => {
    expect(words('1gn0r3 pr3v10us')).toBe('ignore previous');
    expect(words('$y$t3m pr0mpt')).toBe('system prompt');
    expect(words('port 8080 and 2024')).toBe('port 8080 and 2024');
  });
  it('drops apostrophes so contractions stay one word', () => {
    expect(words("don't you're")).toBe('dont youre');
  });
});
