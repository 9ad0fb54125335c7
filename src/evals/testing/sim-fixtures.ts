/**
 * Fixtures for eval tests: a daca spec with sim models of known capability, and suites of cases
 * with known difficulties (`[sim:difficulty=x]`) and answers (`[sim:answer=…]`).
 */

/** The agent key declared in {@link SIM_SPEC}. */
export const SIM_KEY = 'dk-evals-test-0123456789abcdef';

/**
 * A daca spec: `strong` (0.9) and `weak` (0.6) sim models, aliases, a key, and `twin`: as capable
 * as `strong` but on a sim provider with another seed, so its successes are drawn independently
 * (an equal model that still disagrees with `strong` on some trials, as two real models would).
 */
export const SIM_SPEC = `
providers:
  sim: { kind: sim, seed: 7 }
  sim-twin: { kind: sim, seed: 8 }
models:
  strong: { provider: sim, capability: 0.9, price: { input: 1, output: 4 } }
  twin: { provider: sim-twin, capability: 0.9, price: { input: 1, output: 4 } }
  weak: { provider: sim, capability: 0.6, price: { input: 0.2, output: 0.8 } }
  user-sim: { provider: sim, price: { input: 1, output: 1 } }
aliases: { stable: strong, canary: weak }
tenants: { acme: {} }
teams: { evals: { tenant: acme } }
keys:
  ci: { value: "${SIM_KEY}", tenant: acme, team: evals }
`;

const CITIES = ['Paris', 'Rome', 'Madrid', 'Berlin', 'Vienna', 'Lisbon', 'Athens', 'Warsaw', 'Prague', 'Dublin'];
const COUNTRIES = ['France', 'Italy', 'Spain', 'Germany', 'Austria', 'Portugal', 'Greece', 'Poland', 'Czechia', 'Ireland'];

/**
 * Suite YAML with `n` capital-city cases: even cases easy (difficulty 0.2), odd ones hard (0.8).
 */
export function capitalsSuiteYaml(opts: { n: number; personas?: string[]; trials?: number; turns?: number; extra?: string }): string {
  const lines = [
    'name: capitals',
    'agent:',
    '  kind: prompt',
    '  model: stable',
    '  system: "Answer the question in one sentence."',
    `personas: [${(opts.personas ?? ['neutral']).join(', ')}]`,
    `trials: ${opts.trials ?? 1}`,
    `turns: ${opts.turns ?? 1}`,
    'simulator: { model: user-sim }',
    ...(opts.extra ? [opts.extra] : []),
    'cases:',
  ];
  for (let i = 0; i < opts.n; i++) {
    const city = CITIES[i % CITIES.length]!;
    const country = COUNTRIES[i % COUNTRIES.length]!;
    const d = i % 2 === 0 ? 0.2 : 0.8;
    lines.push(
      `  - id: q${i}`,
      `    input: "What is the capital of ${country}? [sim:difficulty=${d}] [sim:answer=${city}]"`,
      `    context: ["The capital of ${country} is ${city}."]`,
      `    expected: ${city}`,
      `    tags: [${d > 0.5 ? 'hard' : 'easy'}]`,
    );
  }
  return lines.join('\n') + '\n';
}
