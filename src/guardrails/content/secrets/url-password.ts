/**
 * Passwords in URLs (`scheme://user:password@host`). Only the password is reported; obvious
 * placeholders (`password`, `${DB_PASS}`, `<password>`, `****`) are not.
 */
import type { EntityDetector } from '../detectors.js';

const USERINFO = /^([^\s:@/?#"'<>]{0,128}):([^\s/"'<>]{1,256})@[A-Za-z0-9[\]._-]/;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
/** Values that stand for a password rather than being one. */
export const PLACEHOLDER =
  /^(?:password|passwd|pass|pwd|pw|secret|token|xxx+|\*+|\.{3,}|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|%s|%\([^)]*\)s|\[[^\]]*\]|your[_-]?(?:password|pass|secret|token)|my[_-]?(?:password|secret)|(?:db|database|redis|admin)[_-]?(?:password|pass)|redacted|hidden|changeme|change[_-]me)$/i;

/** Finds passwords embedded in URLs. */
export const detectUrlPasswords: EntityDetector = (ctx, out) => {
  const t = ctx.text;
  let i = t.indexOf('://');
  while (i >= 0) {
    let s = i;
    while (s > 0 && SCHEME_CHAR.test(t[s - 1]!)) s--;
    if (s < i) {
      const m = USERINFO.exec(t.slice(i + 3, i + 3 + 400));
      if (m !== null && !PLACEHOLDER.test(m[2]!)) {
        const start = i + 3 + m[1]!.length + 1;
        out.push({ entity: 'url_password', start, end: start + m[2]!.length, guardrail: 'secret.url_password', score: 0.95, reason: 'password in a URL' });
      }
    }
    i = t.indexOf('://', i + 3);
  }
};
