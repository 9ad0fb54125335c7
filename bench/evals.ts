/**
 * `npm run bench:evals`: the eval harness's own speed.
 *
 * (a) 100 cases × 5 personas × 3 trials on the sim provider through daca (`daca up` in a child process),
 *     a quarter of the cases multi-turn with a simulated user, a tenth also judged by a model.
 * (b) 1,500 single-turn trials of `daca eval run` against a local OpenAI-compatible server that
 *     answers at once, two assertions (contains, regex) each — timed as a whole child process,
 *     start-up included; compared with a bare keep-alive loop sending the same requests.
 * Plus the gate's minimum detectable effect at 80 % power for n = 100 and 500 (simulation, seeded).
 *
 * Prints a table and ends with one JSON line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../src/evals/evaluate.js';
import { computeMetrics } from '../src/evals/metrics.js';
import { JsonlRunStore } from '../src/evals/sinks/jsonl-sink.js';
import { minimumDetectableEffect } from '../src/evals/stats/mde.js';
import { parseSuiteText } from '../src/evals/suite-loader.js';
import { startEchoServer } from './evals/echo-server.js';
import { BENCH_KEY, BENCH_SPEC, multiPersonaSuite, singleTurnSuite } from './evals/suites.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'daca-bench-evals-'));
const r3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Starts `daca up` (child process, RSS probed) on the bench spec; resolves with its URL and a stopper. */
async function startDacaChild(): Promise<{ url: string; stop(): Promise<number> }> {
  const dir = mkdtempSync(join(work, 'daca-'));
  writeFileSync(join(dir, 'daca.yaml'), BENCH_SPEC);
  const rssFile = join(work, 'rss-daca');
  const child = spawn(process.execPath, ['--import', join(here, 'evals/rss-probe.js'), join(root, 'dist/src/cli/main.js'), 'up', '--port', '0', '--spec', 'daca.yaml', '--quiet'], {
    cwd: dir,
    env: { ...process.env, DACA_ADMIN_KEY: 'bench-admin-key-0123456789abcdef', DACA_LOG_LEVEL: 'warn', DACA_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`daca up did not start:\n${out}`)), 30_000);
    const on = (d: Buffer): void => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (c) => rej(new Error(`daca up exited ${c}:\n${out}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      try {
        return Number(readFileSync(rssFile, 'utf8'));
      } catch {
        return 0;
      }
    },
  };
}

async function benchA(): Promise<{ trials: number; wall: number; goal: number; dacaRssKb: number; turns: number }> {
  const daca = await startDacaChild();
  let dacaRssKb = 0;
  try {
    const suite = parseSuiteText(multiPersonaSuite(100, 3), join(work, 'bench-support.yaml'));
    const t0 = performance.now();
    const run = await evaluate({ suite, sink: new JsonlRunStore(join(work, 'runs')), baseUrl: `${daca.url}/v1`, apiKey: BENCH_KEY, seed: 1, concurrency: 16 });
    const wall = (performance.now() - t0) / 1000;
    const m = computeMetrics(run.trials, 3);
    const errors = run.trials.filter((t) => t.error).length;
    if (errors) throw new Error(`${errors} trials failed, e.g. ${run.trials.find((t) => t.error)!.error}`);
    return { trials: run.trials.length, wall, goal: m.goalRate, dacaRssKb, turns: m.meanTurns };
  } finally {
    dacaRssKb = await daca.stop();
    lastDacaRss = dacaRssKb;
  }
}

let lastDacaRss = 0;

function runChild(args: string[], env: Record<string, string>): Promise<{ code: number | null; wall: number; out: string; rssKb: number }> {
  const rssFile = join(work, `rss-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', join(here, 'evals/rss-probe.js'), ...args], {
    cwd: work,
    env: { ...process.env, ...env, DACA_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let wall = 0;
  child.once('exit', () => (wall = (performance.now() - t0) / 1000));
  return new Promise((res) =>
    // 'close', not 'exit': the process can exit before its piped output has been read.
    child.once('close', (code) => {
      let rssKb = 0;
      try {
        rssKb = Number(readFileSync(rssFile, 'utf8'));
      } catch {
        /* no probe output */
      }
      res({ code, wall, out, rssKb });
    }),
  );
}

/** The floor: a bare keep-alive loop sending the same requests (no harness). */
async function bareLoop(url: string, n: number, concurrency: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url + '/chat/completions');
  let next = 0;
  const t0 = performance.now();
  const one = (i: number): Promise<void> =>
    new Promise((res, rej) => {
      const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: `Say the word token-${i}` }] });
      const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const text = (JSON.parse(Buffer.concat(chunks).toString()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
          if (!text.includes(`token-${i}`) || !/^Echo: .*\d+/.test(text)) rej(new Error('bad reply'));
          else res();
        });
      });
      req.on('error', rej);
      req.end(body);
    });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await one(next++);
  }));
  agent.destroy();
  return (performance.now() - t0) / 1000;
}

