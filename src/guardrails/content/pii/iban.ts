/**
 * IBANs, printed (groups of four separated by spaces) or electronic, validated with ibantools
 * (country length and mod-97 check). A greedy candidate that runs into following words is
 * trimmed group by group until it validates.
 */
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { EntityDetector } from '../detectors.js';

const CANDIDATE = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,32}\b/g;

/** Finds IBANs. */
export const detectIbans: EntityDetector = (ctx, out) => {
  CANDIDATE.lastIndex = 0;
  for (const m of ctx.text.matchAll(CANDIDATE)) {
    let raw = m[0];
    for (let tries = 0; tries < 10 && raw.length >= 15; tries++) {
      const iban = electronicFormatIBAN(raw.toUpperCase()) ?? '';
      if (isValidIBAN(iban)) {
        out.push({ entity: 'iban', start: m.index, end: m.index + raw.length, guardrail: 'pii.iban', score: 0.97, reason: `IBAN (${iban.slice(0, 2)}, checksum valid)` });
        break;
      }
      const cut = raw.lastIndexOf(' ');
      if (cut < 0) break;
      raw = raw.slice(0, cut);
    }
  }
};
