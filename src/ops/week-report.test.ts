import { describe, expect, it } from 'vitest';
import { renderWeekReport } from './week-report.js';

describe('renderWeekReport', () => {
  it('draws the charts and lists actions and incidents, escaped', () => {
    const html = renderWeekReport({
      title: 'week <1>',
      summary: { goal_attainment: 0.99, human_interventions: 0 },
      points: [
        { hour: 4, attainment: 1, costMicros: 1000, budgetMicros: 2000, needs: 10, agents: { buyer: 3, mediator: 2 } },
        { hour: 8, attainment: 0.97, costMicros: 1500, budgetMicros: 2000, needs: 30, agents: { buyer: 4, mediator: 5 } },
      ],
      actions: [{ at: 3_600_000, kind: 'spawn', target: 'mediator', explanation: 'spawned 3 mediators: queue 340 > 50' }],
      incidents: [{ at: 90_000_000, kind: 'provider outage', detail: 'sim down', resolution: 'failed over', recoveryS: 3900 }],
    });
    expect(html).toContain('<title>week &lt;1&gt;</title>');
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).toContain('■ mediator');
    expect(html).toContain('<td>day 1 01:00</td><td>spawn</td><td>mediator</td><td>spawned 3 mediators: queue 340 &gt; 50</td>');
    expect(html).toContain('<td>day 2 01:00</td><td>provider outage</td>');
  });
});
