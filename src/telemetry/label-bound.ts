/**
 * Bounded label values: each label dimension accepts its first `max` distinct values; later ones
 * become `other`, so a caller sending random model names cannot grow the metric set without end.
 */

/** The value that replaces label values beyond a dimension's bound. */
export const OTHER_LABEL_VALUE = 'other';

/**
 * Distinct-value limit for one label dimension.
 * @example
 * ```ts
 * const b = new LabelBound(2);
 * b.admit('a'); b.admit('b'); b.admit('c'); // 'a', 'b', 'other'
 * ```
 */
export class LabelBound {
  private readonly seen = new Set<string>();
  /** Values turned into `other` so far. */
  overflowed = 0;

  constructor(readonly max: number) {}

  /** The value to use for `raw`: itself while within the bound, else `other`. */
  admit(raw: string): string {
    if (this.seen.has(raw)) return raw;
    if (this.seen.size < this.max) {
      this.seen.add(raw);
      return raw;
    }
    this.overflowed++;
    return OTHER_LABEL_VALUE;
  }
}

/**
 * One node of a {@link LabelTrie}: the label values on the path to it, its children by raw
 * value, and whatever the owner hangs on a complete path.
 */
export interface LabelTrieNode<T> {
  readonly values: readonly string[];
  readonly children: Map<string, LabelTrieNode<T>>;
  leaf: T | null;
}

/**
 * Finds the node for a tuple of label values with one `Map.get` per dimension on the hot path.
 * Raw values that overflowed a dimension's bound are not stored, so the trie stays bounded too.
 */
export class LabelTrie<T> {
  readonly root: LabelTrieNode<T> = { values: [], children: new Map(), leaf: null };

  constructor(private readonly bounds: readonly LabelBound[]) {}

  /** The child of `node` for dimension `dim` (= `node.values.length`) and raw value `raw`. */
  step(node: LabelTrieNode<T>, raw: string): LabelTrieNode<T> {
    const hit = node.children.get(raw);
    if (hit) return hit;
    const bound = this.bounds[node.values.length];
    const value = bound ? bound.admit(raw) : raw;
    let child = node.children.get(value);
    if (!child) {
      child = { values: [...node.values, value], children: new Map(), leaf: null };
      node.children.set(value, child);
    }
    return child;
  }
}
