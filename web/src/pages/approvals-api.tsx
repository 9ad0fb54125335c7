/**
 * The approvals API as the dashboard uses it: the shape of `/api/approvals` rows and the
 * approve/reject calls (`POST /api/approvals/:id/approve|reject`).
 */
import { ApiError, apiCredential } from '../api';

/** The state of an approval (`expired` is an automatic rejection). */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** One row of `GET /api/approvals`. */
export interface ApprovalView {
  id: string;
  status: ApprovalStatus;
  stage: 'request' | 'tool_calls';
  rule: string;
  reason: string;
  tenant: string;
  team: string;
  agent: string;
  session: string | null;
  model: string;
  max_tokens: number | null;
  estimated_cost_usd: number | null;
  messages: { role: string; content: unknown }[];
  tools: string[];
  tool_calls: { id: string; function: { name: string; arguments: string } }[];
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  decided_by: string | null;
  note: string | null;
  used_at: string | null;
}

/** The text of the last user message, shortened for a table cell. */
export function requestExcerpt(a: ApprovalView, max = 140): string {
  const last = [...a.messages].reverse().find((m) => m.role === 'user');
  const c = last?.content;
  const text = typeof c === 'string' ? c : Array.isArray(c) ? c.map((p) => (p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : '')).join(' ') : '';
  const flat = text.replace(/\[sim:[^\]]*\]/g, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Approves or rejects a pending approval; resolves with the decided approval. */
export async function decideApproval(id: string, decision: 'approve' | 'reject', body: { as?: string; note?: string }): Promise<ApprovalView> {
  const key = apiCredential();
  const res = await fetch(`/api/approvals/${encodeURIComponent(id)}/${decision}`, {
    method: 'POST',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let code: string | null = null;
    try {
      const b = (await res.json()) as { error?: { message?: string; code?: string } };
      if (b.error?.message) message = b.error.message;
      code = b.error?.code ?? null;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, message, code);
  }
  return (await res.json()) as ApprovalView;
}

const APPROVER_KEY = 'daca.approver';

/** The approver name this browser decides as (kept on the device). */
export function storedApprover(): string {
  try {
    return localStorage.getItem(APPROVER_KEY) ?? '';
  } catch {
    return '';
  }
}

/** Remembers the approver name on this device. */
export function storeApprover(name: string): void {
  try {
    if (name.trim()) localStorage.setItem(APPROVER_KEY, name.trim());
    else localStorage.removeItem(APPROVER_KEY);
  } catch {
    /* storage disabled: the name lasts for this page only */
  }
}
