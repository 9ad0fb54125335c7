/**
 * Preloaded into a child process (`node --import rss-probe.js …`): on exit, writes the process's
 * peak resident set size (KiB, from `process.resourceUsage().maxRSS`) to `$DACA_BENCH_RSS_FILE`.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.DACA_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
