/**
 * Secrets assigned to a named key — `password=…`, `"client_secret": "…"`, `DB_PASSWORD: …`,
 * `AccountKey=…;` in connection strings — and passwords stated in prose ("my password is …",
 * "mi contraseña es …", "mon mot de passe est …", "mein Passwort ist …").
 *
 * Only the value is reported. Placeholders, environment lookups, type names and plain words
 * ("password: required", "token is expired") are not secrets: an unquoted value must mix
 * character classes or be long and random.
 */
import type { EntityDetector } from '../detectors.js';
import { PLACEHOLDER } from './url-password.js';
import { looksRandom } from './tokens.js';

const KEY =
  '(?:[a-z0-9]+[_.-])*(?:password|passwd|passphrase|passcode|pwd|secret|secret[_-]?key|token|auth[_-]?token|access[_-]?token|refresh[_-]?token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|accountkey|sharedaccesskey|shared[_-]?secret|signing[_-]?key|encryption[_-]?key|mdp|contrase(?:ñ|n)a|passwort|kennwort|senha|clave)(?:[_.-][a-z0-9]+)*';
const ASSIGN = new RegExp(`(?<![a-z0-9])${KEY}["'\\]]?\\s*(?::=|=>|[:=])\\s*(?:"([^"\\n]{4,200})"|'([^'\\n]{4,200})'|\`([^\`\\n]{4,200})\`|([^\\s"'\`,;&<>)\\]}]{6,200}))`, 'gi');
const PROSE = /\b(?:password|passcode|passphrase|pin code|contrase(?:ñ|n)a|clave|mot de passe|passwort|kennwort|senha|parola d'ordine|password di accesso)\s+(?:is|was|es|era|est|était|etait|ist|war|é|e|:)\s+(?:now\s+|ahora\s+|maintenant\s+|jetzt\s+|agora\s+)?["'«“]?([^\s"'»”,;]{6,64})/gi;
const GATE = /pass|pwd|secret|token|key|credential|contrase|clave|mdp|kennwort|senha|log ?in|sign ?in|creds|user/;
/** "login with admin / P@ssw0rd!23", "creds: deploy:Xy7#kLm2" — a user then a complex password. */
const PAIR = /\b(?:log ?in|sign ?in|credentials?|creds|username|user|account|ssh)\b[^\n]{0,24}?\b[A-Za-z0-9._@-]{2,40}\s*(?:\/|\||:)\s*([^\s"'`,;]{6,64})/gi;
const NOT_A_VALUE =
  /^(?:process\.env|os\.environ|env\.|getenv|config\.|settings\.|secrets\.|vault:|ref:|true|false|null|none|nil|undefined|required|optional|string|str|number|int|boolean|bool|hidden|redacted|masked|empty|yes|no|on|off|example|sample|dummy|placeholder|function|\(|\{|\[|\$)/i;
const TRAILING = /[.)\]}>]+$/;

function secretValue(v: string, quoted: boolean): boolean {
  if (PLACEHOLDER.test(v) || NOT_A_VALUE.test(v)) return false;
  if (/^[A-Z][A-Z0-9_]*$/.test(v) && v.includes('_')) return false; // ENV_VAR_NAME
  if (/^[a-z]+(?:[ _-][a-z]+)*$/i.test(v) && !quoted) return false; // a plain word
  if (quoted) return !/\s/.test(v);
  return classesOf(v) >= 2 || looksRandom(v);
}

/** How many of lower, upper, digit and symbol a value uses. */
function classesOf(v: string): number {
  let classes = 0;
  if (/[a-z]/.test(v)) classes++;
  if (/[A-Z]/.test(v)) classes++;
  if (/\d/.test(v)) classes++;
  if (/[^A-Za-z0-9]/.test(v)) classes++;
  return classes;
}

/** Finds secrets assigned to named keys or stated in prose. */
export const detectAssignedSecrets: EntityDetector = (ctx, out) => {
  if (!GATE.test(ctx.lower)) return;
  const t = ctx.text;
  ASSIGN.lastIndex = 0;
  for (const m of t.matchAll(ASSIGN)) {
    const quoted = m[4] === undefined;
    let v = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
    if (!quoted) v = v.replace(TRAILING, '');
    if (!secretValue(v, quoted)) continue;
    const start = m.index + m[0].lastIndexOf(v);
    out.push({ entity: 'password', start, end: start + v.length, guardrail: 'secret.assignment', score: 0.85, reason: 'secret value assigned to a credential key' });
  }
  PAIR.lastIndex = 0;
  for (const m of t.matchAll(PAIR)) {
    const v = m[1]!.replace(TRAILING, '');
    if (PLACEHOLDER.test(v) || classesOf(v) < 3 || v.includes('/') || t.slice(Math.max(0, m.index - 3), m.index + m[0].length).includes('://')) continue;
    const start = m.index + m[0].lastIndexOf(v);
    out.push({ entity: 'password', start, end: start + v.length, guardrail: 'secret.assignment', score: 0.75, reason: 'password in a user/password pair' });
  }
  PROSE.lastIndex = 0;
  for (const m of t.matchAll(PROSE)) {
    const v = m[1]!.replace(TRAILING, '');
    if (PLACEHOLDER.test(v) || NOT_A_VALUE.test(v) || /^[a-z]+$/i.test(v)) continue;
    const start = m.index + m[0].lastIndexOf(v);
    out.push({ entity: 'password', start, end: start + v.length, guardrail: 'secret.assignment', score: 0.8, reason: 'password stated in text' });
  }
};
