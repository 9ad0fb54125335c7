/**
 * The `tools:` section of daca.yaml: which tools each agent may call, with what arguments.
 *
 * ```yaml
 * tools:
 *   support-tools:
 *     agents: [support-bot]            # or ["*"] for every agent without a policy of its own
 *     on_violation: block               # block (400 content_blocked) or approval (403 approval_required)
 *     check_declared: true              # a request declaring a tool outside the list is blocked
 *     allow:
 *       lookup_order:
 *         parameters:                   # JSON schema of the arguments (common subset)
 *           type: object
 *           properties: { order_id: { type: string, pattern: "^ord_[0-9]+$" } }
 *           required: [order_id]
 *           additionalProperties: false
 *       issue_refund:
 *         parameters: { type: object, properties: { amount: { type: number, maximum: 100 } } }
 *         approval: true                # every call of this tool needs a human
 * ```
 *
 * An agent without a policy may call any tool.
 */
import { z } from 'zod';
import { compileSchema, SchemaCompileError } from './json-schema-check.js';

/** One allowed tool. */
export const AllowedToolSchema = z
  .object({
    parameters: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('JSON schema of the arguments (type, properties, required, enum, items, additionalProperties, min/max, pattern)')
      .superRefine((s, ctx) => {
        if (s === undefined) return;
        try {
          compileSchema(s);
        } catch (e) {
          if (!(e instanceof SchemaCompileError)) throw e;
          ctx.addIssue({ code: 'custom', message: e.message });
        }
      }),
    approval: z.boolean().default(false).describe('every call of this tool needs a human approval'),
  })
  .strict();

/** One tool policy. */
export const ToolPolicySchema = z
  .object({
    agents: z.array(z.string().min(1)).min(1).describe('agents this policy governs ("*" = every agent without its own policy)'),
    allow: z.record(z.string().min(1), AllowedToolSchema.nullable().transform((t) => t ?? { approval: false })).default({}),
    on_violation: z.enum(['block', 'approval']).default('block'),
    check_declared: z.boolean().default(true).describe('block requests that declare tools outside the allow-list'),
  })
  .strict();

/** The `tools:` section: policies by id. */
export const ToolsSchema = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected a policy id'), ToolPolicySchema);

/** A tool policy after defaults. */
export type ToolPolicySpec = z.infer<typeof ToolPolicySchema>;
/** The tools section after defaults. */
export type ToolsSpec = z.infer<typeof ToolsSchema>;
