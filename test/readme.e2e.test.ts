/**
 * Keeps README.md true where that is cheap:
 * - the first 40 lines carry the install/run and test commands;
 * - every ```yaml block that starts with a top-level spec key parses with `parseSpecText` (partial
 *   snippets are merged over a small context of providers, models, tenants and teams; a block whose
 *   first line is `# not validated` is skipped);
 * - every `daca <command>` shown (shell blocks and inline code) names real commands: each one's
 *   `node dist/src/cli/main.js <command…> --help` exits 0, and every `--option` used is in that help;
 * - every `npm run <script>` exists in package.json, every relative link resolves, every in-page
 *   anchor names a heading.
 * `npm test` builds dist before vitest runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { parseSpecText } from '../src/spec/loader.js';
import { SpecSchema } from '../src/spec/schema.js';
import { runDaca } from './support/daca-process.js';

const ROOT = resolve(import.meta.dirname, '..');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const LINES = README.split('\n');
const SPEC_KEYS = new Set(Object.keys(SpecSchema.shape));

/** What partial snippets may refer to without declaring it (everything on the sim provider). */
const CONTEXT_YAML = `
providers:
  sim: { kind: sim }
models:
  sim-small: { provider: sim }
  sim-large: { provider: sim }
  sim-embed: { provider: sim, type: embedding }
  gpt-4o-mini: { provider: sim }
  gpt-4o: { provider: sim }
aliases: { small: sim-small, large: sim-large }
tenants: { default: {}, acme: {} }
teams:
  default: { tenant: default }
  support: { tenant: acme }
  shop: { tenant: acme }
  finance: { tenant: acme }
`;

interface Block {
  lang: string;
  /** 1-based line of the opening fence. */
  line: number;
  body: string[];
}

