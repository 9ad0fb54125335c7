/**
 * Allocation-free counters and histograms that render through a prom-client `Registry`.
 *
 * prom-client's own `Counter`/`Histogram` rebuild a label hash string and re-validate labels on
 * every `inc()`/`observe()`, even through a `labels()` child (~0.5 µs each with 7 labels). Here a
 * caller asks once for a *cell* (one label combination), keeps it, and then updates plain number
 * fields: a few nanoseconds per update. At scrape time each metric hands the registry the values
 * in prom-client's own shape, so rendering, escaping and content type stay prom-client's.
 */
import type { Metric, Registry } from 'prom-client';

/** Label name → value of one series. Kept by reference (prom-client caches its rendering). */
export type Labels = Readonly<Record<string, string>>;

/** One counter series; add to `value` directly. */
export interface CounterCell {
  readonly labels: Labels;
  value: number;
}

/** One histogram series; update it with {@link observeHistogram}. */
export interface HistogramCell {
  readonly labels: Labels;
  /** Non-cumulative count per bucket; the last slot is the +Inf overflow. */
  readonly counts: Float64Array;
  /** Upper bounds, shared with the metric. */
  readonly bounds: readonly number[];
  sum: number;
  count: number;
}

/** The value shape prom-client's registry renders (its `MetricValueWithName` plus shared labels). */
interface RenderedValue {
  value: number;
  labels: Record<string, string>;
  metricName?: string;
  sharedLabels?: Labels;
}

/** The object shape prom-client's registry reads from a metric. */
interface RenderedMetric {
  name: string;
  help: string;
  type: string;
  aggregator: 'sum';
  values: RenderedValue[];
}

/** Records one observation into a histogram cell. Non-finite values are ignored. */
export function observeHistogram(cell: HistogramCell, value: number): void {
  if (!Number.isFinite(value)) return;
  const b = cell.bounds;
  let i = 0;
  while (i < b.length && value > b[i]!) i++;
  cell.counts[i]!++;
  cell.sum += value;
  cell.count++;
}

/**
 * A counter made of cells.
 * @example
 * ```ts
 * const c = new FastCounter('daca_requests_total', 'Requests.');
 * const cell = c.cell({ status: '200' });
 * cell.value++;
 * ```
 */
export class FastCounter {
  /** prom-client reads these three fields. */
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private cells: CounterCell[] = [];

  /**
   * @param divisor rendered value = stored value / divisor (e.g. 1e6 to store micro-dollars and show USD).
   */
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly divisor = 1,
  ) {}

  /** A new series. Call once per label combination and keep the cell. */
  cell(labels: Labels): CounterCell {
    const c: CounterCell = { labels, value: 0 };
    this.cells.push(c);
    return c;
  }

  /** Number of series. */
  get size(): number {
    return this.cells.length;
  }

  /** prom-client entry point: the current values. */
  async get(): Promise<RenderedMetric> {
    const d = this.divisor;
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.cells.map((c) => ({ labels: { ...c.labels }, value: d === 1 ? c.value : c.value / d })) };
  }

  /** Sets every series back to zero (prom-client `resetMetrics`). */
  reset(): void {
    for (const c of this.cells) c.value = 0;
  }
}

/**
 * A histogram made of cells.
 * @example
 * ```ts
 * const h = new FastHistogram('x_seconds', 'X.', [0.1, 1]);
 * observeHistogram(h.cell({ op: 'chat' }), 0.25);
 * ```
 */
export class FastHistogram {
  /** prom-client reads these three fields. */
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private cells: HistogramCell[] = [];
  private readonly le: ReadonlyArray<Record<string, string>>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {
    for (let i = 1; i < bounds.length; i++) if (!(bounds[i]! > bounds[i - 1]!)) throw new RangeError(`${name}: buckets must increase`);
    this.le = [...bounds.map((b) => ({ le: String(b) })), { le: '+Inf' }];
  }

  /** A new series. Call once per label combination and keep the cell. */
  cell(labels: Labels): HistogramCell {
    const c: HistogramCell = { labels, counts: new Float64Array(this.bounds.length + 1), bounds: this.bounds, sum: 0, count: 0 };
    this.cells.push(c);
    return c;
  }

  /** Number of series. */
  get size(): number {
    return this.cells.length;
  }

  /** prom-client entry point for text rendering (buckets carry the series labels as shared labels). */
  async getForPromString(): Promise<RenderedMetric> {
    const values: RenderedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const c of this.cells) {
      let acc = 0;
      for (let i = 0; i < this.le.length; i++) {
        acc += c.counts[i]!;
        values.push({ labels: this.le[i]!, value: acc, metricName: bucket, sharedLabels: c.labels });
      }
      values.push({ labels: {}, value: c.sum, metricName: `${this.name}_sum`, sharedLabels: c.labels });
      values.push({ labels: {}, value: c.count, metricName: `${this.name}_count`, sharedLabels: c.labels });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** prom-client entry point for JSON: shared labels folded into each value's labels. */
  async get(): Promise<RenderedMetric> {
    const m = await this.getForPromString();
    m.values = m.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }));
    return m;
  }

  /** Sets every series back to zero (prom-client `resetMetrics`). */
  reset(): void {
    for (const c of this.cells) {
      c.counts.fill(0);
      c.sum = 0;
      c.count = 0;
    }
  }
}

/**
 * Registers a fast metric in a prom-client registry. prom-client types `registerMetric` with its
 * own classes only; at run time it needs `name`, `help`, `type`, `get()`/`getForPromString()` and
 * `reset()`, which these classes provide.
 */
export function registerFast(registry: Registry, metric: FastCounter | FastHistogram): void {
  registry.registerMetric(metric as unknown as Metric);
}
