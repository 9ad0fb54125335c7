/**
 * The rule every sink applies when a run id already exists: resume only the same suite and agent.
 */
import { ConflictError } from '../../errors.js';
import type { RunMeta } from '../results.js';

/** Throws `ConflictError` when `stored` and `next` are not the same suite, agent, seed and trial count. */
export function assertResumable(stored: RunMeta, next: RunMeta): void {
  const diffs: string[] = [];
  if (stored.suiteHash !== next.suiteHash) diffs.push('the suite changed');
  if (stored.agent.model !== next.agent.model) diffs.push(`model ${stored.agent.model} ≠ ${next.agent.model}`);
  if (stored.agent.version !== next.agent.version) diffs.push(`agent version ${stored.agent.version} ≠ ${next.agent.version}`);
  if (stored.seed !== next.seed) diffs.push(`seed ${stored.seed} ≠ ${next.seed}`);
  if (stored.trials !== next.trials) diffs.push(`trials ${stored.trials} ≠ ${next.trials}`);
  if (diffs.length) throw new ConflictError(`run '${next.id}' already exists for another configuration (${diffs.join(', ')}); use a new --run-id`);
}
