/**
 * Provider API keys and tokens, JWTs and opaque bearer tokens.
 *
 * One pass collects runs of token characters (`[A-Za-z0-9_\-.+/]`, 16 or more); each run is
 * matched against anchored provider formats (OpenAI, Anthropic, AWS, GitHub, GitLab, Slack,
 * Stripe, Google, Twilio, SendGrid, npm, Hugging Face, PyPI, DigitalOcean, Shopify, …). Generic
 * prefixes must also look random (digits, letters, entropy), so `sk-learn-for-beginners` is not a
 * key. JWTs must have a header that decodes to JSON with `alg`. AWS secret keys and bearer tokens
 * need their context words.
 */
import { contextBefore, entropy, type EntityDetector, type EntityHit } from '../detectors.js';

interface TokenFormat {
  name: string;
  re: RegExp;
  /** Require digits, letters and entropy (for prefixes that also start ordinary words). */
  random?: boolean;
}

const FORMATS: readonly TokenFormat[] = [
  { name: 'Anthropic API key', re: /^sk-ant-(?:[a-z]{2,8}\d{2}-)?[A-Za-z0-9_-]{20,}/ },
  { name: 'OpenAI API key', re: /^sk-(?:proj-|svcacct-|admin-|None-|or-v1-)?[A-Za-z0-9_-]{20,}/, random: true },
  { name: 'Stripe secret key', re: /^(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/ },
  { name: 'Stripe webhook secret', re: /^whsec_[A-Za-z0-9]{20,}/ },
  { name: 'AWS access key id', re: /^(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}(?![A-Za-z0-9])/ },
  { name: 'GitHub token', re: /^(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,255}/ },
  { name: 'GitHub fine-grained token', re: /^github_pat_[A-Za-z0-9_]{22,255}/ },
  { name: 'GitLab token', re: /^(?:glpat|glptt|gldt|glrt|glsoat|glcbt)-[A-Za-z0-9_-]{20,}/ },
  { name: 'Slack token', re: /^xox[abposre]-[A-Za-z0-9-]{10,}/ },
  { name: 'Slack app token', re: /^xapp-\d-[A-Za-z0-9-]{10,}/ },
  { name: 'Google API key', re: /^AIza[0-9A-Za-z_-]{30,40}/ },
  { name: 'Google OAuth token', re: /^ya29\.[0-9A-Za-z_-]{20,}/ },
  { name: 'Google OAuth client secret', re: /^GOCSPX-[A-Za-z0-9_-]{20,}/ },
  { name: 'Twilio key', re: /^(?:AC|SK)[a-f0-9]{32}(?![A-Za-z0-9])/ },
  { name: 'SendGrid API key', re: /^SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/ },
  { name: 'npm token', re: /^npm_[A-Za-z0-9]{30,}/ },
  { name: 'Hugging Face token', re: /^hf_[A-Za-z0-9]{30,}/ },
  { name: 'PyPI token', re: /^pypi-[A-Za-z0-9_-]{40,}/ },
  { name: 'DigitalOcean token', re: /^do[por]_v1_[a-f0-9]{64}/ },
  { name: 'Shopify token', re: /^shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}/ },
  { name: 'Mailgun key', re: /^key-[a-f0-9]{32}(?![A-Za-z0-9])/ },
  { name: 'Databricks token', re: /^dapi[a-f0-9]{32}/ },
  { name: 'Groq/Replicate token', re: /^(?:gsk|r8)_[A-Za-z0-9]{20,}/, random: true },
  { name: 'xAI/Perplexity key', re: /^(?:xai|pplx)-[A-Za-z0-9]{20,}/, random: true },
  { name: 'Square token', re: /^sq0(?:atp|csp)-[A-Za-z0-9_-]{20,}/ },
  { name: 'Atlassian token', re: /^ATATT3[A-Za-z0-9_\-=]{30,}/ },
  { name: 'age secret key', re: /^AGE-SECRET-KEY-1[A-Z0-9]{50,}/ },
  { name: 'Slack webhook', re: /^hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9_/-]{20,}/ },
  { name: 'Discord webhook', re: /^(?:discord|discordapp)\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/ },
  { name: 'Discord bot token', re: /^[MN][A-Za-z\d]{23,27}\.[\w-]{6}\.[\w-]{27,}/ },
];
const FIRST_CHARS = new Set(['s', 'r', 'w', 'A', 'g', 'x', 'y', 'G', 'S', 'n', 'h', 'p', 'd', 'k', 'M', 'N', 'e']);

const JWT = /^eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/;
const AWS_SECRET_WORDS = /(?:aws|secret|access[_ -]?key|credentials?)[\w"' ]{0,30}[:=]?\s*["']?$/;
const BEARER_WORDS = /(?:bearer|basic|token|authorization:?|x-api-key:?|api[_-]?key:?)\s*[:=]?\s*["']?$/;
const TOKEN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.+/') TOKEN_CHAR[c.charCodeAt(0)] = 1;

/** True when a string looks random: letters and at least two digits, and high entropy. */
export function looksRandom(s: string): boolean {
  let digits = 0;
  let letters = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
  }
  return digits >= 2 && letters >= 6 && entropy(s) >= 3.2;
}

function jwtHeaderOk(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && 'alg' in header;
  } catch {
    return false;
  }
}

function classify(ctx: { lower: string }, run: string, start: number): [number, string, 'api_key' | 'jwt'] | undefined {
  if (run.startsWith('eyJ')) {
    const m = JWT.exec(run);
    if (m !== null && jwtHeaderOk(m[0])) return [m[0].length, 'JSON Web Token', 'jwt'];
  }
  if (FIRST_CHARS.has(run[0]!)) {
    for (const f of FORMATS) {
      const m = f.re.exec(run);
      if (m === null) continue;
      if (f.random === true && !looksRandom(m[0])) continue;
      return [m[0].length, f.name, 'api_key'];
    }
  }
  if (run.length >= 36 && run.length <= 44 && /^[A-Za-z0-9/+]+$/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run) && entropy(run) >= 3.8 && contextBefore(ctx.lower, start, 60, AWS_SECRET_WORDS)) {
    return [run.length, 'AWS secret access key', 'api_key'];
  }
  if (run.length >= 20 && looksRandom(run) && contextBefore(ctx.lower, start, 24, BEARER_WORDS)) return [run.length, 'bearer token', 'api_key'];
  return undefined;
}

/** Finds API keys, tokens and JWTs. */
export const detectTokens: EntityDetector = (ctx, out) => {
  const t = ctx.text;
  const n = t.length;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? t.charCodeAt(i) : 0;
    if (c < 128 && TOKEN_CHAR[c] === 1) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    let s = start;
    let e = i;
    start = -1;
    while (s < e && (t[s] === '.' || t[s] === '/' || t[s] === '+' || t[s] === '-')) s++;
    while (e > s && (t[e - 1] === '.' || t[e - 1] === '/' || t[e - 1] === '-')) e--;
    if (e - s < 16) continue;
    const run = t.slice(s, e);
    const hit = classify(ctx, run, s);
    if (hit !== undefined) push(out, s, s + hit[0], hit[1], hit[2]);
  }
};

function push(out: EntityHit[], start: number, end: number, name: string, entity: 'api_key' | 'jwt'): void {
  out.push({ entity, start, end, guardrail: `secret.${entity}`, score: 0.95, reason: name });
}
