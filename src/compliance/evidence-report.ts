/**
 * The HTML summary of an evidence bundle: scope, integrity, counts by kind and verdict, the
 * checkpoints, and the records (first 2,000) with their decisions. Self-contained, no scripts.
 */
import type { AuditBody } from './audit-types.js';

/** What the report shows. */
export interface EvidenceReportData {
  createdAt: number;
  from: number | null;
  to: number | null;
  tenant: string | null;
  treeSize: number;
  keyId: string;
  ledgerVerified: boolean;
  ledgerProblem: string | null;
  checkpoints: { treeSize: number; ts: number; rootHash: string }[];
  records: { seq: number; id: string; ts: number; tenant: string; kind: string; actor: string; agent: string | null; requestId: string | null; body: AuditBody | null }[];
}

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const iso = (t: number | null): string => (t === null ? '—' : new Date(t).toISOString());

function counts<T>(xs: readonly T[], key: (x: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]);
}

/** Renders the report. */
export function renderEvidenceReport(d: EvidenceReportData): string {
  const table = (rows: [string, number][]): string => `<table><tr><th>value</th><th>records</th></tr>${rows.map(([k, n]) => `<tr><td>${esc(k)}</td><td class="n">${n}</td></tr>`).join('')}</table>`;
  const shown = d.records.slice(0, 2000);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>daca audit evidence ${esc(iso(d.from))} – ${esc(iso(d.to))}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}.n{text-align:right}.ok{color:#070}.bad{color:#b00}code{font-size:12px}</style></head>
<body>
<h1>Audit evidence</h1>
<p>Records from <b>${esc(iso(d.from))}</b> to <b>${esc(iso(d.to))}</b>${d.tenant ? ` for tenant <b>${esc(d.tenant)}</b>` : ' for all tenants'}; created ${esc(iso(d.createdAt))}.</p>
<p>Ledger verification when exported: ${d.ledgerVerified ? '<b class="ok">passed</b>' : `<b class="bad">FAILED</b>: ${esc(d.ledgerProblem)}`}.
Every record below is proven to be in the Merkle tree of <b>${d.treeSize}</b> records signed by key <code>${esc(d.keyId)}</code>.
Check it offline with <code>node verify.mjs</code> in this folder.</p>
<h2>Records by kind</h2>${table(counts(d.records, (r) => r.kind))}
<h2>Decisions</h2>${table(counts(d.records, (r) => r.body?.decision?.action ?? (r.body ? 'none' : 'purged')))}
<h2>Checkpoints</h2><table><tr><th>tree size</th><th>signed at</th><th>root</th></tr>${d.checkpoints
    .map((c) => `<tr><td class="n">${c.treeSize}</td><td>${esc(iso(c.ts))}</td><td><code>${esc(c.rootHash)}</code></td></tr>`)
    .join('')}</table>
<h2>Records${shown.length < d.records.length ? ` (first ${shown.length} of ${d.records.length})` : ''}</h2>
<table><tr><th>seq</th><th>time</th><th>tenant</th><th>kind</th><th>actor</th><th>agent</th><th>request</th><th>decision</th><th>reasons</th></tr>${shown
    .map(
      (r) =>
        `<tr><td class="n">${r.seq}</td><td>${esc(iso(r.ts))}</td><td>${esc(r.tenant)}</td><td>${esc(r.kind)}</td><td>${esc(r.actor)}</td><td>${esc(r.agent)}</td><td>${esc(r.requestId)}</td><td>${esc(r.body?.decision?.action ?? '')}</td><td>${esc(
          (r.body?.decision?.reasons ?? []).map((x) => `${x.source}:${x.name} ${x.effect}`).join('; '),
        )}</td></tr>`,
    )
    .join('')}</table>
</body></html>
`;
}
