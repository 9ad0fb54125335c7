/**
 * JUnit XML of a run, for CI test reporters: one `<testcase>` per trial
 * (`classname` = suite.persona, `name` = case#trial), failures carry the graders' reasons and
 * errors the agent's error.
 */
import type { RunResults } from '../results.js';

/** Escapes text for XML attributes and content. */
export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;')).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/**
 * Renders a run as JUnit XML.
 *
 * @example
 * ```ts
 * writeFileSync('evals.xml', renderJunit(run));
 * ```
 */
export function renderJunit(run: RunResults): string {
  const { meta, trials } = run;
  const failures = trials.filter((t) => !t.passed && t.error === null).length;
  const errors = trials.filter((t) => t.error !== null).length;
  const time = trials.reduce((s, t) => s + t.latencyMs, 0) / 1000;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(meta.suite)}" tests="${trials.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`,
    `  <testsuite name="${xmlEscape(meta.suite)}" id="${xmlEscape(meta.id)}" tests="${trials.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`,
    `    <properties><property name="model" value="${xmlEscape(meta.agent.model ?? '')}"/><property name="version" value="${xmlEscape(meta.agent.version)}"/><property name="seed" value="${meta.seed}"/></properties>`,
  ];
  const sorted = [...trials].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const t of sorted) {
    const open = `    <testcase classname="${xmlEscape(`${meta.suite}.${t.persona}`)}" name="${xmlEscape(`${t.caseId}#${t.trial}`)}" time="${(t.latencyMs / 1000).toFixed(3)}"`;
    if (t.error !== null) out.push(`${open}><error message="${xmlEscape(t.error.slice(0, 300))}"/></testcase>`);
    else if (!t.passed) {
      const why = t.grades.filter((g) => !g.pass).map((g) => `${g.name}: ${g.reason ?? 'failed'}`).join('; ') || 'failed';
      out.push(`${open}><failure message="${xmlEscape(why.slice(0, 300))}">${xmlEscape(t.output.slice(0, 1000))}</failure></testcase>`);
    } else out.push(`${open}/>`);
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
