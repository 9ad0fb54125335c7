/**
 * Generated suites of the eval bench.
 */

/** The daca spec of bench (a): sim models, a judge and a simulated-user model, an agent key. */
export const BENCH_KEY = 'dk-bench-evals-0123456789abcdef';

/** The spec of the in-process daca of bench (a). */
export const BENCH_SPEC = `
server: { usage_flush_ms: 500 }
providers:
  sim: { kind: sim, seed: 11 }
models:
  agent-model: { provider: sim, capability: 0.8, price: { input: 0.5, output: 1.5 } }
  user-sim: { provider: sim, price: { input: 0.1, output: 0.1 } }
  judge: { provider: sim, price: { input: 0.1, output: 0.1 } }
aliases: { stable: agent-model }
tenants: { bench: {} }
teams: { evals: { tenant: bench } }
keys:
  bench: { value: "${BENCH_KEY}", tenant: bench, team: evals }
`;

const CITIES = ['Paris', 'Rome', 'Madrid', 'Berlin', 'Vienna', 'Lisbon', 'Athens', 'Warsaw', 'Prague', 'Dublin', 'Oslo', 'Bern'];
const COUNTRIES = ['France', 'Italy', 'Spain', 'Germany', 'Austria', 'Portugal', 'Greece', 'Poland', 'Czechia', 'Ireland', 'Norway', 'Switzerland'];

/**
 * Bench (a): `cases` cases × 5 personas × `trials`; every 4th case multi-turn (up to 3 turns), every
 * 10th graded by a judge as well; each case has context, an expected answer, contains + regex graders.
 */
export function multiPersonaSuite(cases: number, trials: number): string {
  const out = [
    'name: bench-support',
    'agent:',
    '  kind: prompt',
    '  model: stable',
    '  system: "You are a concise assistant. Answer from the context."',
    'personas: [novice, expert, impatient, adversarial, non_native]',
    `trials: ${trials}`,
    'simulator: { model: user-sim }',
    'judge: { model: judge }',
    'graders:',
    '  - { type: contains, value: "{{expected}}" }',
    '  - { type: regex, pattern: "\\\\b{{expected}}\\\\b" }',
    'cases:',
  ];
  for (let i = 0; i < cases; i++) {
    const j = i % CITIES.length;
    const d = [0.2, 0.5, 0.75, 0.9][i % 4];
    out.push(
      `  - id: c${i}`,
      `    input: "Which city is the capital of ${COUNTRIES[j]}? Order ${1000 + i}. [sim:difficulty=${d}] [sim:answer=${CITIES[j]}]"`,
      `    context: ["${COUNTRIES[j]}'s capital is ${CITIES[j]}.", "Order ${1000 + i} ships from ${CITIES[j]}."]`,
      `    expected: ${CITIES[j]}`,
    );
    if (i % 4 === 3) out.push('    turns: 3');
    if (i % 10 === 0)
      out.push(
        '    graders:',
        '      - { type: contains, value: "{{expected}}" }',
        '      - { type: judge, rubric: "The answer names the right capital and is polite." }',
      );
  }
  return out.join('\n') + '\n';
}

/** Bench (b): `n` single-turn cases for the echo server, each with a contains and a regex grader. */
export function singleTurnSuite(n: number): string {
  const out = [
    'name: bench-single',
    'agent: { kind: prompt, model: echo, system: "Repeat the word." }',
    'graders:',
    '  - { type: contains, value: "{{expected}}" }',
    '  - { type: regex, pattern: "^Echo: .*\\\\d+" }',
    'cases:',
  ];
  for (let i = 0; i < n; i++) out.push(`  - { id: t${i}, input: "Say the word token-${i}", expected: "token-${i}" }`);
  return out.join('\n') + '\n';
}
