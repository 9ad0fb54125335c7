/**
 * PEM and PGP private key blocks (`-----BEGIN … PRIVATE KEY-----` to the matching END, or to the
 * end of the base64 body when the block is cut off), including `\n`-escaped keys inside JSON.
 */
import type { EntityDetector } from '../detectors.js';

const BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2?-----|$)/g;
const CUT_BODY = /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=:\-\s]|\\n|\\r)*/;

/** Finds private key blocks. */
export const detectPrivateKeys: EntityDetector = (ctx, out) => {
  const t = ctx.text;
  if (!t.includes('-----BEGIN ')) return;
  BLOCK.lastIndex = 0;
  for (const m of t.matchAll(BLOCK)) {
    let end = m.index + m[0].length;
    if (!m[0].includes('-----END ')) {
      const body = CUT_BODY.exec(t.slice(m.index));
      end = m.index + (body?.[0].length ?? m[0].length);
    }
    out.push({ entity: 'private_key', start: m.index, end, guardrail: 'secret.private_key', score: 0.99, reason: `${m[1] ?? ''}private key block`.trim() });
  }
};
