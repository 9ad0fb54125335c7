/**
 * E-mail addresses. Found from each `@` outwards (no scan of the whole text by a regex), then
 * checked: a dotted domain with an alphabetic TLD that is not a file extension (`icon@2x.png`),
 * and not an SSH remote (`git@github.com:org/repo`).
 */
import type { EntityDetector } from '../detectors.js';

const LOCAL = /[A-Za-z0-9._%+\-']/;
const DOMAIN = /[A-Za-z0-9.\-]/;
const SHAPE = /^[A-Za-z0-9_%+\-']+(?:\.[A-Za-z0-9_%+\-']+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})$/;
/** Local parts that stand for "an address goes here" in docs and forms. */
const PLACEHOLDER_LOCAL = new Set(['name', 'yourname', 'your.name', 'your_name', 'firstname.lastname', 'firstname', 'lastname', 'email', 'youremail', 'your.email', 'your_email', 'username', 'xxx', 'someone', 'somebody']);
/** Role and service mailboxes name a function, not a person. */
const ROLE_LOCAL = /^(?:finance|support|info|sales|admin|contact|hello|team|noreply|no-reply|donotreply|billing|hr|jobs|careers|press|security|privacy|legal|marketing|office|help|service|accounts|accounting|webmaster|postmaster|abuse|orders|feedback|enquiries|inquiries)$/i;
const FILE_EXT = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'css', 'scss', 'json', 'txt', 'md', 'py', 'rb', 'go', 'rs', 'java', 'yaml', 'yml', 'toml', 'lock', 'map', 'html', 'vue', 'svelte']);

/** Finds e-mail addresses. */
export const detectEmails: EntityDetector = (ctx, out) => {
  const t = ctx.text;
  let at = t.indexOf('@');
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < 64 && LOCAL.test(t[s - 1]!)) s--;
    let e = at + 1;
    while (e < t.length && e - at < 255 && DOMAIN.test(t[e]!)) e++;
    while (e > at + 1 && (t[e - 1] === '.' || t[e - 1] === '-')) e--;
    while (s < at && (t[s] === '.' || t[s] === "'")) s++;
    const cand = t.slice(s, e);
    const m = s < at ? SHAPE.exec(cand) : null;
    const before = t.slice(Math.max(0, s - 12), s);
    const sshRemote = (t[e] === ':' && t.slice(s, at) === 'git') || /\b(?:ssh|scp|sftp|rsync|mosh)\b[^\n]*$/.test(before);
    if (m !== null && !FILE_EXT.has(m[1]!.toLowerCase()) && !sshRemote && !PLACEHOLDER_LOCAL.has(t.slice(s, at).toLowerCase()) && !ROLE_LOCAL.test(t.slice(s, at))) {
      out.push({ entity: 'email', start: s, end: e, guardrail: 'pii.email', score: 0.95, reason: 'e-mail address' });
    }
    at = t.indexOf('@', at + 1);
  }
};
