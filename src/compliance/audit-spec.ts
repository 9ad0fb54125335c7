/**
 * The `audit:` section of daca.yaml: how the ledger writes, checkpoints and retains. Whether a
 * response waits for its audit record is `server.durability` (`strict` waits).
 */
import { z } from 'zod';
import { parseRetention, type RetentionPolicy } from './retention.js';

const duration = z
  .string()
  .regex(/^(\d+(ms|s|m|h|d|w|y)|forever)$/, "expected a duration like 30d, 7y, 12h, or 'forever'");

/** The audit section. */
export const AuditSpecSchema = z
  .object({
    flush_ms: z.number().int().positive().default(200).describe('longest a batched audit record waits before it is written'),
    batch_size: z.number().int().positive().default(2000).describe('audit records per transaction'),
    checkpoint_every: z.number().int().positive().default(10_000).describe('sign a Merkle checkpoint after this many records…'),
    checkpoint_interval_ms: z.number().int().positive().default(30_000).describe('…or after this long with new records'),
    sqlite_sync: z.enum(['normal', 'full']).default('normal').describe('normal survives a crash of daca; full also a power cut (fsync per commit)'),
    capture_content: z.boolean().default(false).describe('keep prompts (request messages or input) in gateway records, encrypted per data subject'),
    retention: z
      .record(z.string(), duration)
      .default({ inputs: '30d', decisions: '7y', admin: 'forever' })
      .describe('payload retention per record class; `inputs` covers every record\'s inputs (prompts)'),
    purge_interval_ms: z.number().int().positive().default(3_600_000).describe('how often the retention purge runs'),
  })
  .strict();

/** A parsed audit section. */
export type AuditSpec = z.infer<typeof AuditSpecSchema>;

/** The retention policy of an audit section, in ms per class (null = forever). */
export function retentionPolicyOf(spec: AuditSpec): RetentionPolicy {
  const out: RetentionPolicy = {};
  for (const [cls, v] of Object.entries(spec.retention)) out[cls] = parseRetention(v);
  return out;
}
