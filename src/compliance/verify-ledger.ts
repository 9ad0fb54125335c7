/**
 * `verifyLedger()`: re-derives the whole ledger from what is stored and reports the first record
 * (and up to 100 in all) that breaks it. Checks, in one pass in sequence order:
 * - sequence numbers are 1, 2, 3, … (a gap = deleted records, a repeat/step back = inserted or reordered);
 * - each record's hash equals SHA-256(previous stored hash || JCS(its header)) (any edited column);
 * - each payload part hashes to the hash its header holds; a missing part must be covered by a
 *   retention purge recorded in the ledger itself;
 * - every checkpoint is signed by the trusted key, and its root and head equal the tree rebuilt
 *   from the stored hashes (rewritten hashes, a rewritten tail, records deleted from the end).
 */
import type { Kysely } from 'kysely';
import { verifyCheckpointSignature, type Checkpoint } from './checkpoint.js';
import type { AuditSigner } from './key-material.js';
import type { LedgerTables } from './ledger-tables.js';
import { MerkleFrontier, leafHash } from './merkle.js';
import { JOINED_COLUMNS, checkpointOfRow, headerOfRow, int, type JoinedRow } from './ledger-rows.js';
import { GENESIS_HASH, canonicalHeader, chainHash, partHash } from './record-hash.js';
import { loadPurges, purgeCovers, type PurgeNotice } from './purge-notices.js';

/** What broke. */
export type VerifyProblemKind =
  | 'sequence_gap'
  | 'sequence_order'
  | 'hash_mismatch'
  | 'malformed_row'
  | 'body_hash_mismatch'
  | 'inputs_hash_mismatch'
  | 'payload_missing'
  | 'checkpoint_signature'
  | 'checkpoint_key'
  | 'checkpoint_root_mismatch'
  | 'checkpoint_head_mismatch'
  | 'checkpoint_beyond_head';

/** One problem found by {@link verifyLedger}. */
export interface VerifyProblem {
  kind: VerifyProblemKind;
  /** The record that breaks (null for problems of a checkpoint alone). */
  seq: number | null;
  id: string | null;
  /** Tree size of the checkpoint involved, if any. */
  checkpoint?: number;
  /** One sentence for people. */
  message: string;
}

/** The outcome of a verification. */
export interface VerifyReport {
  ok: boolean;
  records: number;
  checkpoints: number;
  /** Tree size of the newest checkpoint that verified (0 when none). */
  verifiedThrough: number;
  /** Records after the newest checkpoint (protected by the chain only until the next one). */
  unanchored: number;
  head: { seq: number; hash: string };
  purgedParts: number;
  firstProblem: VerifyProblem | null;
  problems: VerifyProblem[];
  durationMs: number;
}

const PAGE = 5000;
const MAX_PROBLEMS = 100;

/**
 * Verifies the ledger against a trusted public key.
 * @example
 * ```ts
 * const r = await verifyLedger(db, loadAuditPublicKey({ dataDir: '.daca' }));
 * if (!r.ok) console.log(r.firstProblem?.message);
 * ```
 */
