/**
 * Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes (one separator
 * kind), Luhn-valid, with a known issuer prefix (IIN) and a length that issuer uses.
 */
import { contextBefore, luhn, type EntityDetector } from '../detectors.js';

const CANDIDATE = /(?<![\d.\-/])(?<!\d,)\d(?:[ -]?\d){12,18}(?![\d]|[.,\-/]\d)/g;

/** Issuer prefix ranges and their card lengths. */
const ISSUERS: readonly { name: string; test: (d: string) => boolean; lengths: readonly number[] }[] = [
  { name: 'visa', test: (d) => d[0] === '4', lengths: [13, 16, 19] },
  { name: 'mastercard', test: (d) => { const p2 = +d.slice(0, 2); const p4 = +d.slice(0, 4); return (p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720); }, lengths: [16] },
  { name: 'amex', test: (d) => d.startsWith('34') || d.startsWith('37'), lengths: [15] },
  { name: 'discover', test: (d) => d.startsWith('6011') || d.startsWith('65') || (+d.slice(0, 3) >= 644 && +d.slice(0, 3) <= 649) || (+d.slice(0, 6) >= 622126 && +d.slice(0, 6) <= 622925), lengths: [16, 17, 18, 19] },
  { name: 'jcb', test: (d) => +d.slice(0, 4) >= 3528 && +d.slice(0, 4) <= 3589, lengths: [16, 17, 18, 19] },
  { name: 'diners', test: (d) => /^(?:30[0-5]|3095|36|38|39)/.test(d), lengths: [14, 15, 16, 17, 18, 19] },
  { name: 'unionpay', test: (d) => d.startsWith('62') || d.startsWith('81'), lengths: [16, 17, 18, 19] },
  { name: 'maestro', test: (d) => /^(?:50|5[6-9]|6[0-9])/.test(d), lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { name: 'mir', test: (d) => /^220[0-4]/.test(d), lengths: [16, 17, 18, 19] },
];

/** The issuer whose prefix and length fit a number (Luhn not checked), or undefined. */
function issuerOf(digits: string): string | undefined {
  if (digits.length < 13 || digits.length > 19) return undefined;
  for (const i of ISSUERS) if (i.test(digits) && i.lengths.includes(digits.length)) return i.name;
  return undefined;
}

/** The issuer of a Luhn-valid number, or undefined. */
export function cardIssuer(digits: string): string | undefined {
  return luhn(digits) ? issuerOf(digits) : undefined;
}

/** Words that name a payment card just before a number. */
const CARD_WORDS = /\b(?:card|cards|visa|mastercard|master card|amex|american express|discover|diners|jcb|maestro|credit|debit|cc|ccn|pan|tarjeta|carte|karte|kreditkarte|carta|cartao|cartão)\b[^\n\d]{0,16}$/;
const FOUR_GROUPS = /^\d{4}([ -])\d{4}\1\d{4}\1\d{4}$/;

function groupsPlausible(raw: string): boolean {
  const hasSpace = raw.includes(' ');
  const hasDash = raw.includes('-');
  if (!hasSpace && !hasDash) return true;
  if (hasSpace && hasDash) return false;
  const groups = raw.split(hasSpace ? ' ' : '-');
  return groups.every((g) => g.length >= 3 && g.length <= 6) || groups.every((g) => g.length === 4 || g.length === 3);
}

/** Finds payment card numbers. */
export const detectCards: EntityDetector = (ctx, out) => {
  CANDIDATE.lastIndex = 0;
  for (const m of ctx.text.matchAll(CANDIDATE)) {
    const raw = m[0];
    const digits = raw.replace(/[ -]/g, '');
    const issuer = cardIssuer(digits);
    if (issuer !== undefined && groupsPlausible(raw)) {
      out.push({ entity: 'card', start: m.index, end: m.index + raw.length, guardrail: 'pii.card', score: 0.95, reason: `payment card number (${issuer}, Luhn-valid)` });
      continue;
    }
    // a card-shaped number that is named as a card: redact it even when the checksum is off (typos, made-up numbers)
    const named = issuerOf(digits);
    if (named !== undefined && FOUR_GROUPS.test(raw) && contextBefore(ctx.lower, m.index, 32, CARD_WORDS)) {
      out.push({ entity: 'card', start: m.index, end: m.index + raw.length, guardrail: 'pii.card', score: 0.8, reason: `payment card number (${named}, named as a card)` });
    }
  }
};
