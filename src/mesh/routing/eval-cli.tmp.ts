import { loadRoutingSet, scoreRoutingSet } from './routing-set.js';
const file = process.argv[2] ?? 'test/fixtures/routing/marketplace-ops.jsonl';
const opts = process.argv[3] ? JSON.parse(process.argv[3]) : {};
const s = scoreRoutingSet(loadRoutingSet(file), opts);
if (!process.env.QUIET) for (const m of s.misses) console.log(`${m.id} [${m.expect} -> ${m.got}] ${m.score} | ${m.text} | ${m.reason}`);
console.log(JSON.stringify({ accuracy: s.accuracy, near: s.nearMissesRouted, routable: s.routable, nm: s.nearMisses }));

import { SkillIndex } from './skill-index.js';
const set = loadRoutingSet(file);
const idx = new SkillIndex(set.skills, { ...opts, threshold: 0 , minEvidence: 0});
const rows: string[] = [];
for (const r of set.requests) { const m = idx.match(r.text); const top = m.candidates[0]; const ok = r.expect === null ? 'NEAR' : (top && `${top.agent}/${top.skill}` === r.expect ? 'GOOD' : 'WRONG'); rows.push(`${ok} ${(m.route? m.score: -m.score).toFixed(2)}`); }
const hist: Record<string, number[]> = {};
for (const r of rows) { const [k, v] = r.split(' '); (hist[k!] ??= []).push(Number(v)); }
for (const [k, v] of Object.entries(hist)) { v.sort((a,b)=>a-b); console.log(k, v.length, v.map(x=>x.toFixed(2)).join(' ')); }
