/**
 * Plausible short English replies built from a small vocabulary and templates that echo the
 * user's own words. Purely a function of its inputs and the random stream it is given.
 */
import { countTextTokens } from '../../metering/tokenizer.js';
import type { SimRandom } from './hash.js';
import { capitalize, numbersIn, salientWords, wordsOf } from './words.js';

const NOUNS = ['plan', 'team', 'report', 'budget', 'timeline', 'customer', 'release', 'process', 'design', 'result', 'update', 'risk', 'goal', 'draft', 'service', 'metric'];
const ADJECTIVES = ['clear', 'simple', 'steady', 'careful', 'practical', 'solid', 'useful', 'concise', 'reliable', 'balanced', 'modest', 'strong'];
const VERBS = ['supports', 'improves', 'shapes', 'affects', 'clarifies', 'strengthens', 'simplifies', 'informs'];
const BASE_VERBS = ['review', 'confirm', 'share', 'update', 'test', 'document', 'prioritise', 'schedule'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'the end of the week', 'next sprint'];
const PLACES = ['Lyon', 'Berlin', 'Madrid', 'Oslo', 'Vienna', 'Lisbon', 'Dublin', 'Prague', 'Monday', 'Friday', 'Alice', 'Bob'];
const BODY = [
  'The {noun} {verb} the {adj} {noun2} for {t}.',
  'In short, {t} {verb} a {adj} {noun}.',
  'We should {base} the {noun} and keep the {noun2} {adj}.',
  '{T} depends on a {adj} {noun} and a clear {noun2}.',
  'Next, the team will {base} the {noun} by {day}.',
  'Overall, the {noun} looks {adj} and the {noun2} is on track.',
  'A {adj} {noun} for {t} makes the {noun2} easier to {base}.',
  'I would {base} {t} first, then the {noun}.',
];
const QUESTION_OPENERS = ['Good question about {topic}.', 'Here is what I know about {topic}.', 'Let me explain {topic}.'];
const STATEMENT_OPENERS = ['Thanks for the note about {topic}.', 'Understood: {topic}.', 'Noted regarding {topic}.'];
const TASK_KINDS: Record<string, string> = {
  summarize: 'summary', summarise: 'summary', write: 'draft', draft: 'draft', list: 'list', plan: 'plan',
  explain: 'explanation', describe: 'description', translate: 'translation', compare: 'comparison', review: 'review',
};
const QUESTION_WORDS = new Set(['what', 'how', 'why', 'when', 'where', 'who', 'which', 'can', 'could', 'should', 'is', 'are', 'do', 'does', 'will', 'would']);

/** What the reply must say about an expected answer (from `[sim:answer=…]`). */
export interface AnswerClaim {
  expected: string;
  /** True when the quality model says the task succeeds. */
  correct: boolean;
}

/** Inputs of {@link composeReply}. */
export interface ReplyInput {
  /** The last user message, markers stripped. */
  userText: string;
  /** Reply length to reach, in tokens (the reply ends at the first sentence boundary past it). */
  targetTokens: number;
  answer?: AnswerClaim;
  /** When the conversation ends with a tool result, its tool name and content. */
  toolResult?: { name: string; content: string };
  model?: string;
}

/** A plausible wrong answer: a nearby number for numeric answers, another word otherwise. */
export function wrongAnswer(expected: string, rng: SimRandom): string {
  const n = Number(expected);
  const lower = expected.toLowerCase();
  if (expected.trim() !== '' && Number.isFinite(n)) {
    const decimals = (expected.split('.')[1] ?? '').length;
    for (let i = 0; i < 8; i++) {
      const wrong = (n + rng.int(1, 9) * (rng.next() < 0.5 ? -1 : 1)).toFixed(decimals);
      if (!wrong.includes(lower)) return wrong;
    }
  }
  if (/^[A-Za-z]$/.test(expected)) {
    const letters = 'ABCDE'.replace(expected.toUpperCase(), '');
    const letter = letters.charAt(rng.int(0, letters.length - 1));
    return expected === expected.toLowerCase() ? letter.toLowerCase() : letter;
  }
  const capital = /^\p{Lu}/u.test(expected);
  const pool = capital ? PLACES : [...NOUNS, ...ADJECTIVES];
  const options = pool.filter((w) => !w.toLowerCase().includes(lower) && !lower.includes(w.toLowerCase()));
  const word = rng.pick(options.length > 0 ? options : ['unknown']);
  return capital ? capitalize(word) : word;
}

