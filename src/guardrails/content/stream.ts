/**
 * A streaming scanner for model output: text is released as it arrives, minus a held-back tail,
 * so an entity split across chunks ("ana@exa" + "mple.com") is still seen whole and redacted,
 * and an attack or toxic passage stops the stream mid-way.
 *
 * Each `push` rescans a bounded window (the unreleased text plus some released context), so the
 * cost per chunk does not grow with the length of the stream.
 */
import type { GuardrailPolicy } from './policy.js';
import { applyRedactions, nonOverlapping, RedactionState } from './redaction.js';
import { scanText } from './scan.js';
import type { Finding, Verdict } from './types.js';

/** Tunables of a stream scanner. */
export interface StreamScannerOptions {
  /** Characters always held back at the end (entities with spaces fit in it). Default 64. */
  holdBack?: number;
  /** Already released characters rescanned for context (attack phrases, phone words). Default 256. */
  context?: number;
  /** Longest run without whitespace held back whole (tokens, keys); longer runs are released. Default 4096. */
  maxHold?: number;
}

/** What one `push` or `flush` releases. */
export interface StreamStep {
  /** Text safe to send on (redacted). Empty when everything is held back or the stream is blocked. */
  emit: string;
  /** Present when this step found something: a block, or redactions in `emit`. */
  verdict?: Verdict;
}

/** A stateful scanner for one streamed output. */
export interface StreamScanner {
  push(delta: string): StreamStep;
  /** Releases the held-back tail; the returned verdict covers the whole stream. */
  flush(): StreamStep & { verdict: Verdict };
  /** True once a blocking finding was seen; later pushes release nothing. */
  readonly blocked: boolean;
}

const WHITESPACE = /\s/;

/**
 * Creates a stream scanner for a policy.
 *
 * @example
 * ```ts
 * const s = createStreamScanner(DEFAULT_POLICY);
 * s.push('write to ana@exa').emit;   // 'write to '
 * s.push('mple.com today').emit;     // ''  (held back: fewer than 64 characters so far)
 * s.flush().emit;                    // 'ana@example.com today' → '[EMAIL_1] today'
 * ```
 */
export function createStreamScanner(policy: GuardrailPolicy, opts: StreamScannerOptions = {}): StreamScanner {
  const holdBack = opts.holdBack ?? 64;
  const context = opts.context ?? 256;
  const maxHold = opts.maxHold ?? 4096;
  const state = new RedactionState();
  const seen = new Map<string, Finding>();
  let text = '';
  let released = 0;
  let output = '';
  let blockVerdict: Verdict | undefined;

  const scanWindow = (): Finding[] => {
    const from = Math.max(0, released - context);
    const v = scanText(text.slice(from), 'output', policy);
    const found = v.findings.map((f) => ({ ...f, start: f.start + from, end: f.end + from }));
    for (const f of found) seen.set(`${f.guardrail}:${f.start}:${f.end}`, f);
    if (v.action === 'block') blockVerdict = { action: 'block', findings: [...seen.values()], blockedBy: v.blockedBy! };
    return found;
  };

  const release = (upTo: number, findings: readonly Finding[]): StreamStep => {
    if (upTo <= released) return { emit: '' };
    const redactable = nonOverlapping(findings.filter((f) => f.entity !== undefined && policy.actions[f.category] === 'redact' && f.start >= released && f.end <= upTo));
    const emit = applyRedactions(text.slice(released, upTo), redactable, state, released);
    released = upTo;
    output += emit;
    return redactable.length > 0 ? { emit, verdict: { action: 'redact', findings: redactable, redacted: emit, ...(policy.reversibleRedaction ? { mapping: { ...state.mapping } } : {}) } } : { emit };
  };

  return {
    get blocked() {
      return blockVerdict !== undefined;
    },
    push(delta: string): StreamStep {
      if (blockVerdict !== undefined) return { emit: '' };
      text += delta;
      const findings = scanWindow();
      if (blockVerdict !== undefined) return { emit: '', verdict: blockVerdict };
      let safe = text.length - holdBack;
      // never cut a token that may still grow into a key, a URL or an address
      let t = safe;
      while (t > released && t > safe - maxHold && !WHITESPACE.test(text[t - 1]!)) t--;
      if (t > safe - maxHold) safe = t;
      const pem = text.indexOf('-----BEGIN ', released);
      if (pem >= 0 && text.indexOf('-----END ', pem) < 0) safe = Math.min(safe, pem);
      for (const f of findings) if (f.entity !== undefined && f.start < safe && f.end > safe) safe = f.start;
      return release(safe, findings);
    },
    flush() {
      if (blockVerdict !== undefined) return { emit: '', verdict: blockVerdict };
      const findings = released < text.length ? scanWindow() : [];
      if (blockVerdict !== undefined) return { emit: '', verdict: blockVerdict as Verdict };
      const step = release(text.length, findings);
      const all = [...seen.values()];
      const redacted = Object.keys(state.mapping).length > 0;
      const verdict: Verdict = { action: redacted ? 'redact' : 'allow', findings: all };
      if (redacted) verdict.redacted = output;
      if (redacted && policy.reversibleRedaction) verdict.mapping = { ...state.mapping };
      return { emit: step.emit, verdict };
    },
  };
}
