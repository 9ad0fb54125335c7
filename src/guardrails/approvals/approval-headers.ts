/**
 * The approval headers of a gateway request: `x-daca-approval: <id>` redeems an approval,
 * `x-daca-approval-wait: 30s` (or `30`, seconds, or `500ms`) waits inline for a decision.
 */
import { InvalidRequestError } from '../../errors.js';
import type { AdmitOptions } from './approval-service.js';
import { parseApprovalDuration } from './duration.js';

/** Header naming the approval a retried request redeems. */
export const APPROVAL_HEADER = 'x-daca-approval';
/** Header asking the request to wait for a decision. */
export const APPROVAL_WAIT_HEADER = 'x-daca-approval-wait';

/**
 * Reads the approval headers; undefined fields when absent.
 *
 * @throws InvalidRequestError for a malformed id or wait.
 * @example
 * ```ts
 * const opts = approvalHeaders((h) => c.req.header(h), call.signal);
 * const approval = await approvals.admit(ctx, opts);
 * ```
 */
export function approvalHeaders(get: (name: string) => string | undefined, signal?: AbortSignal): AdmitOptions {
  const out: AdmitOptions = {};
  const id = get(APPROVAL_HEADER)?.trim();
  if (id) {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new InvalidRequestError(`${APPROVAL_HEADER} must be an approval id such as apr_…`, { param: APPROVAL_HEADER });
    out.approvalId = id;
  }
  const wait = get(APPROVAL_WAIT_HEADER)?.trim();
  if (wait) {
    const ms = parseApprovalDuration(wait, 's');
    if (ms === undefined) throw new InvalidRequestError(`${APPROVAL_WAIT_HEADER} must be a duration such as 30s, 500ms or 2m (got '${wait}')`, { param: APPROVAL_WAIT_HEADER });
    out.waitMs = ms;
  }
  if (signal) out.signal = signal;
  return out;
}