function topicPhrase(words: readonly string[]): string {
  if (words.length === 0) return 'this';
  if (words.length === 1) return words[0] as string;
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function fill(template: string, rng: SimRandom, topic: string, topics: readonly string[]): string {
  const t = topics.length > 0 ? rng.pick(topics) : topic;
  const noun = rng.pick(NOUNS);
  let noun2 = rng.pick(NOUNS);
  if (noun2 === noun) noun2 = NOUNS[(NOUNS.indexOf(noun) + 1) % NOUNS.length] as string;
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'noun': return noun;
      case 'noun2': return noun2;
      case 'adj': return rng.pick(ADJECTIVES);
      case 'verb': return rng.pick(VERBS);
      case 'base': return rng.pick(BASE_VERBS);
      case 'day': return rng.pick(DAYS);
      case 't': return t;
      case 'T': return capitalize(t);
      default: return topic;
    }
  });
}

function opener(userText: string, topic: string, rng: SimRandom): string {
  const words = wordsOf(userText).map((w) => w.toLowerCase());
  const first = words[0] ?? '';
  if (/\b(hello|hi|hey|greetings|good (morning|afternoon|evening))\b/i.test(userText)) {
    return words.includes('team') ? 'Hello team!' : words.includes('everyone') ? 'Hello everyone!' : 'Hello!';
  }
  const kind = TASK_KINDS[first];
  if (kind) return `Here is a short ${kind} of ${topic}.`;
  if (userText.trimEnd().endsWith('?') || QUESTION_WORDS.has(first)) return rng.pick(QUESTION_OPENERS).replace('{topic}', topic);
  return rng.pick(STATEMENT_OPENERS).replace('{topic}', topic);
}

/**
 * A short English reply that references the user's words, at least `targetTokens` long (ending at
 * a sentence boundary), stating the expected answer — or a wrong one — when asked to.
 */
export function composeReply(input: ReplyInput, rng: SimRandom): string {
  const { userText, answer } = input;
  const wrong = answer && !answer.correct ? wrongAnswer(answer.expected, rng) : '';
  let topics = salientWords(userText).filter((w) => !(w.toLowerCase() in TASK_KINDS)).slice(0, 6);
  if (answer && !answer.correct) {
    const a = answer.expected.toLowerCase();
    topics = topics.filter((w) => !w.toLowerCase().includes(a));
  }
  const topic = topicPhrase(topics.slice(0, 3));
  const sentences: string[] = [];
  if (input.toolResult) {
    const snippet = input.toolResult.content.replace(/\s+/g, ' ').trim().slice(0, 160);
    sentences.push(`Based on the ${input.toolResult.name} result: ${snippet || 'no data'}.`);
  } else {
    sentences.push(opener(userText, topic, rng));
  }
  if (answer) {
    sentences.push(`The answer is ${answer.correct ? answer.expected : wrong}.`);
  } else if (numbersIn(userText).length >= 2 && /\b(sum|add|total|plus)\b/i.test(userText)) {
    sentences.push(`The total is ${numbersIn(userText).reduce((a, b) => a + b, 0)}.`);
  }
  let text = sentences.join(' ');
  let tokens = countTextTokens(text, input.model);
  while (tokens < input.targetTokens) {
    const s = ' ' + fill(rng.pick(BODY), rng, topic, topics);
    text += s;
    tokens += countTextTokens(s, input.model);
  }
  if (answer && !answer.correct) {
    const esc = answer.expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (esc) text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${esc}(?![\\p{L}\\p{N}])`, 'giu'), wrong);
  }
  return text;
}
