/**
 * Prepares a batch on the writer's thread: resolves the data subjects' keys, encrypts personal
 * fields and canonicalises and hashes each payload, yielding to the event loop between slices so
 * a large batch never holds up requests. The appender then only chains and inserts.
 */
import { setImmediate as yieldNow } from 'node:timers/promises';
import { prepareRecords, subjectRefsNeeded, type PreparedBatch, type PreparedRecord, type StampedEntry } from './prepare-records.js';
import type { SubjectKeyring } from './subject-keyring.js';

/** Records prepared between two yields to the event loop. */
const SLICE = 256;

/** Turns stamped entries into a {@link PreparedBatch}. */
export class BatchPreparer {
  constructor(
    private readonly master: Buffer,
    private readonly keyring: SubjectKeyring,
    private readonly now: () => number = Date.now,
  ) {}

  /** Prepares a batch (see the module comment). */
  async prepare(entries: readonly StampedEntry[]): Promise<PreparedBatch> {
    const refs = subjectRefsNeeded(entries, this.master);
    const newKeys = refs.size ? await this.keyring.resolve(refs.values(), this.now()) : [];
    const keyFor = (ref: string) => this.keyring.get(ref)!;
    if (entries.length <= SLICE) return { records: prepareRecords(entries, this.master, keyFor), newKeys };
    const records: PreparedRecord[] = [];
    for (let i = 0; i < entries.length; i += SLICE) {
      if (i) await yieldNow();
      const part = prepareRecords(entries.slice(i, i + SLICE), this.master, keyFor);
      for (const r of part) records.push(r);
    }
    return { records, newKeys };
  }

  /** Called when a prepared batch failed to commit: its new keys were not stored, so forget them. */
  failed(batch: PreparedBatch): void {
    if (batch.newKeys.length) this.keyring.forget(batch.newKeys.map((k) => k.subjectRef));
  }
}
