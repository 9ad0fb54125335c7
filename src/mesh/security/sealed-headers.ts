/**
 * Credentials of an external agent registered through the API (`POST /api/mesh/agents`
 * `{headers}`), sealed for the shared registry: every node must send them on its hops to the
 * agent, so they travel with the instance (Store row or NATS KV entry), encrypted with AES-256-GCM
 * under a key derived from the mesh secret (`DACA_MESH_SECRET`, else the admin key) and bound to the
 * instance's endpoint — a registry entry whose endpoint was changed no longer opens. The header
 * names stay readable (listings show them with redacted values).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** Headers sealed for the registry. */
export interface SealedHeaders {
  /** Header names (lower case), readable. */
  names: string[];
  /** base64url of IV (12 bytes) | GCM tag (16 bytes) | ciphertext of the JSON object. */
  sealed: string;
}

/**
 * Seals and opens hop headers with the mesh secret.
 * @example
 * ```ts
 * const seal = new HeaderSeal(secret);
 * const s = seal.seal({ authorization: 'Bearer abc' }, 'http://10.0.0.7:9100/a2a/stock/');
 * seal.open(s, 'http://10.0.0.7:9100/a2a/stock/'); // { authorization: 'Bearer abc' }
 * ```
 */
export class HeaderSeal {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'daca-mesh-headers').update(secret).digest();
  }

  /** Encrypts `headers` for the instance at `endpoint`. */
  seal(headers: Record<string, string>, endpoint: string): SealedHeaders {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(endpoint));
    const body = Buffer.concat([c.update(JSON.stringify(headers), 'utf8'), c.final()]);
    return { names: Object.keys(headers), sealed: Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url') };
  }

  /** The headers; null when they were sealed under another secret or for another endpoint. */
  open(s: SealedHeaders, endpoint: string): Record<string, string> | null {
    try {
      const raw = Buffer.from(s.sealed, 'base64url');
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12), { authTagLength: 16 }).setAAD(Buffer.from(endpoint)).setAuthTag(raw.subarray(12, 28));
      const v = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : null;
    } catch {
      return null;
    }
  }
}
