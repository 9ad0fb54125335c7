#!/usr/bin/env node
/**
 * A team's agent in its own Node process, as a team would write it against the built package:
 * `defineAgent`, run by `startAgentProcess` (model calls through daca under the team's key) and
 * joined to daca's mesh by `joinMesh` (A2A served from this process, registered by URL).
 * Env: DACA_URL, DACA_KEY (the team's key), DACA_ADMIN_KEY. Prints one JSON line when joined.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineAgent, joinMesh, messageText, startAgentProcess } from '../../dist/src/index.js';

const stocktaker = defineAgent({
  name: 'stocktaker',
  description: 'Counts stock in the warehouse',
  skills: [{ id: 'count-stock', name: 'Count stock', description: 'Count how many units of a product are left in the warehouse', examples: ['How many kettles do we have left?'] }],
  handlers: {
    async onMessage(_ctx, m) {
      return `stocktaker (pid ${process.pid}) counted: ${messageText(m)}`;
    },
  },
});

const rt = await startAgentProcess({ dacaUrl: process.env.DACA_URL, key: process.env.DACA_KEY, agents: [stocktaker], dataDir: mkdtempSync(join(tmpdir(), 'daca-team-')) });
const joined = await joinMesh(rt, { dacaUrl: process.env.DACA_URL, adminKey: process.env.DACA_ADMIN_KEY });
process.stdout.write(JSON.stringify({ pid: process.pid, url: joined.url, agents: joined.agents }) + '\n');
const stop = () => void joined.close().then(() => rt.close()).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
