import { describe, expect, it } from 'vitest';
import { EventHub } from './event-hub.js';

describe('EventHub', () => {
  it('delivers SSE frames to every subscriber, filtered by type', async () => {
    const hub = new EventHub();
    const all = hub.subscribe();
    const alerts = hub.subscribe({ types: ['alert'] });
    hub.publish('usage', { id: 'r1' });
    hub.publish('alert', { rule: 'x' });
    expect(await all.next()).toBe('event: usage\nid: 1\ndata: {"id":"r1"}\n\n');
    expect(await all.next()).toBe('event: alert\nid: 2\ndata: {"rule":"x"}\n\n');
    expect(await alerts.next()).toBe('event: alert\nid: 2\ndata: {"rule":"x"}\n\n');
    expect(alerts.buffered).toBe(0);
  });

  it('wakes a waiting reader', async () => {
    const hub = new EventHub();
    const sub = hub.subscribe();
    const next = sub.next();
    hub.publish('anomaly', { agent: 'a5' });
    expect(await next).toContain('data: {"agent":"a5"}');
  });

  it('drops and counts events for a lagging subscriber, then reports the gap', async () => {
    const hub = new EventHub({ maxBuffered: 3 });
    const slow = hub.subscribe();
    const fast = hub.subscribe({ maxBuffered: 100 });
    for (let i = 0; i < 10; i++) hub.publish('usage', { i });
    expect(slow.buffered).toBe(3);
    expect(slow.dropped).toBe(7);
    expect(fast.dropped).toBe(0);
    expect(hub.droppedTotal).toBe(7);
    for (let i = 0; i < 3; i++) expect(await slow.next()).toContain(`"i":${i}`);
    expect(await slow.next()).toBe('event: dropped\ndata: {"dropped":7,"total":7}\n\n');
    hub.publish('usage', { i: 10 });
    expect(await slow.next()).toContain('"i":10');
  });

  it('ends subscriptions on close and forgets them', async () => {
    const hub = new EventHub();
    const sub = hub.subscribe();
    const pending = sub.next();
    expect(hub.subscribers).toBe(1);
    hub.close();
    expect(await pending).toBeNull();
    expect(await sub.next()).toBeNull();
    expect(hub.subscribers).toBe(0);
    hub.publish('usage', {}); // no subscribers: no work, no error
    expect(hub.published).toBe(1);
  });

  it('sends a heartbeat comment only when idle', async () => {
    const hub = new EventHub();
    const sub = hub.subscribe();
    sub.heartbeat();
    expect(await sub.next()).toBe(': ping\n\n');
    hub.publish('usage', { a: 1 });
    sub.heartbeat();
    expect(await sub.next()).toContain('event: usage');
    expect(sub.buffered).toBe(0);
  });
});
