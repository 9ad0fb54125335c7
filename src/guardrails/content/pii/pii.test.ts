import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../policy.js';
import { scanText } from '../scan.js';

const entitiesOf = (t: string): string[] => scanText(t, 'input', DEFAULT_POLICY).findings.filter((f) => f.category === 'pii').map((f) => `${f.entity}:${f.text}`);

describe('PII detectors', () => {
  it('finds e-mail addresses but not SSH remotes, file names or placeholders', () => {
    expect(entitiesOf('mail ana.lopez+x@mail.example.com now')).toEqual(['email:ana.lopez+x@mail.example.com']);
    expect(entitiesOf('git@github.com:acme/site.git, icon@2x.png, name@company.com')).toEqual([]);
  });
  it('finds phone numbers in international and national formats, not dates or versions', () => {
    expect(entitiesOf('Call (415) 555-0132')).toEqual(['phone:(415) 555-0132']);
    expect(entitiesOf('London +44 20 7946 0958')).toEqual(['phone:+44 20 7946 0958']);
    expect(entitiesOf('Rappelez au 06 12 34 56 78')).toEqual(['phone:06 12 34 56 78']);
    expect(entitiesOf('Handy: 0176 98765432')).toEqual(['phone:0176 98765432']);
    expect(entitiesOf('on 2024-03-15, version 10.2.3, ISBN 978-3-16-148410-0, ts 1700000000')).toEqual([]);
  });
  it('finds Luhn-valid card numbers with a known issuer only', () => {
    expect(entitiesOf('card 4111 1111 1111 1111')).toEqual(['card:4111 1111 1111 1111']);
    expect(entitiesOf('amex 378282246310005')).toEqual(['card:378282246310005']);
    expect(entitiesOf('ref 1234 5678 9012 3456')).toEqual([]);
    // a card-shaped number named as a card is redacted even with a bad checksum
    expect(entitiesOf('Visa: 4485 2752 2468 9391')).toEqual(['card:4485 2752 2468 9391']);
  });
  it('validates IBAN checksums, with or without spaces', () => {
    expect(entitiesOf('to DE89 3704 0044 0532 0130 00 please')).toEqual(['iban:DE89 3704 0044 0532 0130 00']);
    expect(entitiesOf('IBAN GB82WEST12345698765432')).toEqual(['iban:GB82WEST12345698765432']);
    expect(entitiesOf('DE00 3704 0044 0532 0130 00')).toEqual([]);
  });
  it('checks national id rules and check characters', () => {
    expect(entitiesOf('SSN 078-05-1120')).toEqual(['national_id:078-05-1120']);
    expect(entitiesOf('SSN 666-05-1120 or 000-12-3456')).toEqual([]);
    expect(entitiesOf('DNI 12345678Z')).toEqual(['national_id:12345678Z']);
    expect(entitiesOf('DNI 12345678A')).toEqual([]);
    expect(entitiesOf('NIE X1234567L')).toEqual(['national_id:X1234567L']);
    expect(entitiesOf('NINO AB 12 34 56 C')).toEqual(['national_id:AB 12 34 56 C']);
    expect(entitiesOf('NIR 1 84 12 76 451 089 46')).toEqual(['national_id:1 84 12 76 451 089 46']);
    expect(entitiesOf('CF RSSMRA85T10A562S')).toEqual(['national_id:RSSMRA85T10A562S']);
    expect(entitiesOf('CF RSSMRA85T10A562T')).toEqual([]);
    expect(entitiesOf('Steuer-ID 86095742719')).toEqual(['national_id:86095742719']);
    expect(entitiesOf('order 86095742719')).toEqual([]);
  });
  it('finds IPv4 and IPv6 addresses but not versions, loopback, masks or MAC addresses', () => {
    expect(entitiesOf('from 203.0.113.42 and 2001:db8::8a2e:370:7334')).toEqual(['ip:203.0.113.42', 'ip:2001:db8::8a2e:370:7334']);
    expect(entitiesOf('v1.2.3.4, 127.0.0.1, 255.255.255.0, 00:1A:2B:3C:4D:5E, 12:30:45, 1.3.6.1.4.1')).toEqual([]);
  });
});
