/**
 * Decisive actions: verbs that change what a request asks for even when its object matches a
 * skill ("cancel my flight" is not "book a flight"). A request whose decisive action a skill's
 * vocabulary does not mention is not that skill's request, however well the nouns match.
 *
 * Weak verbs (check, show, find, get, list, explain, change, create) are not here: they accompany almost
 * any need; nor are verbs that double as their need's noun (book/booking, order, pay/payment, ship/package).
 */
import { SYNONYM_GROUPS, termOf } from './synonyms.js';

const WORDS =
  'cancel reschedule refund transfer reset delete upgrade install deploy restore backup translate summarize write edit ' +
  'schedule approve compare calculate fix escalate hire fire onboard recommend forecast track restock subscribe ' +
  'unsubscribe renew block unblock dispute scan archive publish invite revoke rotate encrypt decrypt classify detect ' +
  'diagnose negotiate invest withdraw deposit enroll migrate drop increase decrease sell merge sue open';

const WEAK =
  'check show list search find get create add change update modify set make send put use take keep bring give ' +
  'request submit ask need want do run start stop turn switch arrange organise organize';

/** Every action verb the matcher knows, decisive and weak, as written. */
export const ACTION_WORDS: readonly string[] = `${WORDS} ${WEAK}`.trim().split(/\s+/);

/** Canonical terms of decisive actions (after stemming and synonym folding). */
export const DECISIVE_ACTIONS: ReadonlySet<string> = new Set(
  WORDS.trim()
    .split(/\s+/)
    .map((w) => termOf(w)),
);

/** Canonical terms of weak actions: verbs that say little about the need (never object evidence). */
export const WEAK_ACTIONS: ReadonlySet<string> = new Set(
  WEAK.trim()
    .split(/\s+/)
    .map((w) => termOf(w)),
);

/** Inflections of a verb: cancel → cancels, cancelled, cancelling, canceled, canceling… */
function inflections(verb: string): string[] {
  const out = [verb, `${verb}s`, `${verb}es`, `${verb}ed`, `${verb}d`, `${verb}ing`];
  const last = verb[verb.length - 1]!;
  if (verb.endsWith('e')) out.push(`${verb.slice(0, -1)}ing`);
  if (verb.endsWith('y')) out.push(`${verb.slice(0, -1)}ied`, `${verb.slice(0, -1)}ies`);
  if (/[bdglmnprt]/.test(last)) out.push(`${verb}${last}ed`, `${verb}${last}ing`);
  return out;
}

/** Endings of nouns ("deployment", "cancellation", "summary"): a group's nouns are not its verbs. */
const NOUN_ENDING = /(ment|ments|tion|tions|sion|sions|ance|ances|ence|ences|ery|ary|ure|ures|al|als|ist|ists|ness|ship|ity|er|ers|or|ors|ing|s)$/;

const DECISIVE_FORMS: ReadonlySet<string> = (() => {
  const verbs = WORDS.trim().split(/\s+/);
  const heads = new Set(verbs);
  // the verbs of a decisive action's synonym group: "draft" writes, "terminate" cancels
  for (const g of SYNONYM_GROUPS) {
    if (!heads.has(g[0]!)) continue;
    for (const w of g.slice(1)) if (/^[a-z]+$/.test(w) && !NOUN_ENDING.test(w)) verbs.push(w);
  }
  return new Set(verbs.flatMap(inflections));
})();

/**
 * True when a written word is a decisive action used as a verb ("cancel", "cancelled"), not a
 * noun of the same family ("cancellation", "deployment", "installments", "recommendation"): only
 * the verb says what to do; the noun is often just what the request is about.
 */
export function isDecisiveVerb(word: string): boolean {
  return DECISIVE_FORMS.has(word);
}
