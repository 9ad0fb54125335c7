/**
 * Prepares a batch on the writer's thread: resolves the data subjects' keys, encrypts personal
 * fields, canonicalises and hashes each payload and, when it can predict the ledger's head, chains
 * the records too — yielding to the event loop between slices so a large batch never holds up
 * requests. The appender then only checks the head under its lock and inserts (it re-chains when
 * the prediction was wrong). Batches must be prepared one at a time, in the order they are sent.
 */
import { setImmediate as yieldNow } from 'node:timers/promises';
import {
  chainRecords, prepareRecords, subjectRefsNeeded,
  type AppendResult, type ChainHead, type PreparedBatch, type PreparedRecord, type StampedEntry,
} from './prepare-records.js';
import type { SubjectKeyring } from './subject-keyring.js';

/** Records prepared between two yields to the event loop. */
const SLICE = 256;

/** A prepared batch and its place in the sending order. */
export interface NumberedBatch {
  batch: PreparedBatch;
  /** 1, 2, 3, … in preparation order. */
  n: number;
}

/** Turns stamped entries into {@link PreparedBatch}es; see the module comment. */
export class BatchPreparer {
  private predicted: ChainHead | null = null;
  private lastN = 0;

  constructor(
    private readonly master: Buffer,
    private readonly keyring: SubjectKeyring,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the next batch can be chained here (the head after the last prepared batch is known). */
  get predicting(): boolean {
    return this.predicted !== null;
  }

  /** Prepares a batch; `want` lists the indexes whose receipts the caller waits for. */
  async prepare(entries: readonly StampedEntry[], want: number[]): Promise<NumberedBatch> {
    const refs = subjectRefsNeeded(entries, this.master);
    const newKeys = refs.size ? await this.keyring.resolve(refs.values(), this.now()) : [];
    const keyFor = (ref: string) => this.keyring.get(ref)!;
    const chainedAfter = this.predicted ?? undefined;
    let head = this.predicted;
    const records: PreparedRecord[] = [];
    for (let i = 0; i < entries.length; i += SLICE) {
      if (i) await yieldNow();
      const part = prepareRecords(i === 0 && entries.length <= SLICE ? entries : entries.slice(i, i + SLICE), this.master, keyFor);
      if (head) head = chainRecords(part, head).head;
      for (const r of part) records.push(r);
    }
    this.predicted = head;
    const n = ++this.lastN;
    return { n, batch: { records, newKeys, want, ...(chainedAfter ? { chainedAfter } : {}) } };
  }

  /** Learns the head from a committed batch. */
  settled(b: NumberedBatch, r: AppendResult): void {
    if (b.n === this.lastN) this.predicted = r.head;
    else if (r.rechained) this.predicted = null;
  }

  /** A batch failed to commit: forget the keys it created and stop predicting until the next commit. */
  failed(b: NumberedBatch): void {
    if (b.batch.newKeys.length) this.keyring.forget(b.batch.newKeys.map((k) => k.subjectRef));
    this.predicted = null;
  }
}
