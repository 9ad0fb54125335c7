/**
 * The sink that prepares records on the writer's thread ({@link BatchPreparer}) and commits them
 * through a {@link LedgerAppender}: the path for PostgreSQL, in-memory SQLite, and SQLite files when
 * the compiled audit worker is not available (e.g. under vitest).
 */
import type { BatchPreparer, NumberedBatch } from './batch-preparer.js';
import type { Checkpoint } from './checkpoint.js';
import { resolveDigests } from './entry-codec.js';
import type { EntrySink } from './entry-sink.js';
import { serialQueue, type LedgerAppender } from './ledger-appender.js';
import type { AppendResult, StampedEntry } from './prepare-records.js';

/** In-thread preparation; see the module comment. */
export class PreparingSink implements EntrySink<StampedEntry> {
  /** Prepares and hands batches to the appender strictly in order (commits may overlap). */
  private readonly send = serialQueue();
  private readonly appending = new Set<Promise<unknown>>();

  constructor(
    private readonly appender: LedgerAppender,
    private readonly preparer: BatchPreparer,
    private readonly onForget: (refs: string[]) => void = () => {},
  ) {}

  get maxInFlight(): number {
    return this.appender.maxInFlight;
  }

  /** Hashes the entry's `digests` now, so no reference to them is kept. */
  encode(e: StampedEntry): StampedEntry {
    return e.entry.digests === undefined ? e : { entry: resolveDigests(e.entry), id: e.id, ts: e.ts };
  }

  async write(items: StampedEntry[], want: number[]): Promise<AppendResult> {
    let prepared: NumberedBatch | null = null;
    try {
      const sent = await this.send(async () => {
        // Without a known head, wait for the batches in flight once so this one can be chained here.
        if (!this.preparer.predicting && this.appending.size) await Promise.allSettled(this.appending);
        prepared = await this.preparer.prepare(items, want);
        const done = this.appender.append(prepared.batch);
        this.appending.add(done);
        void done.then(
          () => this.appending.delete(done),
          () => this.appending.delete(done),
        );
        return { done };
      });
      const result = await sent.done;
      this.preparer.settled(prepared!, result);
      return result;
    } catch (e) {
      if (prepared) this.preparer.failed(prepared);
      throw e;
    }
  }

  checkpoint(now: number): Promise<Checkpoint | null> {
    return this.appender.checkpoint(now);
  }

  forget(refs: string[]): void {
    this.onForget(refs);
  }

  close(): Promise<void> {
    return this.appender.close();
  }
}
