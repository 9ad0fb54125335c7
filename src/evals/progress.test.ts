/**
 * The progress line: drawn on a terminal, silent otherwise.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentProgress, terminalProgress } from './progress.js';

function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; text(): string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  Object.assign(s, { isTTY: tty, columns: 120 });
  return { stream: s as unknown as NodeJS.WriteStream, text: () => out };
}

describe('terminalProgress', () => {
  it('draws done/total and the pass rate on a TTY', () => {
    const f = fakeStream(true);
    const p = terminalProgress(f.stream, 'eval');
    p.start(4, 2);
    for (const ok of [true, false, true, true]) p.tick(ok);
    p.stop();
    expect(f.text()).toContain('eval: resuming, 2 trials already done');
    expect(f.text()).toMatch(/\reval \[#{24}\] 4\/4 pass 75% \d+\/s eta 0s\x1b\[K\n$/);
  });

  it('is silent when stderr is not a terminal', () => {
    const f = fakeStream(false);
    expect(terminalProgress(f.stream)).toBe(silentProgress);
  });
});
