/**
 * RFC 6962 Merkle trees: leaf hash `SHA-256(0x00 || data)`, node hash `SHA-256(0x01 || left || right)`,
 * tree hashes, audit paths (inclusion proofs, §2.1.1) and consistency proofs (§2.1.2), and their
 * verifiers (the iterative algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, which check RFC 6962 proofs).
 * Hashes are 32-byte Buffers.
 */
import { createHash, hash } from 'node:crypto';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

// Reused buffers for the common 32-byte case: one-shot hashing is about twice as fast as createHash().
const LEAF_BUF = Buffer.alloc(33);
const NODE_BUF = Buffer.alloc(65, 1);

/** `SHA-256(0x00 || data)`: the hash of one leaf. */
export function leafHash(data: Uint8Array): Buffer {
  if (data.length !== 32) return createHash('sha256').update(LEAF).update(data).digest();
  LEAF_BUF.set(data, 1);
  return hash('sha256', LEAF_BUF, 'buffer');
}

/** `SHA-256(0x01 || left || right)`: the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) return createHash('sha256').update(NODE).update(left).update(right).digest();
  NODE_BUF.set(left, 1);
  NODE_BUF.set(right, 33);
  return hash('sha256', NODE_BUF, 'buffer');
}

/** The hash of the empty tree: `SHA-256("")`. */
export const EMPTY_TREE_HASH: Buffer = createHash('sha256').digest();

/** Largest power of two strictly less than `n` (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * An incremental tree head: the roots of the perfect subtrees that make up the first `size`
 * leaves (a "compact range"). Appending is O(log n); `root()` folds them right to left.
 *
 * @example
 * ```ts
 * const f = new MerkleFrontier();
 * for (const h of leafHashes) f.append(h);
 * f.root().toString('hex');
 * ```
 */
export class MerkleFrontier {
  /** Perfect-subtree roots, largest (leftmost) first. */
  private readonly stack: Buffer[];
  private count: number;

  constructor(size = 0, stack: readonly Buffer[] = []) {
    this.count = size;
    this.stack = [...stack];
  }

  /** Rebuilds a frontier saved with {@link MerkleFrontier.toJSON}. */
  static fromJSON(j: { size: number; stack: readonly string[] }): MerkleFrontier {
    return new MerkleFrontier(j.size, j.stack.map((h) => Buffer.from(h, 'hex')));
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.count;
  }

  /** Appends one leaf hash. */
  append(leaf: Buffer): void {
    let h = leaf;
    let n = this.count;
    while (n % 2 === 1) {
      h = nodeHash(this.stack.pop()!, h);
      n = (n - 1) / 2;
    }
    this.stack.push(h);
    this.count++;
  }

  /** The RFC 6962 tree hash of the leaves so far. */
  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_TREE_HASH;
    let r = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash(this.stack[i]!, r);
    return r;
  }

  /** A JSON form that {@link MerkleFrontier.fromJSON} reads back. */
  toJSON(): { size: number; stack: string[] } {
    return { size: this.count, stack: this.stack.map((h) => h.toString('hex')) };
  }
}

/**
 * A whole tree over a list of leaf hashes, with every perfect subtree's hash precomputed so that
 * each proof costs O(log² n) after an O(n) build.
 */
export class MerkleTree {
  /** levels[j][i] = hash of the perfect subtree of 2^j leaves starting at i·2^j. */
  private readonly levels: Buffer[][];

  constructor(leaves: readonly Buffer[]) {
    this.levels = [leaves.slice()];
    for (let j = 0; this.levels[j]!.length > 1; j++) {
      const below = this.levels[j]!;
      const up: Buffer[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) up.push(nodeHash(below[i]!, below[i + 1]!));
      this.levels.push(up);
    }
  }

  /** Number of leaves. */
  get size(): number {
    return this.levels[0]!.length;
  }

  /** Tree hash of the first `n` leaves (default: all). */
  root(n = this.size): Buffer {
    return n === 0 ? EMPTY_TREE_HASH : this.hash(0, n);
  }

  /** MTH(D[a:b]) for 0 <= a < b <= size. */
  private hash(a: number, b: number): Buffer {
    const n = b - a;
    if ((n & (n - 1)) === 0 && a % n === 0) return this.levels[Math.log2(n)]![a / n]!;
    const k = splitPoint(n);
    return nodeHash(this.hash(a, a + k), this.hash(a + k, b));
  }

  /**
   * The audit path of leaf `index` in the tree of the first `n` leaves (RFC 6962 §2.1.1).
   * @throws RangeError when index >= n or n > size.
   */
  inclusionProof(index: number, n = this.size): Buffer[] {
    if (!(index >= 0 && index < n && n <= this.size)) throw new RangeError(`no leaf ${index} in a tree of ${n}`);
    const path: Buffer[] = [];
    const walk = (m: number, a: number, b: number): void => {
      if (b - a === 1) return;
      const k = splitPoint(b - a);
      if (m < k) {
        walk(m, a, a + k);
        path.push(this.hash(a + k, b));
      } else {
        walk(m - k, a + k, b);
        path.push(this.hash(a, a + k));
      }
    };
    walk(index, 0, n);
    return path;
  }

  /**
   * The consistency proof between the trees of the first `m` and `n` leaves (RFC 6962 §2.1.2).
   * @throws RangeError unless 0 < m <= n <= size.
   */
  consistencyProof(m: number, n = this.size): Buffer[] {
    if (!(m > 0 && m <= n && n <= this.size)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
    const proof: Buffer[] = [];
    const sub = (mm: number, a: number, b: number, complete: boolean): void => {
      if (mm === b - a) {
        if (!complete) proof.push(this.hash(a, b));
        return;
      }
      const k = splitPoint(b - a);
      if (mm <= k) {
        sub(mm, a, a + k, complete);
        proof.push(this.hash(a + k, b));
      } else {
        sub(mm - k, a + k, b, false);
        proof.push(this.hash(a, a + k));
      }
    };
    sub(m, 0, n, true);
    return proof;
  }
}

/**
 * Checks an audit path: does `leaf` sit at `index` of the tree of `size` leaves whose hash is `root`?
 *
 * @example
 * ```ts
 * verifyInclusion(leafHash(data), 3, 8, tree.inclusionProof(3), tree.root()); // true
 * ```
 */
export function verifyInclusion(leaf: Buffer, index: number, size: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/**
 * Checks a consistency proof: is the tree of `size1` leaves with hash `root1` a prefix of the tree
 * of `size2` leaves with hash `root2`?
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Buffer[], root1: Buffer, root2: Buffer): boolean {
  if (!(size1 > 0 && size1 <= size2)) return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}
