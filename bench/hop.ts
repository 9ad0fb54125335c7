/**
 * `npm run bench:hop [-- --rounds 3 --duration 3000 --root DIR]`: the mesh hop alone, with daca's
 * CPU per hop. A sim A2A agent (`echo`) runs in its own process and daca (`daca up`, embedded
 * store) knows it as an external agent; the same `message/send` goes to the agent directly and
 * through `/a2a/echo/`, interleaved, at concurrency 1 and 16. Prints, per concurrency, both arms'
 * p50/p99/rate, the overhead at p50 and daca's CPU per hop (from /proc, over the mesh rounds).
 * `--root DIR` measures another checkout's build (A/B against this one); `--prof` writes a CPU
 * profile of daca to the printed folder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { combineRounds, runLoad, type LoadResult } from './load.js';
import { Children } from './support/children.js';
import { benchArgs } from './support/args.js';

const { opt, flag } = benchArgs();
const root = resolve(opt('root') ?? resolve(dirname(fileURLToPath(import.meta.url)), '../..'));
const rounds = Number(opt('rounds') ?? 3);
const durationMs = Number(opt('duration') ?? 3000);
const r3 = (n: number): number => Math.round(n * 1000) / 1000;

/** CPU time (user + system) of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function main(): Promise<void> {
  const children = new Children();
  const work = mkdtempSync(join(tmpdir(), 'daca-bench-hop-'));
  try {
    const echo = await children.start([join(root, 'dist/src/mesh/sim/sim-agent-main.js'), '--name', 'echo', '--skills', 'echo:Echo'], work, {}, /"url":"([^"]+)"/);
    const key = 'dk-bench-hop-0123456789abcdefghijklmnopqr';
    writeFileSync(
      join(work, 'daca.yaml'),
      [
        'tenants: { shop: {} }', 'teams: { buying: { tenant: shop } }', 'agents: { buyer: { team: buying } }',
        'keys:', `  buyer: { value: "${key}", agent: buyer }`, 'server: { dev_key: false }',
        'mesh:', '  slos:', '    echo: { deadline_ms: 2000, idempotent: true }', '  policies:', '    - { callers: [buyer], skills: ["echo/*"] }',
        '  balancing: { max_in_flight: 128, max_queue: 1024 }', '  external_agents:', `    echo: { url: "${echo.value}", tenant: shop }`,
      ].join('\n'),
    );
    const prof = flag('prof') ? ['--cpu-prof', '--cpu-prof-dir', join(work, 'prof')] : [];
    const daca = await children.start([...prof, join(root, 'dist/src/cli/main.js'), 'up', '--port', '0', '--spec', 'daca.yaml', '--quiet'], work, { DACA_ADMIN_KEY: 'bench-admin-key-0123456789', DACA_LOG_LEVEL: 'warn' }, /(http:\/\/\S+)/);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'bench', role: 'user', parts: [{ kind: 'text', text: 'How much are three blue kettles?' }] } } });
    const direct = { url: `${echo.value}/`, headers: {} };
    const via = { url: `${daca.value}/a2a/echo/`, headers: { authorization: `Bearer ${key}` } };
    await runLoad({ ...direct, body, concurrency: 4, durationMs: 1500 });
    await runLoad({ ...via, body, concurrency: 4, durationMs: 1500 });
    const out: Record<string, number> = {};
    console.log(`root ${root}`);
    for (const c of [1, 16]) {
      const d: LoadResult[] = [];
      const m: LoadResult[] = [];
      let cpu = 0;
      let hops = 0;
      for (let i = 0; i < rounds; i++) {
        d.push(await runLoad({ ...direct, body, concurrency: c, durationMs }));
        const c0 = cpuMs(daca.child.pid!);
        const r = await runLoad({ ...via, body, concurrency: c, durationMs });
        cpu += cpuMs(daca.child.pid!) - c0;
        hops += (r.rps * durationMs) / 1000;
        m.push(r);
      }
      const D = combineRounds(d);
      const M = combineRounds(m);
      console.log(`c=${String(c).padEnd(2)}  direct p50 ${D.p50_ms.toFixed(3)} p99 ${D.p99_ms.toFixed(3)} ${Math.round(D.rps)}/s | mesh p50 ${M.p50_ms.toFixed(3)} p99 ${M.p99_ms.toFixed(3)} ${Math.round(M.rps)}/s, ${M.errors} errors | overhead p50 ${(M.p50_ms - D.p50_ms).toFixed(3)} ms, daca CPU ${((cpu * 1000) / hops).toFixed(1)} µs/hop`);
      out[`c${c}_overhead_p50_ms`] = r3(M.p50_ms - D.p50_ms);
      out[`c${c}_daca_cpu_us_per_hop`] = Math.round((cpu * 1000) / hops * 10) / 10;
      out[`c${c}_rps_ratio`] = r3(M.rps / D.rps);
    }
    children.killAll('SIGINT');
    await new Promise((r) => setTimeout(r, 1500));
    if (prof.length) console.log(`daca's CPU profile: ${join(work, 'prof')}`);
    console.log(JSON.stringify(out));
  } finally {
    children.killAll();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
