/**
 * Virtual key secrets: generation and hashing. Secrets are shown once and stored only as SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Prefix of every key daca generates, so leaked keys are recognisable by secret scanners. */
export const KEY_PREFIX = 'dk-';

/**
 * Generates a new key secret: `dk-` followed by 40 base62 characters (~238 bits).
 * @example
 * ```ts
 * const secret = generateKeySecret(); // 'dk-3fA9…'
 * ```
 */
export function generateKeySecret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(64);
  let out = KEY_PREFIX;
  for (let i = 0; out.length < KEY_PREFIX.length + 40 && i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += alphabet[b % 62]; // rejection sampling: 248 = 4 * 62, no modulo bias
  }
  return out.length === KEY_PREFIX.length + 40 ? out : generateKeySecret();
}

/** Hex SHA-256 of a secret: the only form in which a key is stored. */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The display prefix of a secret (`dk-3fA9…`), safe to list. */
export function keyDisplayPrefix(secret: string): string {
  return `${secret.slice(0, KEY_PREFIX.length + 4)}…`;
}

/** A short random id with a prefix, e.g. `key_8f3k2m9x1q`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}
