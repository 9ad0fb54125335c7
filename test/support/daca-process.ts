/**
 * Runs the built `daca` CLI as a child process, as a user would, for end-to-end tests.
 * Requires `npm run build` (the test script builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built CLI entry. */
export const DACA_BIN = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

/** A running `daca up`. */
export interface DacaProcess {
  url: string;
  proc: ChildProcess;
  cwd: string;
  adminKey: string;
  devKey: string | null;
  output(): string;
  /** Sends a signal and waits for exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `daca up --port 0` in a fresh (or given) folder and waits until it serves. */
export async function startDacaProcess(opts: { cwd?: string; args?: string[]; env?: Record<string, string>; startTimeoutMs?: number } = {}): Promise<DacaProcess> {
  if (!existsSync(DACA_BIN)) throw new Error(`${DACA_BIN} is missing: run \`npm run build\` first`);
  const cwd = opts.cwd ?? mkdtempSync(join(tmpdir(), 'daca-e2e-'));
  const adminKey = opts.env?.DACA_ADMIN_KEY ?? 'test-admin-key-0123456789abcdef';
  const proc = spawn(process.execPath, [DACA_BIN, 'up', '--port', '0', ...(opts.args ?? [])], {
    cwd,
    env: { ...process.env, DACA_ADMIN_KEY: adminKey, DACA_LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = await new Promise<string>((res, rej) => {
    const ms = opts.startTimeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL'); // do not leave it running behind a failed test
      rej(new Error(`daca up did not start in ${ms / 1000} s:\n${out}`));
    }, ms);
    const check = (): void => {
      const m = /daca is up at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`daca up exited with ${code}:\n${out}`));
    });
  });
  const devKey = /development key[^:]*: (\S+)/.exec(out)?.[1] ?? null;
  return {
    url,
    proc,
    cwd,
    adminKey,
    devKey,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

/** Runs the CLI to completion; resolves with exit code and output. */
export function runDaca(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [DACA_BIN, ...args], { cwd: opts.cwd ?? process.cwd(), env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // 'close', not 'exit': the process can exit before its piped output has been read.
    p.once('close', (code) => res({ code, stdout, stderr }));
  });
}

/** Creates a virtual key through the admin API. */
export async function createKey(url: string, adminKey: string, body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const r = await fetch(`${url}/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 201) throw new Error(`key creation failed: ${r.status} ${await r.text()}`);
  return (await r.json()) as { id: string; key: string };
}
