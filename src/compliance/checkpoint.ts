/**
 * Signed checkpoints: an Ed25519 signature over a statement of the Merkle tree head of the first
 * `treeSize` records (RFC 6962 tree whose leaves are the records' 32-byte chain hashes).
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { InternalError } from '../errors.js';
import { canonicalize } from './canonical-json.js';
import type { AuditSigner } from './key-material.js';
import type { MerkleFrontier } from './merkle.js';

/** A signed tree head. */
export interface Checkpoint {
  treeSize: number;
  ts: number;
  /** Hex RFC 6962 root over leaves 1..treeSize. */
  rootHash: string;
  /** Hex chain hash of record `treeSize`. */
  headHash: string;
  keyId: string;
  /** Base64 Ed25519 signature over {@link checkpointStatement}. */
  signature: string;
}

/** Name of the log in every signed statement. */
export const LOG_ID = 'daca-audit-ledger';

/** The exact bytes a checkpoint signature covers (RFC 8785 canonical JSON). */
export function checkpointStatement(c: Omit<Checkpoint, 'signature'>): string {
  return canonicalize({ log: LOG_ID, v: 1, tree_size: c.treeSize, ts: c.ts, root_hash: c.rootHash, head_hash: c.headHash, key_id: c.keyId });
}

/**
 * Signs the head of a frontier.
 * @throws InternalError when the signer has no private key.
 */
export function signCheckpoint(signer: AuditSigner, frontier: MerkleFrontier, headHash: string, ts: number): Checkpoint {
  if (!signer.privateKey) throw new InternalError('cannot sign audit checkpoints without the private key');
  const body = { treeSize: frontier.size, ts, rootHash: frontier.root().toString('hex'), headHash, keyId: signer.keyId };
  return { ...body, signature: sign(null, Buffer.from(checkpointStatement(body)), signer.privateKey).toString('base64') };
}

/** True when the checkpoint's signature is valid under `publicKey`. */
export function verifyCheckpointSignature(publicKey: KeyObject, c: Checkpoint): boolean {
  try {
    return verify(null, Buffer.from(checkpointStatement(c)), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}
