/**
 * Per-data-subject encryption. Each data subject gets random 256-bit keys (AES-256-GCM), stored
 * wrapped by the master key in `audit_subject_keys`; personal fields of a record are encrypted
 * under one of them, with the record id as associated data. Erasing a subject destroys its keys,
 * so the ciphertext (which the hash chain covers) stays but can never be read again. Subjects are
 * stored only as a pseudonymous reference (an HMAC of their id under the master key).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { PersonalEnvelope } from './audit-types.js';
import { canonicalize } from './canonical-json.js';
import type { JsonObject } from './json-value.js';

/** A data subject's key as used in memory. */
export interface SubjectKey {
  kid: string;
  key: Buffer;
}

/** The pseudonymous reference stored for a data subject id: base64url HMAC-SHA256, 32 characters. */
export function subjectRef(master: Buffer, subjectId: string): string {
  return createHmac('sha256', master).update('daca-subject\0').update(subjectId, 'utf8').digest('base64url').slice(0, 32);
}

/** A fresh subject key with a random id. */
export function newSubjectKey(): SubjectKey {
  return { kid: `sk_${randomBytes(9).toString('base64url')}`, key: randomBytes(32) };
}

function seal(key: Buffer, plain: Buffer, aad: string): { iv: Buffer; ct: Buffer; tag: Buffer } {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return { iv, ct, tag: c.getAuthTag() };
}

function open(key: Buffer, iv: Buffer, ct: Buffer, tag: Buffer, aad: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

/** Wraps a subject key under the master key: base64 of iv(12) | tag(16) | ciphertext(32). */
export function wrapSubjectKey(master: Buffer, k: SubjectKey): string {
  const { iv, ct, tag } = seal(master, k.key, k.kid);
  return Buffer.concat([iv, tag, ct]).toString('base64');
}

/** Unwraps a key wrapped by {@link wrapSubjectKey}. @throws Error when the master key is wrong. */
export function unwrapSubjectKey(master: Buffer, kid: string, wrapped: string): SubjectKey {
  const b = Buffer.from(wrapped, 'base64');
  return { kid, key: open(master, b.subarray(0, 12), b.subarray(28), b.subarray(12, 28), kid) };
}

/** Encrypts personal fields for one record (`recordId` is bound as associated data). */
export function encryptPersonal(k: SubjectKey, recordId: string, personal: JsonObject): PersonalEnvelope {
  const { iv, ct, tag } = seal(k.key, Buffer.from(canonicalize(personal), 'utf8'), recordId);
  return { alg: 'A256GCM', kid: k.kid, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: tag.toString('base64') };
}

/** Decrypts an envelope made by {@link encryptPersonal}. @throws Error on a wrong key or altered data. */
export function decryptPersonal(k: SubjectKey, recordId: string, env: PersonalEnvelope): JsonObject {
  const plain = open(k.key, Buffer.from(env.iv, 'base64'), Buffer.from(env.ct, 'base64'), Buffer.from(env.tag, 'base64'), recordId);
  return JSON.parse(plain.toString('utf8')) as JsonObject;
}
