/**
 * The JSON value type audit payloads are made of (what RFC 8785 canonicalises).
 */

/** A JSON value: what can be canonicalised, hashed and stored in an audit record. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/** A JSON object. `undefined` members are skipped, as `JSON.stringify` does. */
export type JsonObject = { [key: string]: JsonValue | undefined };
