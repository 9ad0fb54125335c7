/**
 * A compact byte-pair encoder over js-tiktoken's rank files.
 *
 * Written by hand because js-tiktoken's own `Tiktoken` keeps two maps per encoding — ranks keyed
 * by comma-joined byte strings, and a `Uint8Array` per token for decoding — which for o200k took
 * ~63 MB of heap (and a ~100 MB peak while building them) in every `daca up` that counts tokens.
 * Here each token is one latin-1 string (one char per byte) shared by the rank map and the decode
 * table: ~16 MB, and pieces are looked up without joining bytes. The merge rule is tiktoken's:
 * repeatedly merge the adjacent pair with the lowest rank, leftmost first. `bpe.test.ts` checks
 * token ids against js-tiktoken on a mixed corpus.
 */
import type { TiktokenBPE } from 'js-tiktoken/lite';

const utf8 = new TextDecoder('utf-8');

/** Encodes text to token ids and back; special-token strings are treated as plain text. */
export class BytePairEncoder {
  private readonly ranks = new Map<string, number>();
  private readonly byRank: string[] = [];
  private readonly pattern: RegExp;

  constructor(file: TiktokenBPE) {
    this.pattern = new RegExp(file.pat_str, 'gu');
    for (const line of file.bpe_ranks.split('\n')) {
      if (!line) continue;
      const fields = line.split(' ');
      const offset = Number.parseInt(fields[1]!, 10);
      for (let i = 2; i < fields.length; i++) {
        const key = Buffer.from(fields[i]!, 'base64').toString('latin1');
        this.ranks.set(key, offset + i - 2);
        this.byRank[offset + i - 2] = key;
      }
    }
    for (const [text, rank] of Object.entries(file.special_tokens)) this.byRank[rank] = Buffer.from(text, 'utf8').toString('latin1');
  }

  /** Token ids of `text`. */
  encode(text: string): number[] {
    const out: number[] = [];
    this.forEachPiece(text, (piece) => {
      const r = this.ranks.get(piece);
      if (r !== undefined) out.push(r);
      else this.merge(piece, out);
    });
    return out;
  }

  /** Number of tokens of one pre-tokenised piece (a regex match of the encoding's pattern). */
  countPiece(piece: string): number {
    const bytes = Buffer.from(piece, 'utf8').toString('latin1');
    if (this.ranks.has(bytes)) return 1;
    const out: number[] = [];
    this.merge(bytes, out);
    return out.length;
  }

  /** Text of token ids; unknown ids are skipped, broken UTF-8 becomes U+FFFD. */
  decode(ids: readonly number[]): string {
    let s = '';
    for (const id of ids) s += this.byRank[id] ?? '';
    return utf8.decode(Buffer.from(s, 'latin1'));
  }

  private forEachPiece(text: string, fn: (latin1Piece: string) => void): void {
    const re = this.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) fn(Buffer.from(m[0], 'utf8').toString('latin1'));
  }

  /** tiktoken's merge: join the adjacent pair of lowest rank (leftmost on ties) until none is known. */
  private merge(piece: string, out: number[]): void {
    const cuts = Array.from({ length: piece.length + 1 }, (_, i) => i);
    while (cuts.length > 2) {
      let min = Infinity;
      let at = -1;
      for (let i = 0; i < cuts.length - 2; i++) {
        const r = this.ranks.get(piece.slice(cuts[i], cuts[i + 2]));
        if (r !== undefined && r < min) {
          min = r;
          at = i;
        }
      }
      if (at < 0) break;
      cuts.splice(at + 1, 1);
    }
    for (let i = 0; i < cuts.length - 1; i++) {
      const r = this.ranks.get(piece.slice(cuts[i], cuts[i + 1]));
      if (r !== undefined) out.push(r);
    }
  }
}
