/**
 * Issue 9, item 2: an agent written by a team with `defineAgent`, running in its own Node process,
 * joins daca's mesh — served over A2A from that process, registered by URL, discoverable, and
 * callable through the mesh by name and by a request stated in words. Requires `npm run build`
 * (the team's process imports the built package, as a team would).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_YAML } from '../src/spec/default-spec.js';
import type { RunningDaca } from '../src/server/serve.js';
import { post, startTestDaca, TEST_ADMIN_KEY } from './support/in-process-daca.js';

const MAIN = resolve(import.meta.dirname, 'support/team-agent-main.mjs');
const BUILT = resolve(import.meta.dirname, '../dist/src/index.js');

let daca: RunningDaca;
let team: ChildProcess;
let joined: { pid: number; url: string; agents: { name: string; url: string }[] };
let key: string;

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
  daca = await startTestDaca(DEFAULT_SPEC_YAML);
  const teamKey = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'stocktaker', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
  key = ((await (await post(`${daca.url}/api/keys`, TEST_ADMIN_KEY, { agent: 'buyer', team: 'default', tenant: 'default' })).json()) as { key: string }).key;
  team = spawn(process.execPath, [MAIN], { env: { ...process.env, DACA_URL: daca.url, DACA_KEY: teamKey, DACA_ADMIN_KEY: TEST_ADMIN_KEY }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  joined = await new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`the team's process did not join in 30 s:\n${out}`)), 30_000);
    team.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(t);
        res(JSON.parse(line) as typeof joined);
      }
    });
    team.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    team.once('exit', (c) => rej(new Error(`the team's process exited ${c}:\n${out}`)));
  });
});
afterAll(async () => {
  if (team && team.exitCode === null) {
    const exited = new Promise((r) => team.once('exit', r));
    team.kill('SIGTERM');
    await exited;
  }
  await daca?.close();
});

const send = (path: string, text: string) =>
  post(`${daca.url}${path}`, key, { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: `m-${Math.random()}`, role: 'user', parts: [{ kind: 'text', text }] } } });

/** The answer's text, whether the agent answered with a message or a task. */
async function answerText(r: Response): Promise<string> {
  const j = (await r.json()) as { result?: { parts?: { text?: string }[]; status?: { state?: string; message?: { parts?: { text?: string }[] } } }; error?: { message: string } };
  if (j.error) throw new Error(j.error.message);
  return (j.result?.parts ?? j.result?.status?.message?.parts ?? []).map((p) => p.text ?? '').join('');
}

describe('a defineAgent agent in its own process joins the mesh', () => {
  it('is served over A2A from its own process and registered in daca', async () => {
    expect(joined.pid).not.toBe(process.pid);
    expect(joined.agents).toEqual([{ name: 'stocktaker', url: `${joined.url}/a2a/stocktaker/` }]);
    // only daca holds the process's secret: a direct call is refused, the card is read through daca
    expect((await fetch(`${joined.url}/a2a/stocktaker/.well-known/agent-card.json`)).status).toBe(401);
    const card = (await (await fetch(`${daca.url}/a2a/stocktaker/.well-known/agent-card.json`, { headers: { 'a2a-version': '1.0' } })).json()) as { name: string; skills: { id: string }[] };
    expect(card.name).toBe('stocktaker');
    expect(card.skills.map((s) => s.id)).toEqual(['count-stock']);
    const list = (await (await fetch(`${daca.url}/api/mesh/agents?skill=count-stock`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json()) as { agents: { agent: string; instances: { kind: string; endpoint: string }[] }[] };
    expect(list.agents.map((a) => a.agent)).toEqual(['stocktaker']);
    expect(list.agents[0]!.instances[0]).toMatchObject({ kind: 'external', endpoint: `${joined.url}/a2a/stocktaker/` });
  });

  it('is called through the mesh by name, and its turn runs in the team process', async () => {
    const r = await send('/a2a/stocktaker/', 'blue kettles');
    expect(r.status).toBe(200);
    expect(await answerText(r)).toBe(`stocktaker (pid ${joined.pid}) counted: blue kettles`);
  });

  it('is reached by a request stated in words through the mesh agent', async () => {
    const r = await send('/a2a/', 'How many units of the red kettle are left in the warehouse?');
    expect(r.status).toBe(200);
    expect(await answerText(r)).toMatch(new RegExp(`^stocktaker \\(pid ${joined.pid}\\) counted: `));
  });
});
