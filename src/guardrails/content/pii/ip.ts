/**
 * IP addresses. IPv4: four dotted octets ≤ 255, not part of a longer dotted number (versions,
 * OIDs), not preceded by a version marker, and not the unspecified, loopback or broadcast
 * addresses or a netmask, which identify no one. IPv6: found from colons outwards and checked with
 * `net.isIPv6` (MAC addresses and clock times fail it); `::` and `::1` are skipped.
 */
import { isIPv6 } from 'node:net';
import type { EntityDetector } from '../detectors.js';

const V4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)/g;
const VERSION_BEFORE = /(?:\bv|version|ver\.?|release|build|rev\.?|firmware|python|node|java|chrome|firefox|ios|android|windows|macos|kernel)\s*$/i;
const HEX_COLON = /[0-9A-Fa-f:.]/;

/** Public resolvers and other well-known service addresses identify no one. */
const ROUTERS = new Set(['192.168.0.1', '192.168.1.1', '10.0.0.1', '192.168.0.254', '192.168.1.254', '10.0.0.138']);
const WELL_KNOWN = new Set(['8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1', '9.9.9.9', '149.112.112.112', '208.67.222.222', '208.67.220.220']);

function octetsOk(s: string): boolean {
  if (WELL_KNOWN.has(s)) return false;
  const parts = s.split('.');
  for (const p of parts) if (p.length > 1 && p[0] === '0') return false;
  const n = parts.map(Number);
  if (n.some((x) => x > 255)) return false;
  if (n[0] === 0 || n[0] === 127 || n[0]! >= 240) return false;
  if (n[0] === 255) return false; // netmasks and broadcast
  const isPrivate = n[0] === 10 || (n[0] === 192 && n[1] === 168) || (n[0] === 172 && n[1]! >= 16 && n[1]! <= 31);
  if (isPrivate && (n[3] === 0 || n[3] === 255 || ROUTERS.has(s))) return false; // networks, broadcast, default gateways
  return true;
}

/** Finds IPv4 and IPv6 addresses. */
export const detectIps: EntityDetector = (ctx, out) => {
  const t = ctx.text;
  if (t.includes('.')) {
    V4.lastIndex = 0;
    for (const m of t.matchAll(V4)) {
      if (!octetsOk(m[0])) continue;
      const before = t.slice(Math.max(0, m.index - 12), m.index);
      if (VERSION_BEFORE.test(before)) continue;
      out.push({ entity: 'ip', start: m.index, end: m.index + m[0].length, guardrail: 'pii.ip', score: 0.85, reason: 'IPv4 address' });
    }
  }
  let c = t.indexOf(':');
  let last = -1;
  while (c >= 0) {
    if (c > last) {
      let s = c;
      while (s > 0 && HEX_COLON.test(t[s - 1]!)) s--;
      let e = c + 1;
      while (e < t.length && HEX_COLON.test(t[e]!)) e++;
      last = e;
      let cand = t.slice(s, e);
      while (cand.endsWith('.')) cand = cand.slice(0, -1);
      if (cand.length >= 6 && cand !== '::1' && isIPv6(cand)) {
        out.push({ entity: 'ip', start: s, end: s + cand.length, guardrail: 'pii.ip', score: 0.85, reason: 'IPv6 address' });
      }
    }
    c = t.indexOf(':', c + 1);
  }
};
