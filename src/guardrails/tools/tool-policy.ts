/**
 * Tool-call governance: per-agent allow-lists of tool names and argument schemas, applied to the
 * tools a request declares and to the tool calls a model returns.
 */
import { ContentBlockedError } from '../../errors.js';
import type { ToolCall, ToolDefinition } from '../../providers/types.js';
import type { Spec } from '../../spec/schema.js';
import { compileSchema, type SchemaCheck } from './json-schema-check.js';

/** Why one tool call (or declaration) is not acceptable as is. */
export interface ToolViolation {
  tool: string;
  /** The model's tool-call id, for returned calls. */
  toolCallId?: string;
  /** `not_allowed`, `bad_arguments` (not JSON / schema violation) or `needs_approval`. */
  kind: 'not_allowed' | 'bad_arguments' | 'needs_approval';
  reason: string;
}

/** The decision on a set of tools or tool calls. */
export type ToolVerdict =
  | { action: 'allow' }
  | {
      /** `block` → 400 content_blocked; `approval` → ask a human (403 approval_required). */
      action: 'block' | 'approval';
      /** The policy id that decided. */
      policy: string;
      /** The first offending tool and why, in words a caller can read. */
      tool: string;
      reason: string;
      violations: ToolViolation[];
    };

interface CompiledTool {
  check: SchemaCheck | null;
  approval: boolean;
}

interface CompiledPolicy {
  id: string;
  allow: ReadonlyMap<string, CompiledTool>;
  onViolation: 'block' | 'approval';
  checkDeclared: boolean;
}

const ALLOW: ToolVerdict = Object.freeze({ action: 'allow' });

/**
 * The tool policies of a spec, compiled once (schemas included).
 *
 * @example
 * ```ts
 * const tools = new ToolPolicy(spec);
 * const v = tools.checkResult('support-bot', result.choices[0].message.tool_calls ?? []);
 * if (v.action === 'block') throw toolBlockedError(v);
 * ```
 */
export class ToolPolicy {
  private readonly byAgent = new Map<string, CompiledPolicy>();
  private readonly fallback: CompiledPolicy | null = null;

  constructor(spec: Pick<Spec, 'tools'>) {
    for (const [id, p] of Object.entries(spec.tools)) {
      const allow = new Map<string, CompiledTool>();
      for (const [name, t] of Object.entries(p.allow)) allow.set(name, { check: t.parameters ? compileSchema(t.parameters) : null, approval: t.approval });
      const compiled: CompiledPolicy = { id, allow, onViolation: p.on_violation, checkDeclared: p.check_declared };
      for (const agent of p.agents) {
        if (agent === '*') this.fallback ??= compiled;
        else if (!this.byAgent.has(agent)) this.byAgent.set(agent, compiled);
      }
    }
  }

  /** True when some policy governs `agent` (callers may skip stream assembly otherwise). */
  governs(agent: string): boolean {
    return this.byAgent.has(agent) || this.fallback !== null;
  }

  /** Checks the tools a request declares: each must be on the agent's allow-list. */
  checkDeclared(agent: string, tools: readonly ToolDefinition[] | undefined): ToolVerdict {
    if (!tools || tools.length === 0) return ALLOW;
    const p = this.byAgent.get(agent) ?? this.fallback;
    if (!p || !p.checkDeclared) return ALLOW;
    const violations: ToolViolation[] = [];
    for (const t of tools) {
      const name = t.function?.name ?? '';
      if (!p.allow.has(name)) violations.push({ tool: name, kind: 'not_allowed', reason: `tool '${name}' is not on the allow-list of agent '${agent}' (policy '${p.id}')` });
    }
    // A declaration is not an action: outside the allow-list it is refused, never sent for approval.
    return violations.length ? verdict('block', p, violations) : ALLOW;
  }

  /** Checks the tool calls a model returned: allowed names, arguments that parse and fit the schema. */
  checkResult(agent: string, toolCalls: readonly ToolCall[] | undefined): ToolVerdict {
    if (!toolCalls || toolCalls.length === 0) return ALLOW;
    const p = this.byAgent.get(agent) ?? this.fallback;
    if (!p) return ALLOW;
    let violations: ToolViolation[] | null = null;
    let approvals: ToolViolation[] | null = null;
    for (const call of toolCalls) {
      const name = call.function.name;
      const t = p.allow.get(name);
      if (!t) {
        (violations ??= []).push({ tool: name, toolCallId: call.id, kind: 'not_allowed', reason: `tool '${name}' is not on the allow-list of agent '${agent}' (policy '${p.id}')` });
        continue;
      }
      if (t.check) {
        let args: unknown;
        try {
          args = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
        } catch {
          (violations ??= []).push({ tool: name, toolCallId: call.id, kind: 'bad_arguments', reason: `the arguments of tool '${name}' are not valid JSON` });
          continue;
        }
        const bad = t.check(args);
        if (bad) {
          (violations ??= []).push({ tool: name, toolCallId: call.id, kind: 'bad_arguments', reason: `argument ${bad.path ? `'${bad.path.slice(1).replaceAll('/', '.')}' ` : ''}of tool '${name}' ${bad.message}` });
          continue;
        }
      }
      if (t.approval) (approvals ??= []).push({ tool: name, toolCallId: call.id, kind: 'needs_approval', reason: `tool '${name}' needs a human approval (policy '${p.id}')` });
    }
    if (violations) return verdict(p.onViolation, p, approvals ? [...violations, ...approvals] : violations);
    if (approvals) return verdict('approval', p, approvals);
    return ALLOW;
  }
}

function verdict(action: 'block' | 'approval', p: CompiledPolicy, violations: ToolViolation[]): ToolVerdict {
  const first = violations[0]!;
  return { action, policy: p.id, tool: first.tool, reason: violations.map((v) => v.reason).join('; '), violations };
}

/**
 * The 400 `content_blocked` error of a blocking verdict; the body names the tool and why.
 *
 * @example
 * ```ts
 * if (v.action === 'block') throw toolBlockedError(v, 'output');
 * ```
 */
export function toolBlockedError(v: Exclude<ToolVerdict, { action: 'allow' }>, direction: 'input' | 'output' = 'output'): ContentBlockedError {
  return new ContentBlockedError(`Blocked by tool policy '${v.policy}': ${v.reason}`, {
    param: direction === 'input' ? 'tools' : null,
    details: { guardrail: 'tools', policy: v.policy, tool: v.tool, reason: v.reason, direction, violations: v.violations },
  });
}