export async function verifyLedger(db: Kysely<LedgerTables>, trusted: AuditSigner): Promise<VerifyReport> {
  const t0 = performance.now();
  const problems: VerifyProblem[] = [];
  const report = (p: VerifyProblem): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const checkpoints = (await db.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size').execute()).map((r) => ({
    cp: checkpointOfRow(r),
    stack: parseStack(r.frontier),
  }));
  const purges = await loadPurges(db);
  for (const { cp } of checkpoints) {
    if (cp.keyId !== trusted.keyId)
      report({ kind: 'checkpoint_key', seq: null, id: null, checkpoint: cp.treeSize, message: `checkpoint at ${cp.treeSize} names key ${cp.keyId}, not the trusted key ${trusted.keyId}` });
    else if (!verifyCheckpointSignature(trusted.publicKey, cp))
      report({ kind: 'checkpoint_signature', seq: null, id: null, checkpoint: cp.treeSize, message: `checkpoint at ${cp.treeSize} has an invalid signature (forged or edited)` });
  }

  const frontier = new MerkleFrontier();
  let nextCp = 0;
  let expected = 1;
  let prev: Buffer = Buffer.from(GENESIS_HASH, 'hex');
  let prevHex = GENESIS_HASH;
  let count = 0;
  let purgedParts = 0;
  let verifiedThrough = 0;
  let after = 0;
  for (;;) {
    const page = (await db
      .selectFrom('audit_records as r')
      .leftJoin('audit_payloads as p', 'p.seq', 'r.seq')
      .select(JOINED_COLUMNS)
      .where('r.seq', '>', after)
      .orderBy('r.seq')
      .limit(PAGE)
      .execute()) as JoinedRow[];
    if (page.length === 0) break;
    for (const row of page) {
      count++;
      const seq = int(row.seq);
      after = seq;
      const id = String(row.id);
      if (seq !== expected) {
        report(
          seq > expected
            ? { kind: 'sequence_gap', seq, id, message: `records ${expected}..${seq - 1} are missing before record ${seq} (${id}): deleted` }
            : { kind: 'sequence_order', seq, id, message: `record ${seq} (${id}) comes after record ${expected - 1}: inserted or reordered` },
        );
      }
      expected = seq + 1;
      let canonical: string | null = null;
      try {
        canonical = canonicalHeader(headerOfRow(row), seq);
      } catch (e) {
        report({ kind: 'malformed_row', seq, id, message: `record ${seq} (${id}) has a malformed column: ${e instanceof Error ? e.message : String(e)}` });
      }
      const stored = typeof row.hash === 'string' && /^[0-9a-f]{64}$/.test(row.hash) ? Buffer.from(row.hash, 'hex') : null;
      if (canonical !== null) {
        const computed = chainHash(prev, canonical);
        if (!stored || !computed.equals(stored))
          report({
            kind: 'hash_mismatch', seq, id,
            message: `record ${seq} (${id}) does not match its hash: a column of it was edited, or the record before it (hash ${prevHex.slice(0, 12)}…) was replaced`,
          });
      }
      const leaf = stored ?? Buffer.alloc(32);
      frontier.append(leafHash(leaf));
      prev = leaf;
      prevHex = leaf.toString('hex');
      checkPayload(row, seq, id, purges, report, () => purgedParts++);

      while (nextCp < checkpoints.length && checkpoints[nextCp]!.cp.treeSize === frontier.size) {
        const { cp, stack } = checkpoints[nextCp++]!;
        const root = frontier.root().toString('hex');
        if (root !== cp.rootHash) {
          const range = divergentRange(frontier, stack);
          report({
            kind: 'checkpoint_root_mismatch', seq: range ? range[0] : null, id: null, checkpoint: cp.treeSize,
            message: `records 1..${cp.treeSize} no longer match the signed checkpoint at ${cp.treeSize}${range ? `: the change lies in records ${range[0]}..${range[1]}` : ''}`,
          });
        } else if (cp.headHash !== prevHex) {
          report({ kind: 'checkpoint_head_mismatch', seq, id, checkpoint: cp.treeSize, message: `record ${seq} is not the head the checkpoint at ${cp.treeSize} signed` });
        } else if (!problems.some((p) => p.checkpoint === cp.treeSize)) verifiedThrough = cp.treeSize;
      }
    }
    if (page.length < PAGE) break;
  }
  for (; nextCp < checkpoints.length; nextCp++) {
    const { cp } = checkpoints[nextCp]!;
    report({
      kind: 'checkpoint_beyond_head', seq: cp.treeSize, id: null, checkpoint: cp.treeSize,
      message: cp.treeSize > frontier.size
        ? `the checkpoint at ${cp.treeSize} covers records the ledger no longer has (it ends at ${frontier.size}): records were deleted from the end`
        : `the checkpoint at ${cp.treeSize} does not line up with the records`,
    });
  }
  const first = problems.length ? [...problems].sort(byPosition)[0]! : null;
  return {
    ok: problems.length === 0,
    records: count,
    checkpoints: checkpoints.length,
    verifiedThrough,
    unanchored: Math.max(0, frontier.size - (checkpoints.length ? checkpoints[checkpoints.length - 1]!.cp.treeSize : 0)),
    head: { seq: after, hash: prevHex },
    purgedParts,
    firstProblem: first,
    problems,
    durationMs: Math.round(performance.now() - t0),
  };
}

/** Record-level problems first (they name the record), then by position. */
function byPosition(a: VerifyProblem, b: VerifyProblem): number {
  const ca = a.kind.startsWith('checkpoint_') ? 1 : 0;
  const cb = b.kind.startsWith('checkpoint_') ? 1 : 0;
  return ca - cb || (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER);
}

function checkPayload(row: JoinedRow, seq: number, id: string, purges: readonly PurgeNotice[], report: (p: VerifyProblem) => void, purged: () => void): void {
  const ts = int(row.ts);
  const parts: ['body' | 'inputs', string | null, string | null][] = [
    ['body', row.body, row.body_hash],
    ['inputs', row.inputs, row.inputs_hash],
  ];
  for (const [part, text, hash] of parts) {
    if (hash === null) {
      if (text !== null) report({ kind: 'inputs_hash_mismatch', seq, id, message: `record ${seq} (${id}) has an inputs payload its header does not hash: added later` });
      continue;
    }
    if (text === null || row.p_seq === null) {
      if (purgeCovers(purges, part, String(row.class), seq, ts)) purged();
      else report({ kind: 'payload_missing', seq, id, message: `record ${seq} (${id}) lost its ${part} payload, and no retention purge covers it` });
      continue;
    }
    if (typeof text !== 'string' || partHash(text) !== hash)
      report({ kind: `${part}_hash_mismatch`, seq, id, message: `record ${seq} (${id}): its ${part} payload was edited (it no longer hashes to ${String(hash).slice(0, 12)}…)` });
  }
}

function parseStack(frontier: string): string[] | null {
  try {
    const f = JSON.parse(frontier) as { stack?: unknown };
    return Array.isArray(f.stack) && f.stack.every((h) => typeof h === 'string') ? (f.stack as string[]) : null;
  } catch {
    return null;
  }
}

/**
 * Where a rebuilt tree first differs from the one a checkpoint stored: each frontier entry is the
 * root of a perfect subtree over a known range of records, so the first differing entry bounds
 * the change. Null when the stored frontier is unusable.
 */
function divergentRange(f: MerkleFrontier, stored: readonly string[] | null): [number, number] | null {
  if (!stored) return null;
  const mine = f.toJSON().stack;
  if (mine.length !== stored.length) return null;
  let start = 1;
  let rest = f.size;
  for (let i = 0; i < mine.length; i++) {
    let width = 1;
    while (width * 2 <= rest) width *= 2;
    if (mine[i] !== stored[i]) return [start, start + width - 1];
    start += width;
    rest -= width;
  }
  return null;
}

/** Re-exported for callers that print checkpoints. */
export type { Checkpoint };
