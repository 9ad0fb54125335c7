import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_TREE_HASH, MerkleFrontier, MerkleTree, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './merkle.js';

// The certificate-transparency test vectors (RFC 6962 reference implementation).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** MTH straight from RFC 6962 §2.1, recursively, as the reference. */
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return leafHash(d[0]!);
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}

const data = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`leaf-${i}`));

describe('RFC 6962 Merkle tree', () => {
  it('matches the CT reference roots for 1..8 leaves, incrementally and as a whole', () => {
    const f = new MerkleFrontier();
    CT_LEAVES.forEach((leaf, i) => {
      f.append(leafHash(leaf));
      expect(f.root().toString('hex')).toBe(CT_ROOTS[i]);
      expect(new MerkleTree(CT_LEAVES.slice(0, i + 1).map(leafHash)).root().toString('hex')).toBe(CT_ROOTS[i]);
    });
    expect(new MerkleFrontier().root()).toEqual(EMPTY_TREE_HASH);
    expect(EMPTY_TREE_HASH.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches the CT reference audit path of leaf 0 in the tree of 8', () => {
    const tree = new MerkleTree(CT_LEAVES.map(leafHash));
    expect(tree.inclusionProof(0).map((h) => h.toString('hex'))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  it('agrees with the recursive definition and survives a JSON round trip of the frontier', () => {
    const d = data(37);
    let f = new MerkleFrontier();
    for (let n = 1; n <= d.length; n++) {
      f.append(leafHash(d[n - 1]!));
      f = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
      expect(f.root()).toEqual(mth(d.slice(0, n)));
    }
  });

  it('proves and verifies inclusion of every leaf in every tree up to 33, and rejects wrong claims', () => {
    const d = data(33);
    const tree = new MerkleTree(d.map(leafHash));
    for (let n = 1; n <= d.length; n++) {
      const root = tree.root(n);
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        expect(verifyInclusion(leafHash(d[i]!), i, n, proof, root)).toBe(true);
        expect(verifyInclusion(leafHash(Buffer.from('other')), i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leafHash(d[i]!), (i + 1) % n, n, proof, root)).toBe(false);
      }
    }
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
  });

  it('proves and verifies consistency between every pair of sizes up to 33, and rejects a forked tree', () => {
    const d = data(33);
    const tree = new MerkleTree(d.map(leafHash));
    const forked = new MerkleTree(d.map((x, i) => leafHash(i === 2 ? Buffer.from('forged') : x)));
    for (let n = 1; n <= d.length; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(verifyConsistency(m, n, proof, tree.root(m), tree.root(n)), `${m}->${n}`).toBe(true);
        if (m > 2) expect(verifyConsistency(m, n, proof, forked.root(m), tree.root(n)), `forked ${m}->${n}`).toBe(false);
        if (m < n && proof.length) {
          const bad = proof.map((h, j) => (j === 0 ? nodeHash(h, h) : h));
          expect(verifyConsistency(m, n, bad, tree.root(m), tree.root(n))).toBe(false);
        }
      }
    }
  });
});
