/**
 * National identifiers, each with its own format and check:
 * US SSN (area/group/serial rules), UK NINO (prefix rules), Spanish DNI/NIE (check letter),
 * French NIR/INSEE (mod-97 key), Italian codice fiscale (check character), Brazilian CPF
 * (two check digits), German Steuer-ID (ISO 7064 check digit) and Personalausweis (7-3-1 check)
 * and Canadian SIN (Luhn) — the last three only next to a word that names them, since their bare
 * digit shapes are too common.
 */
import { contextBefore, luhn, type EntityDetector, type EntityHit } from '../detectors.js';

const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])/g;
const SSN_BARE = /(?<!\d)(?!000|666|9\d\d)\d{3}(?!00)\d{2}(?!0000)\d{4}(?!\d)/g;
const SSN_WORDS = /\b(?:ssn|social security(?: number| no\.?)?|ss#)[\s:#-]*$/;
const NINO = /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b|\bQQ ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;
const DNI = /\b(\d{8})[- ]?([A-HJ-NP-TV-Z])\b/g;
const NIE = /\b([XYZ])[- ]?(\d{7})[- ]?([A-HJ-NP-TV-Z])\b/g;
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const NIR = /\b([1-478]) ?(\d{2}) ?(0[1-9]|1[0-2]|[2-9]\d) ?(\d{2}|2[AB]) ?(\d{3}) ?(\d{3}) ?(\d{2})\b/g;
const CF = /\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b/g;
const CPF = /(?<![\d.])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\d])/g;
const STEUER = /(?<!\d)[1-9]\d(?: ?\d{3}){3}(?!\d)/g;
const STEUER_WORDS = /\b(?:steuer-?id|steuerid|steuer-identifikationsnummer|steueridentifikationsnummer|identifikationsnummer|idnr|steuernummer|tax id|tin)[\s.:#-]*(?:\w+[\s.:#-]*){0,2}$/;
const PERSO = /\b[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d?\b/g;
const PERSO_WORDS = /\b(?:personalausweis|ausweisnummer|ausweis-nr|ausweis nr|ausweis|id card|identity card)[\s.:#-]*(?:\w+[\s.:#-]*){0,2}$/;
const SIN = /(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{3}(?!\d)/g;
const SIN_WORDS = /\b(?:sin|social insurance number|numéro d'assurance sociale|nas)[\s.:#-]*$/;

function push(out: EntityHit[], start: number, end: number, reason: string, score = 0.9): void {
  out.push({ entity: 'national_id', start, end, guardrail: 'pii.national_id', score, reason });
}

function nirKeyOk(m: RegExpMatchArray): boolean {
  const dept = m[4]!.replace('2A', '19').replace('2B', '18');
  const body = BigInt(m[1]! + m[2]! + m[3]! + dept + m[5]! + m[6]!);
  return 97n - (body % 97n) === BigInt(m[7]!);
}

const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
function cfOk(cf: string): boolean {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = cf.charCodeAt(i);
    const v = c >= 65 ? c - 65 : c - 48;
    sum += i % 2 === 0 ? CF_ODD[v]! : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

function cpfOk(raw: string): boolean {
  const d = raw.replace(/\D/g, '');
  if (/^(\d)\1{10}$/.test(d)) return false;
  const check = (n: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (d.charCodeAt(i) - 48) * (n + 1 - i);
    const r = (s * 10) % 11;
    return r === 10 ? 0 : r;
  };
  return check(9) === d.charCodeAt(9) - 48 && check(10) === d.charCodeAt(10) - 48;
}

/** ISO 7064 MOD 11,10 check digit of the German tax id. */
function steuerOk(d: string): boolean {
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (d.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = (11 - product) % 10;
  return check === d.charCodeAt(10) - 48;
}

function persoOk(id: string): boolean {
  const w = [7, 3, 1];
  let s = 0;
  for (let i = 0; i < 9; i++) {
    const c = id.charCodeAt(i);
    const v = c >= 65 ? c - 55 : c - 48;
    s += v * w[i % 3]!;
  }
  return s % 10 === id.charCodeAt(9) - 48;
}

/** Finds national identifiers. */
export const detectNationalIds: EntityDetector = (ctx, out) => {
  const t = ctx.text;
  const hasDigit = /\d/.test(t);
  if (!hasDigit) return;
  for (const m of t.matchAll(SSN)) push(out, m.index, m.index + m[0].length, 'US social security number');
  for (const m of t.matchAll(SSN_BARE)) if (contextBefore(ctx.lower, m.index, 24, SSN_WORDS)) push(out, m.index, m.index + m[0].length, 'US social security number');
  for (const m of t.matchAll(NINO)) push(out, m.index, m.index + m[0].length, 'UK national insurance number');
  for (const m of t.matchAll(DNI)) if (DNI_LETTERS[Number(m[1]) % 23] === m[2]) push(out, m.index, m.index + m[0].length, 'Spanish DNI (check letter valid)', 0.95);
  for (const m of t.matchAll(NIE)) {
    const n = Number('XYZ'.indexOf(m[1]!) + m[2]!);
    if (DNI_LETTERS[n % 23] === m[3]) push(out, m.index, m.index + m[0].length, 'Spanish NIE (check letter valid)', 0.95);
  }
  for (const m of t.matchAll(NIR)) if (nirKeyOk(m)) push(out, m.index, m.index + m[0].length, 'French NIR/INSEE number (key valid)', 0.95);
  for (const m of t.matchAll(CF)) if (cfOk(m[0])) push(out, m.index, m.index + m[0].length, 'Italian codice fiscale', 0.95);
  for (const m of t.matchAll(CPF)) if (cpfOk(m[0])) push(out, m.index, m.index + m[0].length, 'Brazilian CPF', 0.95);
  for (const m of t.matchAll(STEUER)) {
    const d = m[0].replace(/ /g, '');
    if (steuerOk(d) && contextBefore(ctx.lower, m.index, 40, STEUER_WORDS)) push(out, m.index, m.index + m[0].length, 'German tax id (Steuer-ID)');
  }
  for (const m of t.matchAll(PERSO)) {
    if (m[0].replace(/\D/g, '').length < 3 || !contextBefore(ctx.lower, m.index, 40, PERSO_WORDS)) continue;
    if (m[0].length === 9 || persoOk(m[0])) push(out, m.index, m.index + m[0].length, 'German identity card number');
  }
  for (const m of t.matchAll(SIN)) {
    const d = m[0].replace(/\D/g, '');
    if (luhn(d) && contextBefore(ctx.lower, m.index, 32, SIN_WORDS)) push(out, m.index, m.index + m[0].length, 'Canadian social insurance number');
  }
};