/** Fenced code blocks, and the README's lines outside them. */
function splitReadme(): { blocks: Block[]; prose: { line: number; text: string }[] } {
  const blocks: Block[] = [];
  const prose: { line: number; text: string }[] = [];
  let open: Block | null = null;
  LINES.forEach((text, i) => {
    const fence = /^\s*```(\S*)/.exec(text);
    if (fence) {
      if (open) {
        blocks.push(open);
        open = null;
      } else open = { lang: fence[1] ?? '', line: i + 1, body: [] };
      return;
    }
    if (open) open.body.push(text);
    else prose.push({ line: i + 1, text });
  });
  return { blocks, prose };
}

const { blocks, prose } = splitReadme();

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`: objects key by key, anything else replaced. */
function merge(base: Json, over: Json): Json {
  if (!isObject(base) || !isObject(over)) return over;
  const out: { [k: string]: Json } = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? merge(out[k]!, v) : v;
  return out;
}

/** The first meaningful line of a block (not blank, not a comment). */
function firstKey(body: string[]): string | null {
  for (const l of body) {
    if (l.trim() === '' || l.trim().startsWith('#')) continue;
    return /^([A-Za-z_]+):/.exec(l)?.[1] ?? null;
  }
  return null;
}

const specBlocks = blocks.filter((b) => b.lang === 'yaml' && b.body[0]?.trim() !== '# not validated' && SPEC_KEYS.has(firstKey(b.body) ?? ''));

/** Shell-like split: whitespace-separated words, with '…' and "…" quoting. */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

interface Shown {
  line: number;
  text: string;
  args: string[];
}

/** Every `daca <words>` in a piece of shell text (up to a pipe, `;`, `&`, `)`, `>` or a comment). */
function dacaCommands(text: string, line: number): Shown[] {
  const out: Shown[] = [];
  for (const m of text.matchAll(/(?:^|[\s($])daca\s+([^|;&)>#\n]*)/g)) {
    const args = words(m[1]!.replace(/\\\s*$/, ''));
    if (args.length === 0 || /^[<…[]/.test(args[0]!)) continue; // a placeholder such as `daca <command>`
    out.push({ line, text: `daca ${m[1]!.trim()}`, args });
  }
  return out;
}

function shownCommands(): Shown[] {
  const out: Shown[] = [];
  for (const b of blocks) {
    if (!['sh', 'bash', 'shell', 'console'].includes(b.lang)) continue;
    // Join continuation lines so a command split with `\` is read whole.
    let acc = '';
    let start = 0;
    b.body.forEach((l, i) => {
      if (acc === '') start = b.line + 1 + i;
      if (/\\\s*$/.test(l)) acc += l.replace(/\\\s*$/, ' ');
      else {
        out.push(...dacaCommands(acc + l, start));
        acc = '';
      }
    });
  }
  for (const p of prose) for (const m of p.text.matchAll(/`([^`\n]+)`/g)) out.push(...dacaCommands(m[1]!, p.line));
  return out;
}

/** `--help` of a command path, run once per path, a few at a time. */
const helps = new Map<string, Promise<{ code: number | null; stdout: string; stderr: string }>>();
let running = 0;
const queue: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 8) await new Promise<void>((r) => queue.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    queue.shift()?.();
  }
}
function helpOf(path: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const key = path.join(' ');
  let h = helps.get(key);
  if (!h) helps.set(key, (h = slot(() => runDaca([...path, '--help'], { cwd: ROOT }))));
  return h;
}

/** Subcommand names listed under `Commands:` in a help text. */
function subcommands(help: string): string[] {
  const at = help.indexOf('\nCommands:\n');
  if (at < 0) return [];
  return [...help.slice(at).matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
}

/** Problems of one shown command, empty when it is true. */
async function problemsOf(c: Shown): Promise<string[]> {
  const path: string[] = [];
  let help = await helpOf(path);
  let i = 0;
  while (i < c.args.length && subcommands(help.stdout).includes(c.args[i]!)) {
    path.push(c.args[i]!);
    help = await helpOf(path);
    if (help.code !== 0) return [`\`daca ${path.join(' ')} --help\` exited ${help.code}: ${help.stderr.trim().split('\n').slice(0, 3).join(' | ')}`];
    i++;
  }
  if (path.length === 0) return [`'${c.args[0]}' is not a daca command`];
  const usage = /^Usage: (.*)$/m.exec(help.stdout)?.[1] ?? '';
  if (!usage.startsWith(`daca ${path.join(' ')}`)) return [`help of '${path.join(' ')}' shows usage '${usage}'`];
  const problems: string[] = [];
  const rest = c.args.slice(i);
  const takesArgs = usage.split(/\s+/).slice(1 + path.length).some((w) => w !== '[options]' && w !== '[command]');
  if (rest[0] !== undefined && !rest[0].startsWith('-') && subcommands(help.stdout).length > 0 && !takesArgs)
    problems.push(`'${rest[0]}' is not a subcommand of 'daca ${path.join(' ')}'`);
  for (const w of rest) {
    const opt = /^(--?[A-Za-z][\w-]*)/.exec(w)?.[1];
    if (!opt) continue;
    const name = opt.replace(/^--no-/, '--');
    const re = new RegExp(`(^|[\\s,])${name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}([\\s,=]|$)`, 'm');
    if (!re.test(help.stdout) && !re.test(help.stdout.replace(/--no-/g, '--'))) problems.push(`'daca ${path.join(' ')}' has no option ${opt}`);
  }
  return problems;
}

/** GitHub's anchor of a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('README.md', () => {
  it('starts with the install/run and the test commands', () => {
    const head = LINES.slice(0, 40).join('\n');
    expect(head).toContain('npm ci && npm start');
    expect(head).toContain('npm ci && npm test');
  });

  it('has spec snippets, and every one parses', () => {
    expect(specBlocks.length).toBeGreaterThanOrEqual(10);
    const context = parseYaml(CONTEXT_YAML) as Json;
    const failures: string[] = [];
    for (const b of specBlocks) {
      const text = b.body.join('\n');
      const env: Record<string, string> = {};
      for (const m of text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)) env[m[1]!] = 'readme-test-secret-0123456789abcdef';
      let snippet: Json;
      try {
        snippet = parseYaml(text) as Json;
      } catch (e) {
        failures.push(`README.md:${b.line}: YAML does not parse: ${(e as Error).message}`);
        continue;
      }
      try {
        parseSpecText(stringify(merge(context, snippet)), `(README.md snippet at line ${b.line})`, env);
      } catch (e) {
        failures.push(`README.md:${b.line} (snippet merged over the test context):\n${(e as Error).message}`);
      }
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  it('shows only daca commands and options that exist', { timeout: 180_000 }, async () => {
    const shown = shownCommands();
    expect(shown.length).toBeGreaterThanOrEqual(30);
    const results = await Promise.all(shown.map(async (c) => ({ c, problems: await problemsOf(c) })));
    const failures = results.filter((r) => r.problems.length > 0).map((r) => `README.md:${r.c.line} \`${r.c.text}\`: ${r.problems.join('; ')}`);
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('runs only npm scripts that exist', () => {
    const scripts = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const used = [...README.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((s) => !(s in scripts))).toEqual([]);
  });

  it('links only to files and headings that exist', () => {
    const anchors = new Set(LINES.filter((l) => /^#{1,6}\s/.test(l)).map((l) => slug(l.replace(/^#+\s*/, ''))));
    const broken: string[] = [];
    for (const p of prose) {
      for (const m of p.text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue;
        if (target.startsWith('#')) {
          if (!anchors.has(target.slice(1))) broken.push(`README.md:${p.line} ${target}`);
        } else if (!existsSync(resolve(ROOT, target.split('#')[0]!))) broken.push(`README.md:${p.line} ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
