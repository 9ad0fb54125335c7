import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../errors.js';
import { createProviders } from '../../providers/registry.js';
import { compileModelCatalog } from '../../spec/resolve.js';
import { SpecSchema, type Spec } from '../../spec/schema.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/types.js';
import { Mesh } from '../mesh.js';
import { StoreRegistry } from '../registry/store-registry.js';
import { MeshTokens } from '../security/agent-token.js';
import { EmbeddingRouter, modelTextEmbedder } from './embedding-router.js';
import { SkillIndex, type SkillEntry } from './skill-index.js';

/**
 * A local server speaking the OpenAI embeddings wire format (`POST /v1/embeddings`), whose "model"
 * maps words to a few concepts (what a real embedding model knows and a word matcher does not:
 * "blackout" is a power outage) plus a hashed dimension per other word.
 */
const CONCEPTS: Record<string, string[]> = {
  outage: ['outage', 'blackout', 'power', 'electricity', 'lights', 'dark'],
  meter: ['meter', 'reading', 'readings', 'usage'],
  internet: ['internet', 'wifi', 'broadband', 'router', 'online', 'connection'],
  book: ['book', 'books', 'novel', 'library', 'borrowed', 'loan', 'renew', 'extend'],
};
const DIMS = 64;

function conceptVector(text: string): number[] {
  const v = new Array<number>(DIMS).fill(0);
  const names = Object.keys(CONCEPTS);
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const c = names.findIndex((n) => CONCEPTS[n]!.includes(w));
    if (c >= 0) v[c]! += 3;
    else {
      let h = 0;
      for (const ch of w) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
      v[names.length + (h % (DIMS - names.length))]! += 0.3;
    }
  }
  return v;
}

