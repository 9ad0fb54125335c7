/**
 * An agent run as a shell command: each turn starts `/bin/sh -c <command>`, writes the turn as JSON
 * `{input, history, case, persona, seed}` to its stdin, and reads one JSON answer
 * `{output, tool_calls?, tool_results?, usage?, cost_usd?}` from its stdout.
 */
import { spawn } from 'node:child_process';
import { UpstreamError, UpstreamTimeoutError } from '../../errors.js';
import { fromWire, type AgentReply, type AgentTurn, type AgentUnderTest, type AgentWireReply } from './types.js';

/** Options of {@link commandAgent}. */
export interface CommandAgentOptions {
  command: string;
  /** Working directory (default: the current one). */
  cwd?: string;
  timeoutMs?: number;
  version?: string;
}

/**
 * An {@link AgentUnderTest} that runs `command` once per turn.
 *
 * @example
 * ```ts
 * const agent = commandAgent({ command: 'node my-agent.js' });
 * ```
 */
export function commandAgent(opts: CommandAgentOptions): AgentUnderTest {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return {
    kind: 'command',
    model: undefined,
    version: opts.version ?? opts.command,
    respond(turn: AgentTurn): Promise<AgentReply> {
      return new Promise((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', opts.command], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new UpstreamTimeoutError(`agent command did not answer within ${timeoutMs} ms: ${opts.command}`));
        }, timeoutMs);
        child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
        child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(new UpstreamError(`cannot run agent command '${opts.command}': ${e.message}`, { cause: e }));
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          if (code !== 0) return reject(new UpstreamError(`agent command exited ${code}: ${err.trim().slice(0, 200) || opts.command}`));
          try {
            resolve(fromWire(JSON.parse(out) as AgentWireReply));
          } catch {
            reject(new UpstreamError(`agent command printed invalid JSON: ${out.slice(0, 120)}`));
          }
        });
        child.stdin.on('error', () => {
          /* the command may exit without reading stdin */
        });
        child.stdin.end(JSON.stringify({ input: turn.input, history: turn.history, case: turn.case, persona: turn.persona, seed: turn.seed }));
      });
    },
    close() {},
  };
}
