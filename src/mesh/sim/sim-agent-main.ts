#!/usr/bin/env node
/**
 * Runs a sim agent as a process: `node dist/src/mesh/sim/sim-agent-main.js --name seller [--port 0] [--delay-ms 0] [--skills id:name,…]`.
 * Prints one JSON line `{"url": …}` when it listens.
 */
import { startSimAgent } from './sim-agent.js';

const args = process.argv.slice(2);
const arg = (name: string, d?: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : d;
};
const skills = (arg('skills', '') ?? '')
  .split(',')
  .filter(Boolean)
  .map((s) => {
    const [id, name] = s.split(':');
    return { id: id!, name: name ?? id!, description: name ?? id! };
  });
const agent = await startSimAgent({ name: arg('name', 'sim')!, port: Number(arg('port', '0')), delayMs: Number(arg('delay-ms', '0')), skills });
process.stdout.write(JSON.stringify({ url: agent.url }) + '\n');
process.on('SIGTERM', () => void agent.close().then(() => process.exit(0)));
