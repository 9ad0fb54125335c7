/**
 * The cost bench's workload: a support desk's traffic. Most questions are easy FAQs, some need a
 * lookup, a few need multi-step reasoning over a policy text (longer prompts, hard); about 30 % of
 * requests repeat an earlier question (popular questions repeat more), a third of those reworded.
 *
 * Every task carries its difficulty and expected answer as sim markers, so a reply is correct
 * exactly when the sim's quality model says the model solved it.
 */
import { SimRandom } from '../../src/providers/sim/hash.js';

/** One task of the workload. */
export interface CostTask {
  /** Index of the unique question (repeats share it). */
  question: number;
  task: 'faq' | 'lookup' | 'reasoning';
  difficulty: number;
  expected: string;
  /** The user message (markers included). */
  text: string;
  repeat: 'no' | 'exact' | 'reworded';
}

/** Workload knobs. */
export interface WorkloadOptions {
  tasks: number;
  seed: number;
  /** Share of requests that repeat an earlier question. */
  repeatRate: number;
  /** Share of repeats that are reworded. */
  rewordRate: number;
  /** Task mix (shares sum to 1). */
  mix: { faq: number; lookup: number; reasoning: number };
  /** A repeat comes at least this many requests after its original (so it has finished). */
  minRepeatDistance: number;
}

const PRODUCTS = ['espresso machine', 'desk lamp', 'rain jacket', 'trail shoe', 'phone case', 'road bike', 'yoga mat', 'coffee grinder', 'backpack', 'air purifier', 'kettle', 'monitor arm', 'office chair', 'tent', 'blender', 'headset', 'keyboard', 'smart plug', 'water bottle', 'camera strap'];
const CITIES = ['Lyon', 'Berlin', 'Madrid', 'Oslo', 'Vienna', 'Lisbon', 'Dublin', 'Prague', 'Warsaw', 'Athens', 'Rome', 'Bern'];
const NAMES = ['Alice', 'Bruno', 'Chen', 'Dara', 'Emil', 'Farah', 'Goran', 'Hana', 'Ines', 'Jonas'];
const POLICY =
  'Refund policy: items returned within the window get a full refund of the price paid after discounts; opened items lose a restocking fee; ' +
  'shipping is refunded only for damaged goods; loyalty discounts are applied before tax; partial returns are refunded pro rata per unit; ' +
  'store credit adds a bonus of ten percent; refunds above the threshold need a supervisor and are paid within five working days.';

function faq(r: SimRandom): { text: string; expected: string } {
  const p = r.pick(PRODUCTS);
  switch (r.int(0, 2)) {
    case 0:
      return { text: `What is the return window in days for the ${p}?`, expected: String(r.int(2, 9) * 7) };
    case 1:
      return { text: `How many loyalty points does a ${p} earn per purchase?`, expected: String(r.int(5, 95)) };
    default:
      return { text: `Which city is the service hub for the ${p}?`, expected: r.pick(CITIES) };
  }
}

function lookup(r: SimRandom): { text: string; expected: string } {
  const p = r.pick(PRODUCTS);
  const order = r.int(100000, 999999);
  if (r.next() < 0.5) return { text: `Which warehouse city ships order ${order} of the ${p} to ${r.pick(CITIES)}?`, expected: r.pick(CITIES) };
  return { text: `How many units of the ${p} are still reserved for order ${order} in the ${r.pick(CITIES)} store?`, expected: String(r.int(2, 40)) };
}

function reasoning(r: SimRandom): { text: string; expected: string } {
  const p = r.pick(PRODUCTS);
  const order = r.int(100000, 999999);
  const n = r.int(2, 9);
  const price = r.int(12, 240);
  const disc = r.int(1, 6) * 5;
  const back = r.int(1, n - 1);
  return {
    text: `${POLICY}\nCustomer ${r.pick(NAMES)} bought ${n} units of the ${p} at ${price} EUR each with a ${disc} percent loyalty discount under order ${order}, opened one, and returned ${back} of them by courier. Work through the policy step by step: what refund in EUR is due?`,
    expected: String(Math.round(back * price * (1 - disc / 100))),
  };
}

/** Rewords a question the way people repeat one (a greeting, a filler, a thank-you). */
function reword(text: string, r: SimRandom): string {
  switch (r.int(0, 2)) {
    case 0:
      return `Hi, ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
    case 1:
      return `${text} Thanks!`;
    default:
      return `Quick question: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  }
}

function difficulty(task: CostTask['task'], r: SimRandom): number {
  const u = r.next();
  const d = task === 'faq' ? 0.25 * u : task === 'lookup' ? 0.15 + 0.3 * u : 0.5 + 0.35 * u;
  return Math.round(d * 10000) / 10000;
}

/**
 * Generates the workload (deterministic from the seed).
 *
 * @example
 * ```ts
 * const tasks = generateWorkload({ tasks: 2000, seed: 7, repeatRate: 0.3, rewordRate: 0.33, mix: { faq: 0.7, lookup: 0.22, reasoning: 0.08 }, minRepeatDistance: 100 });
 * ```
 */
export function generateWorkload(o: WorkloadOptions): CostTask[] {
  const r = new SimRandom(o.seed);
  const out: CostTask[] = [];
  const uniques: { task: CostTask; at: number; weight: number }[] = [];
  // Repeats start once a few questions have been answered; the rate after that is raised so the
  // whole workload has `repeatRate` repeats.
  const start = o.minRepeatDistance + 20;
  const rate = o.tasks > start ? Math.min(1, (o.repeatRate * o.tasks) / (o.tasks - start)) : 0;
  for (let i = 0; i < o.tasks; i++) {
    const eligible = i >= start ? uniques.filter((u) => u.at <= i - o.minRepeatDistance) : [];
    if (eligible.length > 0 && r.next() < rate) {
      // Popular questions repeat more: pick by weight (FAQs weigh more).
      let w = r.next() * eligible.reduce((s, u) => s + u.weight, 0);
      let src = eligible[0]!;
      for (const u of eligible) {
        w -= u.weight;
        if (w <= 0) {
          src = u;
          break;
        }
      }
      const reworded = r.next() < o.rewordRate;
      const base = src.task;
      const markerAt = base.text.indexOf(' [sim:');
      const question = base.text.slice(0, markerAt);
      out.push({ ...base, text: reworded ? reword(question, r) + base.text.slice(markerAt) : base.text, repeat: reworded ? 'reworded' : 'exact' });
      continue;
    }
    const x = r.next();
    const task: CostTask['task'] = x < o.mix.faq ? 'faq' : x < o.mix.faq + o.mix.lookup ? 'lookup' : 'reasoning';
    const q = task === 'faq' ? faq(r) : task === 'lookup' ? lookup(r) : reasoning(r);
    const d = difficulty(task, r);
    const t: CostTask = { question: uniques.length, task, difficulty: d, expected: q.expected, text: `${q.text} [sim:difficulty=${d}] [sim:answer=${q.expected}]`, repeat: 'no' };
    const weight = task === 'faq' ? 3 : 1;
    uniques.push({ task: t, at: i, weight });
    out.push(t);
  }
  return out;
}
