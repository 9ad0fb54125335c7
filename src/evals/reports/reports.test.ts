/**
 * Reports of a run: the terminal table, JUnit XML and the self-contained HTML page.
 */
import { describe, expect, it } from 'vitest';
import { syntheticRun } from '../testing/synthetic-run.js';
import { renderHtmlReport } from './html.js';
import { renderJunit } from './junit.js';
import { summarizeRun } from './summary.js';
import { renderRunTable } from './table.js';

const run = syntheticRun('r1', { cases: 6, personas: ['novice', 'expert'], trials: 3, passed: (c, p, t) => c < 3 || (p === 1 && t === 0) });

describe('reports', () => {
  it('summarise per persona and suite with pass@k', () => {
    const s = summarizeRun(run);
    expect(s.suite.trials).toBe(36);
    expect(s.suite.goalRate).toBeCloseTo(21 / 36, 12);
    expect(s.byPersona.novice!.goalRate).toBe(0.5);
    expect(s.byPersona.expert!.passAtK).toBe(1); // every expert unit has one success in 3
    expect(s.byPersona.expert!.passHatK).toBe(0.5); // only cases 0-2 pass all 3
    expect(s.byCase['case-4']!.goalRate).toBeCloseTo(1 / 6, 12);
    const text = renderRunTable(s);
    expect(text).toMatch(/^run r1: suite synthetic \(6 cases × 2 personas × 3 trials\)/);
    expect(text).toMatch(/\(suite\)\s+36\s+100\.0%\s+58\.3%\s+75\.0%\s+50\.0%/);
    expect(text).toMatch(/weakest cases:[\s\S]*case-3\s+16\.7%/);
  });

  it('render JUnit XML with one testcase per trial, failures with reasons, escaped', () => {
    const xml = renderJunit(run);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="synthetic" tests="36" failures="15" errors="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(36);
    expect(xml.match(/<failure /g)).toHaveLength(15);
    expect(xml).toContain('classname="synthetic.novice" name="case-3#0"');
    expect(xml).toContain('message="contains: output lacks &quot;Paris&quot; &lt;&amp;&gt;"');
    expect(xml).not.toMatch(/<Rome>/);
    const opens = (xml.match(/<testcase /g) ?? []).length;
    const closes = (xml.match(/<\/testcase>|<testcase [^>]*\/>/g) ?? []).length;
    expect(closes).toBe(opens);
  });

  it('render a self-contained HTML page with SVG charts', () => {
    const html = renderHtmlReport(run);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
    expect(html).toContain('Goal rate by case × persona');
    expect(html).toContain('&lt;Rome&gt; &amp; more.');
    expect(html).toContain('Failed trials (15)');
  });
});
