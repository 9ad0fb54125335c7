/**
 * One deal through its negotiation: posted, dispatched, matched, held, every offer and
 * counter-offer with its price, agreement, commitment, approval and decision, settlement (or the
 * timeouts, aborts and re-matches on the way), in simulated seconds.
 */
import { ApiNote, Badge, Card, Link, Loading, TableWrap } from '../components/ui';
import { money } from '../format';
import { useApi } from '../use-api';

interface DealEventView {
  at_s: number;
  kind: string;
  by: string;
  detail: Record<string, unknown>;
}

const TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'muted'> = {
  settled: 'ok', approved: 'ok', agreed: 'ok', accept: 'ok', committed: 'info', approval: 'warn', rejected: 'bad', timeout: 'bad', aborted: 'bad', expired: 'bad', refused: 'bad', deadlock: 'bad',
};

function detailText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k} ${typeof v === 'number' && /price|amount|limit/i.test(k) ? money(v / 1e6) : String(v)}`)
    .join(' · ');
}

/** The deal view. */
export function MarketDealPage({ market, deal }: { market: string; deal: string }) {
  const h = useApi<{ deal: string; history: DealEventView[] }>(`/api/orchestration/markets/${encodeURIComponent(market)}/deals/${encodeURIComponent(deal)}`);
  return (
    <div className="page" data-testid="page-deal">
      <p>
        <Link to={`marketplace/${encodeURIComponent(market)}`}>← {market}</Link> · deal <strong>{deal}</strong>
      </p>
      <Card title="Negotiation">
        {!h.data ? (
          h.loading ? <Loading /> : <ApiNote state={h} what="the deal" />
        ) : (
          <TableWrap>
            <table data-testid="deal-history">
              <thead>
                <tr>
                  <th>Simulated time</th>
                  <th>Step</th>
                  <th>By</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {h.data.history.map((e, i) => (
                  <tr key={i} data-kind={e.kind}>
                    <td>{e.at_s.toFixed(1)} s</td>
                    <td>
                      <Badge tone={TONE[e.kind] ?? 'muted'}>{e.kind}</Badge>
                    </td>
                    <td>{e.by}</td>
                    <td>{detailText(e.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
    </div>
  );
}
