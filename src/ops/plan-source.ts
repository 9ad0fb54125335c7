/**
 * What a plan compares against: an explicit file, the running node's spec (`GET /api/spec`,
 * secrets redacted there), or the last kept version in the data folder.
 */
import { readFile } from 'node:fs/promises';
import { parseSpecText } from '../spec/loader.js';
import { listSpecVersions, readSpecVersion } from './spec-versions.js';

/** The current side of a plan. */
export interface PlanBase {
  /** The current spec as JSON (parsed, defaulted). */
  spec: unknown;
  /** Where it came from, for the header. */
  label: string;
}

/** The last kept version, or an empty spec (`label: (no applied spec)`) when none was applied. */
export async function lastAppliedBase(dataDir: string): Promise<PlanBase> {
  const last = (await listSpecVersions(dataDir)).at(-1);
  if (!last) return { spec: parseSpecText('version: 1\n', '(empty)', {}).spec, label: '(no applied spec)' };
  const text = await readSpecVersion(dataDir, last.version);
  return { spec: parseSpecText(text, `version ${last.version}`, process.env).spec, label: `applied version ${last.version} (${last.hash.slice(0, 12)})` };
}

/** A spec file as the base. */
export async function fileBase(path: string): Promise<PlanBase> {
  return { spec: parseSpecText(await readFile(path, 'utf8'), path, process.env).spec, label: path };
}
