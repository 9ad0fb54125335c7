/**
 * Spelling correction for request words no skill and no lexicon knows: "vacaton" → "vacation",
 * "certifcate" → "certificate", "scael" → "scale". One edit (insertion, deletion, substitution or
 * swap of two neighbours) away from a known word, same first letter, misspelt words of at least
 * five letters, so that real short words ("fire", "hire") are never bent into each other. Lookups go
 * through a table of one-letter deletions (the symmetric-delete method): a few map reads a word.
 */

/** Known spellings and their one-letter deletions. */
export class SpellIndex {
  private readonly words = new Map<string, number>();
  private readonly deletes = new Map<string, string[]>();

  /** Adds a known spelling (lowercase letters); `weight` breaks ties (more frequent wins). */
  add(word: string, weight = 1): void {
    if (word.length < 4) return;
    const had = this.words.get(word);
    this.words.set(word, (had ?? 0) + weight);
    if (had !== undefined) return;
    for (const d of deletions(word)) {
      const list = this.deletes.get(d);
      if (list) {
        if (!list.includes(word)) list.push(word);
      } else this.deletes.set(d, [word]);
    }
  }

  /** True when the spelling is known as is. */
  has(word: string): boolean {
    return this.words.has(word);
  }

  /** Number of known spellings. */
  get size(): number {
    return this.words.size;
  }

  /** The known spelling one edit away from `word` (same first letter), or undefined. */
  correct(word: string): string | undefined {
    if (word.length < 5 || this.words.has(word)) return undefined;
    let best: string | undefined;
    let bestW = -1;
    const consider = (w: string): void => {
      if (w === word || w[0] !== word[0]) return;
      const weight = this.words.get(w) ?? 0;
      if (weight > bestW && editDistanceAtMostOne(word, w)) {
        best = w;
        bestW = weight;
      }
    };
    for (const w of this.deletes.get(word) ?? []) consider(w); // a letter too few
    for (const d of deletions(word)) {
      if (this.words.has(d)) consider(d); // a letter too many
      for (const w of this.deletes.get(d) ?? []) consider(w); // a letter wrong or two swapped
    }
    return best;
  }
}

function deletions(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** True when a and b differ by at most one insertion, deletion, substitution or adjacent swap. */
export function editDistanceAtMostOne(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
