/**
 * `npm run bench:routing-train [-- FILE…] [--write] [--lambda X]`: fits the offline matcher's confidence
 * model (src/mesh/routing/calibration.ts) on the labelled sets in test/fixtures/routing/.
 *
 * The model is a conditional logit over each request's candidate skills plus "none" (a request
 * that must not be routed is labelled "none"), with an L2 penalty; after fitting, the bias is
 * shifted so that the mesh's default threshold is the cut that makes the fewest errors
 * ((1 − accuracy) + near-misses routed, summed over the sets). It prints first the
 * leave-one-set-out figures — fitted on the other sets, scored on the held-out one at the default
 * threshold — which are what a labelled set nobody tuned on should expect, then the weights
 * fitted on all sets; `--write` stores them in calibration.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRoutingSet } from '../src/mesh/routing/routing-set.js';
import { SkillIndex } from '../src/mesh/routing/skill-index.js';
import { confidences, FEATURE_NAMES, logit } from '../src/mesh/routing/calibration.js';
import { DEFAULT_MESH_SPEC } from '../src/mesh/mesh-spec.js';
import { benchArgs } from './support/args.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { args, opt } = benchArgs();
const lambda = Number(opt('lambda') ?? 0.001);
const threshold = DEFAULT_MESH_SPEC.routing.threshold;
const r3 = (n: number): number => Math.round(n * 1000) / 1000;

/** One request: its candidates' features and the index of the right one (-1: none). */
interface Row {
  x: number[][];
  y: number;
  routable: boolean;
}

const dir = join(root, 'test/fixtures/routing');
const named = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1] === '--lambda'));
const files = named.length ? named.map((f) => resolve(process.cwd(), f)) : readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f));
const sets = files.map((f) => {
  const set = loadRoutingSet(f);
  const index = new SkillIndex(set.skills, { threshold: 0 });
  const rows: Row[] = set.requests.map((r) => {
    const c = index.explain(r.text, { tags: r.tags });
    return { x: c.map((j) => j.features), y: r.expect === null ? -1 : c.findIndex((j) => `${j.agent}/${j.skill}` === r.expect), routable: r.expect !== null };
  });
  return { name: basename(f), rows };
});

function fit(rows: readonly Row[]): number[] {
  const d = FEATURE_NAMES.length;
  const w = new Array<number>(d).fill(0);
  const m = new Array<number>(d).fill(0);
  const v = new Array<number>(d).fill(0);
  const lr = 0.05;
  for (let step = 1; step <= 3000; step++) {
    const g = new Array<number>(d).fill(0);
    for (const r of rows) {
      if (!r.x.length) continue;
      const p = confidences(r.x.map((f) => logit(f, w)));
      r.x.forEach((f, i) => {
        const coef = p[i]! - (i === r.y ? 1 : 0);
        for (let k = 0; k < d; k++) g[k]! += (coef * f[k]!) / rows.length;
      });
    }
    for (let k = 1; k < d; k++) g[k]! += lambda * w[k]!;
    for (let k = 0; k < d; k++) {
      m[k] = 0.9 * m[k]! + 0.1 * g[k]!;
      v[k] = 0.999 * v[k]! + 0.001 * g[k]! ** 2;
      w[k]! -= (lr * (m[k]! / (1 - 0.9 ** step))) / (Math.sqrt(v[k]! / (1 - 0.999 ** step)) + 1e-8);
    }
  }
  return w;
}

function figures(rows: readonly Row[], w: readonly number[], t = threshold): { accuracy: number; near: number; errors: number } {
  let routable = 0;
  let right = 0;
  let near = 0;
  let routed = 0;
  for (const r of rows) {
    let got = -1;
    if (r.x.length) {
      const p = confidences(r.x.map((f) => logit(f, w)));
      let best = 0;
      for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
      if (p[best]! >= t) got = best;
    }
    if (r.routable) {
      routable++;
      if (got >= 0 && got === r.y) right++;
    } else {
      near++;
      if (got >= 0) routed++;
    }
  }
  const accuracy = routable ? right / routable : 1;
  const nearRate = near ? routed / near : 0;
  return { accuracy, near: nearRate, errors: 1 - accuracy + nearRate };
}

/** Fits on `groups` and shifts the bias so that the default threshold makes the fewest errors. */
function train(groups: readonly (readonly Row[])[]): number[] {
  const w = fit(groups.flat());
  let bestShift = 0;
  let bestErr = Infinity;
  for (let c = -3; c <= 3.0001; c += 0.05) {
    const shifted = [w[0]! + c, ...w.slice(1)];
    const err = groups.reduce((s, g) => s + figures(g, shifted).errors, 0);
    if (err < bestErr - 1e-9 || (Math.abs(err - bestErr) < 1e-9 && Math.abs(c) < Math.abs(bestShift))) {
      bestErr = err;
      bestShift = c;
    }
  }
  return [w[0]! + bestShift, ...w.slice(1)];
}

console.log(`threshold ${threshold}, lambda ${lambda}`);
const report: Record<string, unknown> = {};
let heldRight = 0;
let heldRoutable = 0;
let heldNear = 0;
let heldRouted = 0;
for (let i = 0; i < sets.length; i++) {
  const w = train(sets.filter((_, j) => j !== i).map((s) => s.rows));
  const held = figures(sets[i]!.rows, w);
  const rows = sets[i]!.rows;
  const routable = rows.filter((r) => r.routable).length;
  heldRoutable += routable;
  heldRight += Math.round(held.accuracy * routable);
  heldNear += rows.length - routable;
  heldRouted += Math.round(held.near * (rows.length - routable));
  console.log(`held out ${sets[i]!.name} (fitted on the other ${sets.length - 1}): accuracy ${r3(held.accuracy)}, near-misses routed ${r3(held.near)}`);
  report[sets[i]!.name] = { loso_accuracy: r3(held.accuracy), loso_near_misses_routed: r3(held.near) };
}
report.loso_pooled = { accuracy: r3(heldRight / heldRoutable), near_misses_routed: r3(heldRouted / heldNear) };
console.log(`leave-one-set-out pooled: accuracy ${r3(heldRight / heldRoutable)}, near-misses routed ${r3(heldRouted / heldNear)}`);
const all = train(sets.map((s) => s.rows));
for (const s of sets) {
  const f = figures(s.rows, all);
  console.log(`fitted on all, ${s.name}: accuracy ${r3(f.accuracy)}, near-misses routed ${r3(f.near)}`);
}
console.log(`weights: ${FEATURE_NAMES.map((n, k) => `${n} ${r3(all[k]!)}`).join(', ')}`);
if (args.includes('--write') && named.length === 0) {
  const file = join(root, 'src/mesh/routing/calibration.ts');
  const text = readFileSync(file, 'utf8').replace(/export const ROUTING_WEIGHTS: readonly number\[\] = \[[^\]]*\];/, `export const ROUTING_WEIGHTS: readonly number[] = [${all.map((x) => r3(x)).join(', ')}];`);
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
console.log(JSON.stringify(report));
