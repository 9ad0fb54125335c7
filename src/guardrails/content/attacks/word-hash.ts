/**
 * The 32-bit FNV-1a hash of a word the attack engine keys its rules and concepts by; the scanner
 * in engine.ts (`locateAnchors`) computes the same hash inline while it walks a view.
 */

/** A 32-bit hash of `s[from, to)`, the same one `locateAnchors` computes while scanning. */
export function wordHash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
