/**
 * The ledger's secrets: the Ed25519 checkpoint signing key and the master key that wraps data
 * subjects' keys. Each comes from the environment or is generated once and kept under the data
 * dir (mode 0600). Several nodes sharing PostgreSQL must share them through the environment.
 *
 * - `DACA_AUDIT_SIGNING_KEY`: Ed25519 private key, PKCS#8 PEM (`\n` escapes accepted).
 * - `DACA_AUDIT_PUBLIC_KEY`: the public key (SPKI PEM), enough for verification.
 * - `DACA_AUDIT_MASTER_KEY`: 32 bytes, base64 or hex.
 * - files: `audit-ed25519.pem`, `audit-ed25519.pub.pem`, `audit-master.key` in the data dir.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InternalError, InvalidRequestError } from '../errors.js';

/** Where key material comes from. */
export interface KeySource {
  /** Folder holding the key files (the `.daca` data dir). */
  dataDir: string;
  /** Environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** The checkpoint signing key. `privateKey` is null when only the public key is known. */
export interface AuditSigner {
  privateKey: KeyObject | null;
  publicKey: KeyObject;
  /** SPKI PEM of the public key (what evidence bundles ship). */
  publicPem: string;
  /** First 16 hex digits of SHA-256 over the SPKI DER: names the key in checkpoints. */
  keyId: string;
}

const pem = (v: string): string => v.replace(/\\n/g, '\n').trim() + '\n';

/** Key id of a public key: first 16 hex digits of SHA-256(SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function signerFrom(privateKey: KeyObject | null, publicKey: KeyObject): AuditSigner {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new InvalidRequestError(`The audit signing key must be Ed25519, got ${publicKey.asymmetricKeyType}.`);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(publicKey) };
}

/** A signer from a PKCS#8 PEM private key (how the audit worker receives it). */
export function signerFromPrivatePem(privatePem: string): AuditSigner {
  const priv = createPrivateKey(pem(privatePem));
  return signerFrom(priv, createPublicKey(priv));
}

/** The PKCS#8 PEM of a signer's private key. @throws InternalError when it has none. */
export function privatePemOf(signer: AuditSigner): string {
  if (!signer.privateKey) throw new InternalError('the audit signer has no private key');
  return signer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * Loads the signing key (env, then `<dataDir>/audit-ed25519.pem`), generating and saving one when
 * there is none. Also writes the public key beside it.
 * @example
 * ```ts
 * const signer = loadAuditSigner({ dataDir: '.daca' });
 * ```
 */
export function loadAuditSigner(src: KeySource): AuditSigner {
  const env = src.env ?? process.env;
  const fromEnv = env.DACA_AUDIT_SIGNING_KEY?.trim();
  if (fromEnv) {
    const priv = createPrivateKey(pem(fromEnv));
    return signerFrom(priv, createPublicKey(priv));
  }
  const file = join(src.dataDir, 'audit-ed25519.pem');
  if (!existsSync(file)) {
    mkdirSync(src.dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e; // another process won the race: use its key
    }
  }
  const priv = createPrivateKey(readFileSync(file, 'utf8'));
  const signer = signerFrom(priv, createPublicKey(priv));
  const pubFile = join(src.dataDir, 'audit-ed25519.pub.pem');
  if (!existsSync(pubFile)) writeFileSync(pubFile, signer.publicPem);
  return signer;
}

/**
 * Loads only what verification needs: `DACA_AUDIT_PUBLIC_KEY`, else the public half of the signing
 * key (env or file), else `<dataDir>/audit-ed25519.pub.pem`. Never generates a key.
 * @throws InvalidRequestError when no key is found.
 */
export function loadAuditPublicKey(src: KeySource): AuditSigner {
  const env = src.env ?? process.env;
  const pub = env.DACA_AUDIT_PUBLIC_KEY?.trim();
  if (pub) return signerFrom(null, createPublicKey(pem(pub)));
  const priv = env.DACA_AUDIT_SIGNING_KEY?.trim();
  if (priv) return signerFrom(null, createPublicKey(createPrivateKey(pem(priv))));
  for (const f of ['audit-ed25519.pem', 'audit-ed25519.pub.pem']) {
    const file = join(src.dataDir, f);
    if (existsSync(file)) return signerFrom(null, createPublicKey(readFileSync(file, 'utf8')));
  }
  throw new InvalidRequestError(`No audit public key: set DACA_AUDIT_PUBLIC_KEY or run where ${join(src.dataDir, 'audit-ed25519.pem')} exists.`);
}

/**
 * Loads the 32-byte master key (env `DACA_AUDIT_MASTER_KEY`, then `<dataDir>/audit-master.key`),
 * generating one when `create` and there is none.
 * @throws InternalError when the key is malformed; InvalidRequestError when missing and not created.
 */
export function loadMasterKey(src: KeySource & { create?: boolean }): Buffer {
  const env = src.env ?? process.env;
  const parse = (v: string, where: string): Buffer => {
    const t = v.trim();
    const b = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
    if (b.length !== 32) throw new InternalError(`${where} must hold 32 bytes (base64 or hex), got ${b.length}.`);
    return b;
  };
  const v = env.DACA_AUDIT_MASTER_KEY;
  if (v?.trim()) return parse(v, 'DACA_AUDIT_MASTER_KEY');
  const file = join(src.dataDir, 'audit-master.key');
  if (!existsSync(file)) {
    if (!src.create) throw new InvalidRequestError(`No audit master key: set DACA_AUDIT_MASTER_KEY or run where ${file} exists.`);
    mkdirSync(src.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
  }
  return parse(readFileSync(file, 'utf8'), file);
}
