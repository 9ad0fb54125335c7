/**
 * `npm run bench:routing [-- FILE… ] [--misses] [--threshold X]`: how well the offline matcher
 * routes labelled sets, and how its confidence threshold generalises.
 *
 * For each set (default: every `test/fixtures/routing/*.jsonl`, each its own mesh):
 * - accuracy (share of routable requests sent to the expected skill) and near-misses routed
 *   (share of `expect: null` requests routed anyway) at the configured threshold;
 * - leave-one-set-out: the threshold that minimises errors on the OTHER sets, then the held-out
 *   set's figures at that threshold — how a labelled set written by someone else will fare;
 * - 5-fold cross-validation inside each set (threshold chosen on 4 folds, scored on the fifth).
 * Errors weigh a routed near-miss like a misrouted request ((1 − accuracy) + near-misses routed).
 * `--misses` lists every request the matcher got wrong, with the decision's reason.
 * Ends with one JSON line.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRoutingSet, type RoutingSet } from '../src/mesh/routing/routing-set.js';
import { SkillIndex } from '../src/mesh/routing/skill-index.js';
import { DEFAULT_MESH_SPEC } from '../src/mesh/mesh-spec.js';
import { benchArgs } from './support/args.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { args, opt, flag } = benchArgs();
const files = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1] === '--threshold'));
const paths = files.length
  ? files.map((f) => resolve(process.cwd(), f))
  : readdirSync(join(root, 'test/fixtures/routing'))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => join(root, 'test/fixtures/routing', f));
const threshold = Number(opt('threshold') ?? DEFAULT_MESH_SPEC.routing.threshold);
const r3 = (n: number): number => Math.round(n * 1000) / 1000;

/** One request's outcome with the threshold left open: the best candidate and its confidence. */
interface Outcome {
  expect: string | null;
  /** The skill the matcher would route to at threshold 0 (null when it refuses for other reasons). */
  best: string | null;
  score: number;
}

function outcomes(set: RoutingSet): Outcome[] {
  const index = new SkillIndex(set.skills, { threshold: 0 });
  return set.requests.map((r) => {
    const m = index.match(r.text, { tags: r.tags });
    return { expect: r.expect, best: m.route ? `${m.route.agent}/${m.route.skill}` : null, score: m.score };
  });
}

function figures(os: readonly Outcome[], t: number): { accuracy: number; near: number; errors: number } {
  let routable = 0;
  let right = 0;
  let near = 0;
  let routedNear = 0;
  for (const o of os) {
    const got = o.best !== null && o.score >= t ? o.best : null;
    if (o.expect === null) {
      near++;
      if (got !== null) routedNear++;
    } else {
      routable++;
      if (got === o.expect) right++;
    }
  }
  const accuracy = routable ? right / routable : 1;
  const nearRate = near ? routedNear / near : 0;
  return { accuracy, near: nearRate, errors: 1 - accuracy + nearRate };
}

const GRID = Array.from({ length: 61 }, (_, i) => 0.2 + i * 0.01);

function bestThreshold(groups: readonly (readonly Outcome[])[]): number {
  let best = GRID[0]!;
  let bestErr = Infinity;
  for (const t of GRID) {
    const err = groups.reduce((s, g) => s + figures(g, t).errors, 0);
    if (err < bestErr - 1e-9) {
      bestErr = err;
      best = t;
    }
  }
  return best;
}

const sets = paths.map((p) => ({ name: basename(p), set: loadRoutingSet(p) }));
const all = sets.map((s) => outcomes(s.set));
const report: Record<string, unknown> = { threshold };
console.log(`threshold ${threshold} (mesh default ${DEFAULT_MESH_SPEC.routing.threshold})`);
sets.forEach((s, i) => {
  const os = all[i]!;
  const at = figures(os, threshold);
  const others = all.filter((_, j) => j !== i);
  const loso = others.length ? bestThreshold(others) : threshold;
  const held = figures(os, loso);
  // 5-fold cross-validation inside the set (requests in file order, every fifth to a fold)
  let cvErr = 0;
  const cvT: number[] = [];
  for (let k = 0; k < 5; k++) {
    const train = os.filter((_, j) => j % 5 !== k);
    const test = os.filter((_, j) => j % 5 === k);
    const t = bestThreshold([train]);
    cvT.push(t);
    cvErr += figures(test, t).errors / 5;
  }
  const own = bestThreshold([os]);
  const routable = s.set.requests.filter((r) => r.expect !== null).length;
  console.log(
    `${s.name}: ${s.set.skills.length} skills, ${routable} routable, ${s.set.requests.length - routable} near-misses | ` +
      `at ${threshold}: accuracy ${r3(at.accuracy)}, near-misses routed ${r3(at.near)} | ` +
      `leave-one-set-out threshold ${r3(loso)}: accuracy ${r3(held.accuracy)}, near-misses routed ${r3(held.near)} | ` +
      `own best ${r3(own)} | 5-fold CV errors ${r3(cvErr)} (thresholds ${cvT.map(r3).join(', ')})`,
  );
  report[s.name] = { accuracy: r3(at.accuracy), near_misses_routed: r3(at.near), loso_threshold: r3(loso), loso_accuracy: r3(held.accuracy), loso_near_misses_routed: r3(held.near), cv_errors: r3(cvErr) };
  if (flag('misses')) {
    const index = new SkillIndex(s.set.skills, { threshold });
    for (const r of s.set.requests) {
      const m = index.match(r.text, { tags: r.tags });
      const got = m.route ? `${m.route.agent}/${m.route.skill}` : null;
      if (got !== r.expect) console.log(`  ${r.id} [${r.expect} -> ${got}] ${m.score} | ${r.text} | ${m.reason}`);
    }
  }
});
const pooled = figures(all.flat(), threshold);
report.pooled = { accuracy: r3(pooled.accuracy), near_misses_routed: r3(pooled.near) };
console.log(JSON.stringify(report));
