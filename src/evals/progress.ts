/**
 * A tiny progress line on stderr (only when stderr is a terminal): done/total, pass rate, rate and
 * ETA, redrawn at most every 100 ms.
 */

/** Receives progress of a run. */
export interface ProgressReporter {
  start(total: number, skipped: number): void;
  tick(passed: boolean): void;
  stop(): void;
}

/** A reporter that prints nothing. */
export const silentProgress: ProgressReporter = { start() {}, tick() {}, stop() {} };

/**
 * A progress line on `stream` (default stderr); silent when the stream is not a TTY.
 *
 * @example
 * ```ts
 * const p = terminalProgress();
 * p.start(100, 0); p.tick(true); p.stop();
 * ```
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, label = 'eval'): ProgressReporter {
  if (!stream.isTTY) return silentProgress;
  let total = 0;
  let done = 0;
  let passed = 0;
  let started = 0;
  let last = 0;
  const draw = (): void => {
    const width = 24;
    const frac = total ? done / total : 1;
    const fill = Math.round(frac * width);
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const line = `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} pass ${done ? ((passed / done) * 100).toFixed(0) : '-'}% ${rate.toFixed(0)}/s eta ${eta}s`;
    stream.write(`\r${line.slice(0, (stream.columns || 100) - 1)}\x1b[K`);
  };
  return {
    start(t, skipped) {
      total = t;
      done = 0;
      started = performance.now();
      if (skipped) stream.write(`${label}: resuming, ${skipped} trials already done\n`);
      draw();
    },
    tick(p) {
      done++;
      if (p) passed++;
      const now = performance.now();
      if (now - last > 100 || done === total) {
        last = now;
        draw();
      }
    },
    stop() {
      draw();
      stream.write('\n');
    },
  };
}
