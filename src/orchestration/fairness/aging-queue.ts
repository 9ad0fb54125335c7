/**
 * A priority queue with ageing: an item's effective priority is its priority plus `agePerSec`
 * for every second it has waited, so a low-priority item is eventually served ahead of a stream
 * of newer high-priority ones (no starvation). Since all items age at the same rate, the order
 * only depends on `priority - agePerSec·enqueuedAt`, and a plain binary heap suffices.
 */

interface Node<T> {
  key: number;
  seq: number;
  item: T;
  at: number;
}

/**
 * @example
 * ```ts
 * const q = new AgingQueue<string>(1);      // +1 priority per second waited
 * q.push('old-low', 0, 0);
 * q.push('new-high', 5, 10_000);           // enqueued 10 s later with priority 5
 * q.pop();                                 // 'old-low' (0 + 10 aged > 5)
 * ```
 */
export class AgingQueue<T> {
  private readonly h: Node<T>[] = [];
  private seq = 0;

  constructor(private readonly agePerSec = 1) {}

  /** Items waiting. */
  get size(): number {
    return this.h.length;
  }

  /** Adds `item` with `priority` (higher first), enqueued at `now` (ms). */
  push(item: T, priority: number, now: number): void {
    const n: Node<T> = { key: priority - (this.agePerSec * now) / 1000, seq: this.seq++, item, at: now };
    const h = this.h;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(n, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = n;
  }

  /** The item with the highest effective priority (and when it was enqueued), or undefined. */
  popEntry(): { item: T; enqueuedAt: number } | undefined {
    const h = this.h;
    if (!h.length) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return { item: top.item, enqueuedAt: top.at };
  }

  /** The item with the highest effective priority, or undefined. */
  pop(): T | undefined {
    return this.popEntry()?.item;
  }

  /** Longest wait among queued items at `now`, ms (0 when empty). O(n). */
  oldestWait(now: number): number {
    let oldest = now;
    for (const n of this.h) if (n.at < oldest) oldest = n.at;
    return now - oldest;
  }

  /** Removes the items matching `pred`; returns how many. */
  remove(pred: (item: T) => boolean): number {
    const keep = this.h.filter((n) => !pred(n.item));
    const removed = this.h.length - keep.length;
    if (removed) {
      this.h.length = 0;
      for (const n of keep.sort((a, b) => (before(a, b) ? -1 : 1))) this.h.push(n);
    }
    return removed;
  }
}

function before<T>(a: Node<T>, b: Node<T>): boolean {
  return a.key > b.key || (a.key === b.key && a.seq < b.seq);
}
