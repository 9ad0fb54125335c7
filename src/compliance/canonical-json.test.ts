import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { canonicalize } from './canonical-json.js';

/** Decodes an IEEE-754 double from its 16-hex-digit bit pattern (RFC 8785 Appendix B). */
function f64(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('serialises the §3.2.2 sample as the RFC prints it', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units (§3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    const out = canonicalize(input);
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('serialises numbers as Appendix B lists them', () => {
    const table: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of table) expect(canonicalize(f64(bits)), bits).toBe(text);
  });

  it('rejects NaN, Infinity, bigint and lone surrogates', () => {
    expect(() => canonicalize(f64('7fffffffffffffff'))).toThrow(InvalidRequestError);
    expect(() => canonicalize({ a: Infinity })).toThrow(InvalidRequestError);
    expect(() => canonicalize(1n)).toThrow(InvalidRequestError);
    expect(() => canonicalize({ s: '\ud800x' })).toThrow(/surrogate/);
  });

  it('nests, skips undefined members and writes null for undefined array slots', () => {
    expect(canonicalize({ z: { b: [1, undefined, 'x'], a: undefined }, a: {} })).toBe('{"a":{},"z":{"b":[1,null,"x"]}}');
  });

  it('writes every string as JSON.stringify does, quoted directly or escaped, and keys already in order or not', () => {
    const strings = ['plain', '', 'tab\there', 'quote"', 'back\\slash', '\u0000\u001f\u007f', '\u2028\u2029', 'é€😀', 'x'.repeat(200)];
    for (const v of strings) expect(canonicalize(v)).toBe(JSON.stringify(v));
    expect(() => canonicalize('a\udc00')).toThrow(/surrogate/);
    expect(canonicalize({ a: 1, b: { c: 2, d: [3] } })).toBe('{"a":1,"b":{"c":2,"d":[3]}}');
    expect(canonicalize({ b: 1, a: { d: 2, c: [3] } })).toBe('{"a":{"c":[3],"d":2},"b":1}');
    expect(canonicalize({ '9': 'nine', '10': 'ten', a: 0 })).toBe('{"10":"ten","9":"nine","a":0}');
  });
});

describe('canonicalHeader', () => {
  it('equals the canonical JSON of the header object, whatever its strings hold', async () => {
    const { canonicalHeader, headerObject } = await import('./record-hash.js');
    const h = {
      id: 'aud_1', ts: 1_700_000_000_000, tenant: 'a"b\\c', kind: 'gateway_request', actorKind: 'key', actorId: 'k\n1', agent: 'é😀',
      requestId: null, session: '\u2028', traceId: 'x'.repeat(100), subjectRef: null, class: 'decisions', bodyHash: 'ab'.repeat(32), inputsHash: null,
    };
    expect(canonicalHeader(h, 7)).toBe(canonicalize(headerObject(h, 7)));
    expect(canonicalHeader({ ...h, tenant: 42 as unknown as string }, 7)).toBe(canonicalize(headerObject({ ...h, tenant: 42 as unknown as string }, 7)));
  });
});
