import { describe, expect, it } from 'vitest';
import { lineChart, renderWeekReport } from './week-report.js';

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

  it('labels only the days on the chart and gives counts whole-number ticks', () => {
    const xs = [0, 24, 48];
    const svg = lineChart('needs', xs, [{ name: 'needs', ys: [0, 400, 1600] }], { yMin: 0 });
    expect(svg).toContain('>day 1<');
    expect(svg).toContain('>day 2<');
    expect(svg).not.toContain('>day 3<'); // x ends where day 2 ends: its closing gridline has no label
    expect(svg.match(/<line x1="[\d.]+" x2="[\d.]+" y1="24" y2="192" stroke="#ddd"\/>/g)?.length).toBe(3);
    expect(svg).toContain('>0</text>');
    expect(svg).not.toContain('0.000');
    const shares = lineChart('attainment', xs, [{ name: 'a', ys: [0.9, 0.95, 1] }], { yMin: 0.8, yMax: 1 });
    expect(shares).toContain('>0.950</text>');
  });
});
