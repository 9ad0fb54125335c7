/**
 * Child processes of a benchmark: each is started with the same Node binary and is ready once its
 * output matches a pattern (e.g. the URL it prints); all are killed together at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A started child and the first capture group of its ready pattern. */
export interface StartedChild {
  value: string;
  child: ChildProcess;
}

/** The children a benchmark started. */
export class Children {
  private readonly all: ChildProcess[] = [];

  /**
   * Runs `node ...cmd` in `cwd` and resolves when stdout matches `ready` (its first group is the
   * value); rejects with the child's output if it exits first or is not ready within `timeoutMs`.
   */
  start(cmd: string[], cwd: string, env: Record<string, string>, ready: RegExp, timeoutMs = 30_000): Promise<StartedChild> {
    const p = spawn(process.execPath, cmd, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.all.push(p);
    let out = '';
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`child did not start within ${timeoutMs} ms: ${out}`)), timeoutMs);
      const on = (d: Buffer): void => {
        out += d.toString();
        const m = ready.exec(out);
        if (m) {
          clearTimeout(t);
          p.stdout!.off('data', on);
          res({ value: m[1]!, child: p });
        }
      };
      p.stdout!.on('data', on);
      p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      p.once('exit', (c) => rej(new Error(`child exited ${c}: ${out}`)));
    });
  }

  /** Sends `signal` to every child still running. */
  killAll(signal: NodeJS.Signals = 'SIGTERM'): void {
    for (const c of this.all) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  }
}
