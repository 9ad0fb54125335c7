import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../policy.js';
import { scanText } from '../scan.js';

const secretsOf = (t: string): string[] => scanText(t, 'input', DEFAULT_POLICY).findings.filter((f) => f.category === 'secret').map((f) => `${f.entity}:${f.text}`);
const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('secret detectors', () => {
  it.each([
    ['sk-proj-4fGh7Jk2Lm9Np3Qr8St1Uv6Wx0Yz5Ab2', 'api_key'],
    ['sk-ant-api03-Xy7_kL9mN2pQ4rS6tU8vW0xY1zA3bC5d', 'api_key'],
    ['AKIAIOSFODNN7EXAMPLE', 'api_key'],
    ['ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'api_key'],
    ['glpat-xR8vK2mN5qT1wZ7yB3cD', 'api_key'],
    ['xoxb-2048123456-4096123456789-AbCdEfGhIjKl', 'api_key'],
    ['sk_live_51H8xYzAbCdEfGhIjKlMnOp', 'api_key'],
    ['AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q', 'api_key'],
    ['npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', 'api_key'],
    ['hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', 'api_key'],
    [jwt, 'jwt'],
  ])('finds %s', (token, entity) => {
    expect(secretsOf(`key: ${token} end`)).toContain(`${entity}:${token}`);
  });
  it('finds PEM private keys, also cut off or JSON-escaped', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM\n-----END RSA PRIVATE KEY-----';
    expect(secretsOf(`here:\n${pem}\nthanks`)).toEqual([`private_key:${pem}`]);
    expect(secretsOf('-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0B\\n')[0]).toMatch(/^private_key:-----BEGIN PRIVATE KEY-----\\nMIIE/);
  });
  it('reports only the password of a URL and skips placeholders', () => {
    expect(secretsOf('postgres://app:Xk9#mQ2vL7pz@db.internal:5432/orders')).toEqual(['url_password:Xk9#mQ2vL7pz']);
    expect(secretsOf('postgres://user:password@localhost/db and redis://:${REDIS_PASS}@cache')).toEqual([]);
  });
  it('finds assigned and stated passwords but not placeholders or plain words', () => {
    expect(secretsOf('DB_PASSWORD=Sup3rS3cret!2024')).toEqual(['password:Sup3rS3cret!2024']);
    expect(secretsOf('My password is Tr0ub4dor&3')).toEqual(['password:Tr0ub4dor&3']);
    expect(secretsOf('password: ******** and api_key=<YOUR_API_KEY> and token: string and the password is incorrect')).toEqual([]);
  });
  it('does not flag hashes, UUIDs or look-alike words', () => {
    expect(secretsOf('commit 9fceb02d0ae598e95dc970b74767f19372d61af8, id 550e8400-e29b-41d4-a716-446655440000, sk-learn-for-beginners-tutorial')).toEqual([]);
  });
});