async function benchB(n: number): Promise<{ wall: number; bare: number; rssKb: number; trials: number }> {
  const echo = await startEchoServer();
  try {
    const suitePath = join(work, 'bench-single.yaml');
    writeFileSync(suitePath, singleTurnSuite(n));
    const bare = await bareLoop(echo.url, n, 16);
    const before = echo.requests();
    const r = await runChild(
      [join(root, 'dist/src/cli/main.js'), 'eval', 'run', '--suite', suitePath, '--base-url', echo.url, '--api-key', 'none', '--concurrency', '16', '--results', join(work, 'runs-b'), '--no-progress'],
      {},
    );
    if (r.code !== 0) throw new Error(`daca eval run exited ${r.code}:\n${r.out}`);
    const trials = echo.requests() - before;
    if (!/\(suite\)\s+1500\s/.test(r.out) && n === 1500) throw new Error(`unexpected output:\n${r.out}`);
    return { wall: r.wall, bare, rssKb: r.rssKb, trials };
  } finally {
    await echo.close();
  }
}

async function main(): Promise<void> {
  const b = await benchB(1500);
  const a = await benchA();
  const rssSelf = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  const mde100 = minimumDetectableEffect({ n: 100, seed: 1 });
  const mde500 = minimumDetectableEffect({ n: 500, seed: 1 });
  const mdeSecs = (performance.now() - t0) / 1000;
  const peak = Math.max(rssSelf, b.rssKb, lastDacaRss) / 1024;

  const rows: [string, string][] = [
    ['(a) trials (100 cases × 5 personas × 3, sim via daca)', String(a.trials)],
    ['(a) wall time', `${a.wall.toFixed(2)} s`],
    ['(a) trials per second', (a.trials / a.wall).toFixed(0)],
    ['(a) goal rate (capability 0.8, mixed difficulty), mean turns', `${(a.goal * 100).toFixed(1)}%, ${a.turns.toFixed(2)}`],
    ['(b) single-turn trials (whole process)', String(b.trials)],
    ['(b) wall time, start-up included', `${b.wall.toFixed(2)} s`],
    ['(b) bare keep-alive loop, same requests', `${b.bare.toFixed(2)} s`],
    ['(b) harness / bare ratio', (b.wall / b.bare).toFixed(2)],
    ['peak RSS (bench/harness, daca up, eval run child)', `${(rssSelf / 1024).toFixed(0)} / ${(lastDacaRss / 1024).toFixed(0)} / ${(b.rssKb / 1024).toFixed(0)} MiB`],
    ['gate MDE at 80% power, n=100 / n=500', `${(mde100 * 100).toFixed(1)} pp / ${(mde500 * 100).toFixed(1)} pp (${mdeSecs.toFixed(1)} s)`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
  process.stdout.write(
    JSON.stringify({
      trials: a.trials,
      wall_s: r3(a.wall),
      trials_per_s: Math.round(a.trials / a.wall),
      single_turn_trials: b.trials,
      single_turn_wall_s: r3(b.wall),
      peak_rss_mb: Math.round(peak),
      mde_n100: mde100,
      mde_n500: mde500,
      single_turn_bare_s: r3(b.bare),
      single_turn_ratio: r3(b.wall / b.bare),
    }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:evals failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
