/**
 * Phone numbers. A cheap digit-led candidate pass, then libphonenumber-js decides:
 * international numbers (`+`/`00`) must be possible numbers of their country; national numbers
 * must have a phone shape (NANP `(415) 555-0132`, or a trunk `0` with grouping) and be valid in
 * one of the default countries, or be introduced by a phone word ("tel", "call me at", "Handy").
 * Dates, times, years, versions, ISBNs and plain long digit runs without context are not phones.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { contextBefore, type EntityDetector } from '../detectors.js';

const CANDIDATE = /(?<![\w+/.,-])(?:\+|00)?[ \t]?(?:\(\+?\d{1,4}\)[ \t.-]?)?\(?\d[\d \t().\/-]{5,22}\d(?![\w-]|[.,\/]\d)/g;
const NANP = /^(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}$/;
const DATE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;
const YEAR_RANGE = /^\d{4} ?[-/] ?\d{4}$/;
const DOTTED_VERSION = /^\d{1,4}(?:\.\d{1,4}){1,3}$/;
const PHONE_WORDS =
  /\b(?:phone|tel|telephone|mobile|cell|call|text me|txt|sms|whatsapp|signal|fax|contact|reach me|ring|dial|hotline|número|numero|teléfono|telefono|móvil|movil|llámame|llamame|téléphone|portable|appelle|appelez|joindre|telefon|handy|rufnummer|anrufen|ruf|cellulare|chiamami|celular|telemóvel|telemovel|ligue|tlf|mob)[\s.:#()-]*(?:\w+[\s.:#-]*){0,3}$/;
const ISBN_WORD = /\bisbn(?:-1[03])?[\s:-]*$/;
const DEFAULT_COUNTRIES: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'PT', 'BE', 'CH', 'AT', 'IE', 'CA', 'AU', 'IN', 'BR', 'MX'];

function validSomewhere(raw: string): boolean {
  for (const c of DEFAULT_COUNTRIES) {
    const p = parsePhoneNumberFromString(raw, c);
    if (p?.isValid()) return true;
  }
  return false;
}

function possibleSomewhere(raw: string): boolean {
  for (const c of DEFAULT_COUNTRIES) {
    const p = parsePhoneNumberFromString(raw, c);
    if (p?.isPossible()) return true;
  }
  return false;
}

/** Toll-free and service numbers belong to businesses, not people. */
const TOLL_FREE = /^(?:\+?1[ .-]?)?\(?8(?:00|88|77|66|55|44|33)\)?[ .-]|^(?:\+44 ?|0)80[08][ .-]?|^(?:\+33 ?|0)80[0-9][ .-]?|^(?:\+49 ?|0)800[ .-]?|^(?:\+34 ?)?900[ .-]|^(?:\+39 ?)?800[ .-]/;

/** Decides whether a candidate is a phone number; exported for tests. */
export function isPhoneCandidate(raw: string, hasContext: boolean): boolean {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  const compact = raw.replace(/[ \t]/g, '');
  if (TOLL_FREE.test(raw)) return false;
  if (NANP.test(raw)) return true;
  if (DATE.test(compact) || YEAR_RANGE.test(raw) || DOTTED_VERSION.test(compact)) return false;
  if ((digits.startsWith('978') || digits.startsWith('979')) && digits.length === 13 && !raw.startsWith('+')) return false;
  if (raw.startsWith('+') || raw.startsWith('00')) {
    const p = parsePhoneNumberFromString(raw.startsWith('00') ? '+' + raw.slice(2) : raw);
    return p !== undefined && (p.isPossible() || (hasContext && digits.length >= 8));
  }
  const grouped = /[ \t().-]/.test(raw);
  if (digits[0] === '0' && grouped && digits.length >= 9 && validSomewhere(raw)) return true;
  return hasContext && (grouped || digits.length <= 13 || possibleSomewhere(raw));
}

/** Finds phone numbers. */
export const detectPhones: EntityDetector = (ctx, out) => {
  CANDIDATE.lastIndex = 0;
  for (const m of ctx.text.matchAll(CANDIDATE)) {
    let raw = m[0];
    let start = m.index;
    const lead = raw.length - raw.trimStart().length;
    raw = raw.trim();
    start += lead;
    // unbalanced trailing parenthesis from surrounding prose
    if (raw.endsWith(')') && !raw.includes('(')) raw = raw.slice(0, -1);
    if (contextBefore(ctx.lower, start, 24, ISBN_WORD)) continue;
    const hasContext = contextBefore(ctx.lower, start, 40, PHONE_WORDS);
    if (!isPhoneCandidate(raw, hasContext)) continue;
    out.push({ entity: 'phone', start, end: start + raw.length, guardrail: 'pii.phone', score: hasContext ? 0.95 : 0.85, reason: 'phone number' });
  }
};