let server: Server;
let url = '';
const inputs: string[][] = [];

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void body(req).then((b) => {
      if (req.url !== '/v1/embeddings' || req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      const input = Array.isArray(b.input) ? (b.input as string[]) : [String(b.input)];
      inputs.push(input);
      const data = input.map((t, index) => {
        const vec = conceptVector(t);
        return { object: 'embedding', index, embedding: b.encoding_format === 'base64' ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: b.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const skills: SkillEntry[] = [
  { agent: 'power', skill: 'report-outage', name: 'Report outage', description: 'Report a power cut at an address.', examples: ['My power just went out'], tags: ['utilities'] },
  { agent: 'power', skill: 'meter-reading', name: 'Submit meter reading', description: 'Submit a gas or electricity meter reading.', examples: ['My meter says 48213'], tags: ['utilities'] },
  { agent: 'telecom', skill: 'internet-troubleshoot', name: 'Internet troubleshooting', description: 'Diagnose slow or dropping home internet.', examples: ['My wifi keeps disconnecting'], tags: ['telecom'] },
  { agent: 'library', skill: 'renew-loan', name: 'Renew loan', description: 'Extend the due date of borrowed library books.', examples: ['Renew my library books'], tags: ['library'] },
];

function specWith(routing: Record<string, unknown>, base = url): Spec {
  return SpecSchema.parse({
    providers: { emb: { kind: 'openai', base_url: `${base}/v1` }, sim: { kind: 'sim' } },
    models: { 'concept-embed': { provider: 'emb', upstream: 'concept-1', type: 'embedding' }, chat: { provider: 'sim' } },
    mesh: { routing },
  });
}

function embedderOf(spec: Spec) {
  return modelTextEmbedder(spec.mesh.routing.embedding_model!, compileModelCatalog(spec), createProviders(spec));
}

describe('EmbeddingRouter (OpenAI-compatible embeddings over HTTP)', () => {
  const index = new SkillIndex(skills);

  it('routes a paraphrase the offline matcher cannot read, and says why', async () => {
    const text = 'we have a blackout in our neighbourhood';
    expect(index.match(text).route).toBeNull();
    const router = new EmbeddingRouter(embedderOf(specWith({ embedding_model: 'concept-embed' })));
    const m = await router.match(index, text);
    expect(m.route).toEqual({ agent: 'power', skill: 'report-outage' });
    expect(m.score).toBeGreaterThanOrEqual(index.options.threshold);
    expect(m.reason).toMatch(/embedding concept-embed: power\/report-outage cosine/);
    expect(m.candidates[0]).toMatchObject({ agent: 'power', skill: 'report-outage' });
  });

  it('embeds the skills once (batched), then one text per request', async () => {
    inputs.length = 0;
    const router = new EmbeddingRouter(embedderOf(specWith({ embedding_model: 'concept-embed' })));
    await router.match(index, 'the wifi router is down again');
    await router.match(index, 'extend my borrowed novel');
    const skillTexts = skills.reduce((n, s) => n + 1 + (s.examples?.length ?? 0), 0);
    expect(inputs.map((i) => i.length).sort((a, b) => a - b)).toEqual([1, 1, skillTexts]);
  });

  it('keeps refusing what no skill offers', async () => {
    const router = new EmbeddingRouter(embedderOf(specWith({ embedding_model: 'concept-embed' })));
    const m = await router.match(index, 'tell me a joke about penguins');
    expect(m.route).toBeNull();
    expect(m.reason).toMatch(/below the threshold/);
  });

  it('respects tag filters', async () => {
    const router = new EmbeddingRouter(embedderOf(specWith({ embedding_model: 'concept-embed' })));
    const m = await router.match(index, 'we have a blackout in our neighbourhood', { tags: ['library'] });
    expect(m.route?.agent ?? null).not.toBe('power');
  });

  it('falls back to the offline matcher when the endpoint is down, and says so', async () => {
    const down = createServer();
    await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((r) => down.close(() => r()));
    const router = new EmbeddingRouter(embedderOf(specWith({ embedding_model: 'concept-embed' }, `http://127.0.0.1:${port}`)));
    const m = await router.match(index, 'Renew my library books please');
    expect(m.route).toEqual({ agent: 'library', skill: 'renew-loan' });
    expect(m.reason).toMatch(/embeddings of concept-embed unavailable .*offline matcher only/);
  });

  it('refuses a model that is not a declared embedding model, in the spec and at call time', () => {
    expect(() => specWith({ embedding_model: 'chat' })).toThrow(/mesh.*embedding_model.*'chat' is not a declared embedding model/s);
    const spec = specWith({});
    expect(() => modelTextEmbedder('chat', compileModelCatalog(spec), createProviders(spec))).toThrow(InvalidRequestError);
    expect(() => modelTextEmbedder('nope', compileModelCatalog(spec), createProviders(spec))).toThrow(/'nope' is not a declared embedding model/);
  });
});

describe('Mesh.routeSemantic with mesh.routing.embedding_model', () => {
  let store: Store;
  let registry: StoreRegistry;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'daca-emb-route-'));
    store = await openStore({ dataDir: dir });
    registry = await StoreRegistry.open(store, { ttlMs: 60_000, refreshMs: 0 });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function meshFor(spec: Spec): Mesh {
    const mesh = new Mesh({
      spec: () => spec, host: () => undefined, registry, tokens: new MeshTokens('test-secret'), nodeId: 'n1',
      embedderFor: (name) => modelTextEmbedder(name, compileModelCatalog(spec), createProviders(spec)),
    });
    mesh.setSkillOverride(skills);
    return mesh;
  }

  it('records the blended decision with its score and reason', async () => {
    const mesh = meshFor(specWith({ embedding_model: 'concept-embed', embedding_weight: 0.6 }));
    const r = await mesh.routeSemantic('the lights are out and it is dark on our street', { type: 'user', tenant: 'default' });
    expect(`${r.agent}/${r.skill}`).toBe('power/report-outage');
    expect(r.decision.reason).toMatch(/embedding concept-embed.*weight 0.6/);
    expect(mesh.decisions.get(r.decision.id)?.score).toBe(r.decision.score);
  });

  it('without embedding_model it is the offline matcher', async () => {
    const mesh = meshFor(specWith({}));
    const r = await mesh.routeSemantic('we have a blackout in our neighbourhood', { type: 'user', tenant: 'default' });
    expect(r.agent).toBeNull();
    expect(r.decision.reason).not.toMatch(/embedding/);
  });
});
