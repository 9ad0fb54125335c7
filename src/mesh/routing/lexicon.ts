/**
 * Need words the matcher recognises even when no skill uses them: the synonym groups, the
 * decisive actions, and common nouns of services people ask machines for. A request that names
 * one of these and no skill offers it asks for something else ("book a train" when only flights
 * are offered); a word outside this lexicon and outside every skill is more likely an argument
 * (a product, a place, a person) and weighs little.
 */
import { ACTION_WORDS, DECISIVE_ACTIONS } from './actions.js';
import { isGroupTerm, SYNONYM_GROUPS, termOf } from './synonyms.js';

const NOUNS =
  'train trains rail bus buses taxi cab ride uber metro subway ferry cruise parking ticket tickets visa passport ' +
  'movie movies film films cinema show shows series music song songs playlist album podcast radio tv television game games ' +
  'sport sports match score scores team league football soccer basketball tennis golf ' +
  'poem poetry story stories novel book lyrics essay speech slogan ' +
  'alarm timer light lights thermostat heating door lock camera ' +
  'dentist vet veterinarian pharmacy hospital clinic therapist nurse gym fitness workout diet calories nutrition ' +
  'horoscope astrology dating relationship gift gifts party wedding birthday ' +
  'market shares crypto bitcoin investment investments portfolio pension retirement savings ' +
  'house apartment rent tenant landlord mortgage property furniture garden plumbing plumber electrician ' +
  'school homework exam course lesson tutor university degree ' +
  'pet dog cat ' +
  'election politics government president ' +
  'math equation trivia fact facts definition history capital population ' +
  'phone mobile sms text call router modem printer scanner monitor keyboard mouse headset ' +
  'grocery groceries pizza food coffee drink ' +
  'religion prayer';

/** True when a term (as the analyser produces it) is a recognised need word. */
export const isNeedWord: (term: string) => boolean = (() => {
  const nouns = new Set(NOUNS.split(/\s+/).filter(Boolean).map((w) => termOf(w)));
  return (term: string) => nouns.has(term) || DECISIVE_ACTIONS.has(term) || isGroupTerm(term);
})();

/** Every single word the lexicon knows (synonym groups, actions, need nouns): spellings to correct towards. */
export function lexiconSpellings(): string[] {
  const out = NOUNS.split(/\s+/).filter(Boolean);
  for (const g of SYNONYM_GROUPS) for (const w of g) if (/^[a-z]+$/.test(w)) out.push(w);
  out.push(...ACTION_WORDS);
  return out;
}
