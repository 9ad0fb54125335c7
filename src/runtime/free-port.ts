/**
 * Free TCP ports on 127.0.0.1, and ports remembered across restarts in a small JSON file.
 */
import { createServer } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';

/** A port that was free a moment ago (bind to 0, read, release). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** True when `port` can be bound on `host` now. */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.unref();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/**
 * Ports by name: `wanted` when non-zero, else the one remembered in `file` when still free, else a
 * fresh free port. The result is written back to `file`, so a restart reuses the same ports
 * (Restate pins running invocations to the endpoint URL they started on).
 */
export async function stablePorts<K extends string>(file: string, wanted: Record<K, number>): Promise<Record<K, number>> {
  let remembered: Partial<Record<K, number>> = {};
  try {
    remembered = JSON.parse(await readFile(file, 'utf8')) as Partial<Record<K, number>>;
  } catch {
    /* first start */
  }
  const out = {} as Record<K, number>;
  const taken = new Set<number>();
  for (const k of Object.keys(wanted) as K[]) {
    let p = wanted[k];
    if (!p) {
      const r = remembered[k];
      p = r && !taken.has(r) && (await portIsFree(r)) ? r : 0;
      while (!p || taken.has(p)) p = await freePort();
    }
    taken.add(p);
    out[k] = p;
  }
  await writeFile(file, JSON.stringify(out) + '\n');
  return out;
}
