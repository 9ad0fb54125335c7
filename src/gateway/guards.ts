/**
 * The guard engines a gateway runs a call through. Each is optional: an engine the spec does not
 * use is left out, so the common path pays nothing for it.
 */
import type { ContentGuard } from '../guardrails/content/content-guard.js';
import type { ApprovalService } from '../guardrails/approvals/approval-service.js';
import type { BudgetEngine } from '../guardrails/budgets/budget-engine.js';
import type { KillSwitch } from '../guardrails/kill-switch/kill-switch.js';
import type { RateLimits } from '../guardrails/limits/rate-limits.js';
import type { ToolPolicy } from '../guardrails/tools/tool-policy.js';
import type { ModelDowngrades } from './model-downgrades.js';
import type { ResilientCaller } from '../resilience/resilient-caller.js';

/** Optional engines of the pipeline, in the order they act. */
export interface GatewayGuards {
  /** Suspended keys, agents, teams and tenants (403). */
  killSwitch?: KillSwitch | undefined;
  /** Requests/tokens per minute and concurrency (429). */
  limits?: RateLimits | undefined;
  /** Hard and soft USD budgets with atomic reservation (402). */
  budgets?: BudgetEngine | undefined;
  /** Content guardrails on input and output: PII, secrets, injection, toxicity, deny lists (400 / redaction). */
  content?: ContentGuard | undefined;
  /** Tool allow-lists and argument schemas (400 / approval). */
  tools?: ToolPolicy | undefined;
  /** Human approvals (403 approval_required). */
  approvals?: ApprovalService | undefined;
  /** Downgrades in force (a spend goal's `downgrade_model`): a cheaper model answers calls in their scope. */
  downgrades?: ModelDowngrades | undefined;
  /** Retries, circuit breakers and fallbacks across models and providers. */
  resilience?: ResilientCaller | undefined;
}
