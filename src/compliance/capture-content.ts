/**
 * `audit.capture_content`: the gateway hands the ledger a request's `messages` (chat) or `input`
 * (responses, embeddings) in `digests`, to be stored as hashes. With capture on, the same values are
 * also kept as the record's `personal` data, encrypted under the key of the call's data subject
 * (`x-daca-subject`, else a key of the record's own), so `daca subjects erase` can destroy them.
 * Replies are not captured.
 */
import type { AuditEntry } from './audit-types.js';
import type { JsonObject, JsonValue } from './json-value.js';

/** The entry with its request content as personal data (the entry itself when there is none to keep). */
export function captureContent(e: AuditEntry): AuditEntry {
  const d = e.digests;
  if (e.kind !== 'gateway_request' || e.personal !== undefined || d === undefined) return e;
  const personal: JsonObject = {};
  if (d.messages_sha256 !== undefined) personal.messages = d.messages_sha256 as JsonValue;
  if (d.input_sha256 !== undefined) personal.input = d.input_sha256 as JsonValue;
  return Object.keys(personal).length ? { ...e, personal } : e;
}
