import { describe, expect, it } from 'vitest';
import { SpecError } from '../../errors.js';
import { parseSpecText } from '../../spec/loader.js';
import { AlertExprError, compare, parseAlertExpr } from './alert-expr.js';

describe('parseAlertExpr', () => {
  it('parses metric rules with units and windows', () => {
    expect(parseAlertExpr('agent.cost_usd_per_day > 100')).toEqual({ kind: 'metric', scope: 'agent', metric: 'cost_usd_per_day', op: '>', threshold: 100, windowMs: 86_400_000 });
    expect(parseAlertExpr('team.ttft_p95 > 2s over 10m')).toEqual({ kind: 'metric', scope: 'team', metric: 'ttft_p95', op: '>', threshold: 2000, windowMs: 600_000 });
    expect(parseAlertExpr('agent.error_rate >= 5%')).toMatchObject({ metric: 'error_rate', op: '>=', threshold: 0.05, windowMs: 3_600_000 });
    expect(parseAlertExpr('tenant.cost_usd > $12.5 over 1d')).toMatchObject({ scope: 'tenant', threshold: 12.5, windowMs: 86_400_000 });
    expect(parseAlertExpr('agent.latency_p50<=250ms')).toMatchObject({ op: '<=', threshold: 250 });
    expect(parseAlertExpr('agent.error_rate > 0.05')).toMatchObject({ threshold: 0.05 });
  });

  it('parses anomaly and budget rules', () => {
    expect(parseAlertExpr('anomaly')).toEqual({ kind: 'anomaly', metric: null });
    expect(parseAlertExpr('anomaly.tokens_per_session')).toEqual({ kind: 'anomaly', metric: 'tokens_per_session' });
    expect(parseAlertExpr('budget >= 80%')).toEqual({ kind: 'budget', op: '>=', threshold: 0.8 });
  });

  it.each([
    ['', 1, 'expected a condition'],
    ['agent.speed > 1', 7, "unknown metric 'speed'"],
    ['robot.error_rate > 1', 1, "unknown subject 'robot'"],
    ['agent.error_rate 5%', 18, 'expected an operator'],
    ['agent.requests > 5%', 18, "'%' applies to rates"],
    ['agent.requests > 5s', 18, 'time unit'],
    ['agent.error_rate > 5% over soon', 28, "expected a window such as 10m"],
    ['agent.error_rate > 5% and more', 23, "unexpected 'and'"],
    ['anomaly.mood', 9, "unknown anomaly metric 'mood'"],
    ['agent.error_rate >', 19, 'expected a threshold'],
  ])('rejects %j at column %i', (src, col, msg) => {
    try {
      parseAlertExpr(src);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AlertExprError);
      expect((e as AlertExprError).column).toBe(col);
      expect((e as Error).message).toContain(msg);
    }
  });

  it('compares', () => {
    expect(compare(2, '>', 1)).toBe(true);
    expect(compare(1, '>', 1)).toBe(false);
    expect(compare(1, '>=', 1)).toBe(true);
    expect(compare(1, '!=', 1)).toBe(false);
    expect(compare(0.5, '<', 1)).toBe(true);
  });
});

describe('alerts in the spec', () => {
  it('reports a bad expression as a located SpecError', () => {
    const yaml = 'alerts:\n  rules:\n    - name: oops\n      expr: "agent.error_rate >> 5%"\n';
    try {
      parseSpecText(yaml, 'daca.yaml', {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      const issue = (e as SpecError).issues[0]!;
      expect(issue).toMatchObject({ file: 'daca.yaml', line: 4, path: 'alerts.rules[0].expr' });
      expect(issue.message).toContain("expected a number, got '>'");
    }
  });

  it('rejects unknown webhooks and duplicate rule names, and parses durations', () => {
    const bad = 'alerts:\n  rules:\n    - { name: a, expr: anomaly, notify: [nope] }\n    - { name: a, expr: anomaly }\n';
    expect(() => parseSpecText(bad, 'daca.yaml', {})).toThrow(/unknown webhook 'nope'[\s\S]*duplicate rule name 'a'|duplicate rule name 'a'[\s\S]*unknown webhook 'nope'/);
    const ok = parseSpecText('alerts:\n  interval: 10s\n  webhooks: { ops: { url: "http://127.0.0.1:1/x", secret: abcdefgh } }\n  rules:\n    - { name: slow, expr: "team.ttft_p95 > 2s over 10m", for: 5m, notify: [ops] }\n', 'daca.yaml', {}).spec;
    expect(ok.alerts.interval).toBe(10_000);
    expect(ok.alerts.rules[0]).toMatchObject({ name: 'slow', for: 300_000, severity: 'warning' });
    expect(ok.alerts.webhooks.ops).toMatchObject({ max_attempts: 6, timeout: 5_000 });
    expect(() => parseSpecText('alerts:\n  interval: soon\n', 'daca.yaml', {})).toThrow(/expected a duration like 30s/);
  });
});
