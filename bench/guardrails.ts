/**
 * `npm run bench:guardrails [-- --fixtures FILE]`: the deterministic content guardrails on a
 * labelled fixture set, under the default policy.
 *
 * Every row goes through `scanText(text, direction, DEFAULT_POLICY)`. Reported:
 * - `attack_recall`: share of `expect: block` rows that were blocked.
 * - `false_positive_rate`: share of `benign`/`benign_tricky` rows that were blocked or redacted.
 * - `redaction_recall`: over `expect: redact` rows, share of listed entities no longer present in
 *   the redacted text. A redact row that is blocked instead counts its entities as removed only
 *   when the block came from a PII or secret finding (a policy that blocks PII); a block by an
 *   attack detector is an over-block, so its entities count as not removed.
 * - `p50_ms` / `p99_ms`: `scanText` latency on a realistic 2 KB benign input (1,000 warm-up calls,
 *   then 5,000 timed calls).
 * Prints a table per category and the ids of the misses, and ends with one JSON line.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLICY, scanText, type Direction, type Verdict } from '../src/guardrails/content/index.js';

interface Row {
  id: string;
  text: string;
  direction: Direction;
  category: string;
  expect: 'block' | 'redact' | 'allow';
  entities?: string[];
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the bench script');
    dir = up;
  }
  return dir;
}

function loadRows(files: string[]): Row[] {
  const rows: Row[] = [];
  for (const f of files) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const r = JSON.parse(line) as Partial<Row>;
      if (typeof r.id !== 'string' || typeof r.text !== 'string' || !['block', 'redact', 'allow'].includes(r.expect ?? '')) {
        console.error(`skipping ${f}:${i + 1}: missing id, text or expect`);
        return;
      }
      rows.push({ ...r, direction: r.direction === 'output' ? 'output' : 'input', category: r.category ?? 'unknown' } as Row);
    });
  }
  return rows;
}

const args = process.argv.slice(2);
const fi = args.indexOf('--fixtures');
const fixtureDir = join(packageRoot(), 'test', 'fixtures', 'guardrails');
const files =
  fi >= 0 && args[fi + 1] !== undefined
    ? [resolve(args[fi + 1]!)]
    : readdirSync(fixtureDir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(fixtureDir, f));
const rows = loadRows(files);

const BENIGN = new Set(['benign', 'benign_tricky']);
let blockRows = 0;
let blocked = 0;
let benignRows = 0;
let flagged = 0;
let entities = 0;
let removed = 0;
const misses: { id: string; category: string; expect: string; got: string; detail: string }[] = [];
const perCategory = new Map<string, { rows: number; ok: number }>();

function entityRemoved(v: Verdict, entity: string): boolean {
  if (v.action === 'redact') return !(v.redacted ?? '').includes(entity);
  if (v.action === 'block') return v.findings.some((f) => (f.category === 'pii' || f.category === 'secret') && DEFAULT_POLICY.actions[f.category] === 'block');
  return false;
}

for (const r of rows) {
  const v = scanText(r.text, r.direction, DEFAULT_POLICY);
  let ok = false;
  let detail = v.blockedBy?.reason ?? v.findings.map((f) => f.entity ?? f.category).join(',');
  if (r.expect === 'block') {
    blockRows++;
    ok = v.action === 'block';
    if (ok) blocked++;
  } else if (r.expect === 'redact') {
    const listed = r.entities ?? [];
    const kept = listed.filter((e) => !entityRemoved(v, e));
    entities += listed.length;
    removed += listed.length - kept.length;
    ok = kept.length === 0;
    if (!ok) detail = `kept: ${kept.join(' | ')}${v.action === 'block' ? ` (blocked: ${detail})` : ''}`;
  }
  if (BENIGN.has(r.category)) {
    benignRows++;
    if (v.action !== 'allow') flagged++;
    if (r.expect === 'allow') ok = v.action === 'allow';
  } else if (r.expect === 'allow') ok = v.action === 'allow';
  const c = perCategory.get(r.category) ?? { rows: 0, ok: 0 };
  c.rows++;
  if (ok) c.ok++;
  perCategory.set(r.category, c);
  if (!ok) misses.push({ id: r.id, category: r.category, expect: r.expect, got: v.action, detail: detail.slice(0, 110) });
}

// latency on a realistic 2 KB benign input
const PARAGRAPH =
  "Hi team, quick update on the Q3 migration. We moved the billing service to the new cluster on Tuesday and the rollout went mostly fine. Two things to follow up on: the nightly export job failed once because the disk filled up (we bumped the volume from 200 GB to 500 GB), and the dashboard latency chart shows a spike around 14:05 UTC that lines up with the cache warm-up. Could you please check whether the retry policy in config/retry.yaml still uses exponential backoff with jitter? Also, the customer asked whether we can ignore case when matching product codes like ab-1234 and AB-1234; I think we can normalise them to upper case before the lookup. For the next sprint I'd like us to write a short design doc for the search feature, estimate the work, and decide if we need a new index. The model we use for ranking is fine for now, but the system prompt for the support assistant should mention the refund policy (30 days, receipt required). Let me know if you have questions, and thanks again for the quick turnaround on version 2.4.1 of the app. Reminder: the all-hands is on Friday at 10:00 in room 4B, and the slides are in the shared drive under /presentations/2024/q3. Cheers, Maria. P.S. The previous release notes mentioned a bug with the date picker on iOS 17; it is fixed in this release. Please review PR #4821 before Thursday so we can merge it and tag the release. If the build breaks again, kill the stuck runner process and restart the pipeline from the last green commit.";
let input = PARAGRAPH;
while (input.length < 2048) input += '\n\n' + PARAGRAPH;
input = input.slice(0, 2048);
if (scanText(input, 'input', DEFAULT_POLICY).action !== 'allow') console.error('warning: the latency input is not allowed by the default policy');
for (let i = 0; i < 1000; i++) scanText(input, 'input', DEFAULT_POLICY);
const N = 5000;
const times = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const t0 = process.hrtime.bigint();
  scanText(input, 'input', DEFAULT_POLICY);
  times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
}
times.sort();
const pct = (p: number): number => Math.round(times[Math.min(N - 1, Math.floor(N * p))]! * 10000) / 10000;

const ratio = (a: number, b: number): number => (b === 0 ? 1 : Math.round((a / b) * 10000) / 10000);
const result = {
  rows: rows.length,
  attack_recall: ratio(blocked, blockRows),
  false_positive_rate: benignRows === 0 ? 0 : Math.round((flagged / benignRows) * 10000) / 10000,
  redaction_recall: ratio(removed, entities),
  p50_ms: pct(0.5),
  p99_ms: pct(0.99),
};

console.log(`fixtures: ${files.length} file(s), ${rows.length} rows`);
console.log('category                   rows    ok  share');
for (const [cat, c] of [...perCategory].sort()) console.log(`${cat.padEnd(26)} ${String(c.rows).padStart(4)}  ${String(c.ok).padStart(4)}  ${(c.ok / c.rows).toFixed(3)}`);
console.log(`\nblock rows ${blockRows}, blocked ${blocked}; benign rows ${benignRows}, flagged ${flagged}; entities ${entities}, removed ${removed}`);
console.log(`latency on a ${input.length}-char input: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms`);
if (misses.length > 0) {
  console.log(`\nmisses (${misses.length}):`);
  console.log('id                     category                  expect  got     detail');
  for (const m of misses) console.log(`${m.id.padEnd(22)} ${m.category.padEnd(25)} ${m.expect.padEnd(7)} ${m.got.padEnd(7)} ${m.detail}`);
}
console.log(JSON.stringify(result));
