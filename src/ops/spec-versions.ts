/**
 * Kept spec versions: every applied spec is stored under `<dataDir>/spec-versions/` as
 * `<n>.yaml` plus one JSON line in `index.jsonl` (version, hash, source, time, summary), so
 * `daca spec history` can list them and `daca spec rollback <n>` can bring one back.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../errors.js';

/** One kept version. */
export interface SpecVersion {
  version: number;
  hash: string;
  source: string;
  appliedAt: number;
  /** e.g. "2 to add, 1 to change, 0 to remove" */
  summary: string;
  /** Set when this version restored an earlier one. */
  rollbackOf?: number;
}

/** The version folder of a data folder. */
export function specVersionsDir(dataDir: string): string {
  return join(dataDir, 'spec-versions');
}

/** Every kept version, oldest first (empty when none). */
export async function listSpecVersions(dataDir: string): Promise<SpecVersion[]> {
  let text: string;
  try {
    text = await readFile(join(specVersionsDir(dataDir), 'index.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as SpecVersion);
}

/** Keeps `text` as the next version; returns its record. */
export async function recordSpecVersion(dataDir: string, text: string, meta: Omit<SpecVersion, 'version' | 'appliedAt'> & { appliedAt?: number }): Promise<SpecVersion> {
  const dir = specVersionsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const version = ((await listSpecVersions(dataDir)).at(-1)?.version ?? 0) + 1;
  const v: SpecVersion = { version, hash: meta.hash, source: meta.source, appliedAt: meta.appliedAt ?? Date.now(), summary: meta.summary, ...(meta.rollbackOf ? { rollbackOf: meta.rollbackOf } : {}) };
  await writeFile(join(dir, `${version}.yaml`), text);
  await appendFile(join(dir, 'index.jsonl'), JSON.stringify(v) + '\n');
  return v;
}

/** The text of a kept version. @throws {NotFoundError} when there is no such version. */
export async function readSpecVersion(dataDir: string, version: number): Promise<string> {
  try {
    return await readFile(join(specVersionsDir(dataDir), `${version}.yaml`), 'utf8');
  } catch {
    throw new NotFoundError(`no spec version ${version}; see \`daca spec history\``);
  }
}
