/**
 * Webhook signatures: `x-daca-signature: sha256=<hex HMAC-SHA256 of the raw body>` with the
 * webhook's secret from the spec. Receivers recompute it over the exact bytes they received.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature header's name. */
export const SIGNATURE_HEADER = 'x-daca-signature';

/**
 * The header value for a body.
 *
 * @example
 * ```ts
 * signBody('{"a":1}', 'topsecret'); // 'sha256=…'
 * ```
 */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Checks a received signature in constant time.
 *
 * @example
 * ```ts
 * if (!verifySignature(rawBody, req.headers['x-daca-signature'], secret)) reject();
 * ```
 */
export function verifySignature(body: string, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(body, secret));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}
