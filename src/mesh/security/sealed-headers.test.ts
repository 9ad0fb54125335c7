import { describe, expect, it } from 'vitest';
import { HeaderSeal } from './sealed-headers.js';

const AT = 'http://10.0.0.7:9100/a2a/stocktaker/';
const headers = { authorization: 'Bearer s3cret-value-that-must-not-show' };

describe('HeaderSeal', () => {
  it('opens what it sealed for the same endpoint; the sealed form shows names, not values', () => {
    const seal = new HeaderSeal('mesh-secret');
    const s = seal.seal(headers, AT);
    expect(s.names).toEqual(['authorization']);
    expect(JSON.stringify(s)).not.toContain('s3cret');
    expect(seal.open(s, AT)).toEqual(headers);
  });

  it('does not open under another secret, for another endpoint, or when tampered with', () => {
    const s = new HeaderSeal('mesh-secret').seal(headers, AT);
    expect(new HeaderSeal('other-secret').open(s, AT)).toBeNull();
    expect(new HeaderSeal('mesh-secret').open(s, 'http://attacker.example/a2a/stocktaker/')).toBeNull();
    const raw = Buffer.from(s.sealed, 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(new HeaderSeal('mesh-secret').open({ ...s, sealed: raw.toString('base64url') }, AT)).toBeNull();
    expect(new HeaderSeal('mesh-secret').open({ ...s, sealed: 'short' }, AT)).toBeNull();
  });
});
