/**
 * Maps a spec field path (`['models', 'small', 'price']`) to the YAML node it came from, so
 * validation issues can name a line and column.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A path into the spec, as zod reports it. */
export type SpecPath = readonly PropertyKey[];

/** Where a path lands in the document. */
export interface Located {
  /** The node at the full path, or the nearest existing ancestor. */
  node: Node | null;
  /** The key node of the pair holding `node`, when it is a map value. */
  keyNode: Node | null;
  /** How many path segments were found (== path.length when the node exists). */
  depth: number;
}

/**
 * Formats a path for messages: `models.small.price`, `providers.sim.scripts[0].match`, and
 * `models["gpt-4.1"]` for keys that contain dots or spaces.
 */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      if (/^[A-Za-z0-9_:-]+$/.test(s)) out += out ? `.${s}` : s;
      else out += `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** Finds the node at `path`, or the nearest existing ancestor. */
export function locate(doc: Document, path: SpecPath): Located {
  let node: Node | null = (doc.contents as Node | null) ?? null;
  let keyNode: Node | null = null;
  let depth = 0;
  for (const seg of path) {
    let cur: unknown = node;
    if (isAlias(cur)) cur = cur.resolve(doc) ?? null;
    if (isMap(cur)) {
      const pair = cur.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
      if (!pair || !isPair(pair)) break;
      keyNode = (pair.key as Node | null) ?? null;
      node = (pair.value as Node | null) ?? null;
      if (node === null) { depth++; node = keyNode; break; }
    } else if (isSeq(cur) && typeof seg === 'number') {
      const item = cur.items[seg] as Node | undefined;
      if (item === undefined || item === null) break;
      keyNode = null;
      node = item;
    } else break;
    depth++;
  }
  return { node, keyNode, depth };
}

/** 1-based line and column of a node's start (1:1 when the node has no range). */
export function positionOf(node: Node | null, lines: LineCounter): { line: number; column: number } {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: 1, column: 1 };
  const p = lines.linePos(offset);
  return { line: p.line, column: p.col };
}
