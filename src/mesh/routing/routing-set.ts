/**
 * Labelled routing sets (`test/fixtures/routing/*.jsonl`): skills and requests, one JSON object
 * per line, and their scoring against a {@link SkillIndex}.
 *
 * ```jsonl
 * {"type":"skill","agent":"inventory","skill":"check-stock","description":"…","examples":["…"],"tags":["…"]}
 * {"type":"request","id":"r1","text":"Is the blue kettle in stock?","expect":"inventory/check-stock"}
 * {"type":"request","id":"r2","text":"Tell me a joke","expect":null}
 * ```
 */
import { readFileSync } from 'node:fs';
import { InvalidRequestError } from '../../errors.js';
import { SkillIndex, type MatcherOptions, type SkillEntry } from './skill-index.js';

/** A labelled request. */
export interface RoutingRequest {
  id: string;
  text: string;
  /** `agent/skill`, or null when the request must not be routed. */
  expect: string | null;
  tags?: string[];
}

/** A parsed routing set. */
export interface RoutingSet {
  skills: SkillEntry[];
  requests: RoutingRequest[];
}

/** One request's outcome. */
export interface RoutingMiss {
  id: string;
  text: string;
  expect: string | null;
  got: string | null;
  score: number;
  reason: string;
}

/** The score of a matcher on a routing set. */
export interface RoutingScore {
  /** Share of routable requests sent to the expected skill. */
  accuracy: number;
  /** Share of `expect: null` requests that were routed anyway. */
  nearMissesRouted: number;
  routable: number;
  nearMisses: number;
  misses: RoutingMiss[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Parses a routing set from JSONL text; `file` names it in errors. */
export function parseRoutingSet(text: string, file = 'routing set'): RoutingSet {
  const skills: SkillEntry[] = [];
  const requests: RoutingRequest[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new InvalidRequestError(`${file}:${i + 1}: not JSON`);
    }
    if (o.type === 'skill') {
      if (typeof o.agent !== 'string' || typeof o.skill !== 'string') throw new InvalidRequestError(`${file}:${i + 1}: a skill needs "agent" and "skill"`);
      skills.push({
        agent: o.agent, skill: o.skill, name: typeof o.name === 'string' ? o.name : undefined,
        description: typeof o.description === 'string' ? o.description : '', examples: strings(o.examples), tags: strings(o.tags),
      } as SkillEntry);
    } else if (o.type === 'request') {
      if (typeof o.text !== 'string') throw new InvalidRequestError(`${file}:${i + 1}: a request needs "text"`);
      const expect = typeof o.expect === 'string' ? o.expect : null;
      requests.push({ id: typeof o.id === 'string' ? o.id : String(o.id ?? i + 1), text: o.text, expect, ...(Array.isArray(o.tags) ? { tags: strings(o.tags) } : {}) });
    }
  });
  return { skills, requests };
}

/** Reads and parses a routing set file. */
export function loadRoutingSet(path: string): RoutingSet {
  return parseRoutingSet(readFileSync(path, 'utf8'), path);
}

/**
 * Scores an index (built from the set's skills unless given) on the set's requests.
 * @example
 * ```ts
 * const score = scoreRoutingSet(loadRoutingSet('test/fixtures/routing/marketplace-ops.jsonl'));
 * score.accuracy; // ≥ 0.95
 * ```
 */
export function scoreRoutingSet(set: RoutingSet, index: SkillIndex | Partial<MatcherOptions> = {}): RoutingScore {
  const idx = index instanceof SkillIndex ? index : new SkillIndex(set.skills, index);
  let routable = 0;
  let right = 0;
  let nearMisses = 0;
  let routedNear = 0;
  const misses: RoutingMiss[] = [];
  for (const r of set.requests) {
    const m = idx.match(r.text, { tags: r.tags });
    const got = m.route ? `${m.route.agent}/${m.route.skill}` : null;
    if (r.expect === null) {
      nearMisses++;
      if (got !== null) routedNear++;
    } else {
      routable++;
      if (got === r.expect) right++;
    }
    if (got !== r.expect) misses.push({ id: r.id, text: r.text, expect: r.expect, got, score: m.score, reason: m.reason });
  }
  return { accuracy: routable ? right / routable : 1, nearMissesRouted: nearMisses ? routedNear / nearMisses : 0, routable, nearMisses, misses };
}
