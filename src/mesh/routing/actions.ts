/**
 * Decisive actions: verbs that change what a request asks for even when its object matches a
 * skill ("cancel my flight" is not "book a flight"). A request whose decisive action a skill's
 * vocabulary does not mention is not that skill's request, however well the nouns match.
 *
 * Weak verbs (check, show, find, get, list, explain, change, create) are not here: they accompany almost
 * any need; nor are verbs that double as their need's noun (book/booking, order, pay/payment, ship/package).
 */
import { termOf } from './synonyms.js';

const WORDS =
  'cancel reschedule refund transfer reset delete upgrade install deploy restore backup translate summarize write edit ' +
  'schedule approve compare calculate fix escalate hire fire onboard recommend forecast track restock subscribe ' +
  'unsubscribe renew block unblock dispute scan archive publish invite revoke rotate encrypt decrypt classify detect ' +
  'diagnose negotiate invest withdraw deposit enroll migrate drop increase decrease sell merge sue open';

const WEAK =
  'check show list search find get create add change update modify set make send put use take keep bring give ' +
  'request submit ask need want do run start stop turn switch arrange organise organize';

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
