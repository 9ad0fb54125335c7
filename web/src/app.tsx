/**
 * The dashboard shell: login gate, header with navigation, range and live status, and the pages.
 */
import { useCallback, useEffect, useState } from 'react';
import { apiGet, setApiCredential, setUnauthorizedHandler } from './api';
import { canOpen, forgetCredentials, initialCredential, storedCredential, storeKey, type Credential, type Whoami } from './auth';
import { PageBoundary } from './components/boundary';
import { Link, Note } from './components/ui';
import { LiveProvider, useLive } from './live';
import { RANGES, RangeProvider, useRange } from './range';
import { navigate, useRoute } from './router';
import { AgentDetailPage } from './pages/agent-detail';
import { AgentsPage } from './pages/agents';
import { AlertsPage } from './pages/alerts';
import { ApprovalsPage } from './pages/approvals';
import { AuditPage } from './pages/audit';
import { AuditRecordPage } from './pages/audit-record';
import { EvalComparePage } from './pages/eval-compare';
import { EvalRunPage } from './pages/eval-run';
import { EvalsPage } from './pages/evals';
import { SavingsPage } from './pages/savings';
import { RolloutDetailPage } from './pages/rollouts-detail';
import { RolloutsPage } from './pages/rollouts';
import { LoginPage } from './pages/login';
import { MarketDetailPage, MarketplacePage } from './pages/marketplace';
import { MarketDealPage } from './pages/marketplace-deal';
import { OverviewPage } from './pages/overview';
import { SessionDetailPage } from './pages/session-detail';
import { SessionsPage } from './pages/sessions';
import { TopologyPage } from './pages/topology';

const NAV = [
  { to: '', label: 'Overview' },
  { to: 'agents', label: 'Agents' },
  { to: 'sessions', label: 'Sessions' },
  { to: 'alerts', label: 'Alerts' },
  { to: 'approvals', label: 'Approvals' },
  { to: 'rollouts', label: 'Rollouts' },
  { to: 'evals', label: 'Evals' },
  { to: 'savings', label: 'Savings' },
  { to: 'audit', label: 'Audit' },
  { to: 'topology', label: 'Topology' },
  { to: 'marketplace', label: 'Marketplace' },
] as const;

function LiveStatus() {
  const { mode } = useLive();
  const text = mode === 'live' ? 'Live' : mode === 'polling' ? 'Polling 5 s' : 'Connecting';
  return (
    <span className={`live live-${mode}`} data-testid="live-status" title={mode === 'live' ? 'Figures update as requests happen' : mode === 'polling' ? 'The event stream is unavailable; figures refresh every 5 seconds' : ''}>
      <span className="dot" aria-hidden="true" /> {text}
    </span>
  );
}

function RangePicker() {
  const { range, setRange } = useRange();
  return (
    <select aria-label="Time range" value={range.id} onChange={(e) => setRange(RANGES.find((r) => r.id === e.target.value) ?? range)}>
      {RANGES.map((r) => (
        <option key={r.id} value={r.id}>
          {r.label}
        </option>
      ))}
    </select>
  );
}

function Page() {
  const { parts } = useRoute();
  const [section, id] = parts;
  if (!section) return <OverviewPage />;
  if (section === 'agents') return id ? <AgentDetailPage agent={id} /> : <AgentsPage />;
  if (section === 'sessions') return id ? <SessionDetailPage session={id} /> : <SessionsPage />;
  if (section === 'alerts') return <AlertsPage />;
  if (section === 'approvals') return <ApprovalsPage />;
  if (section === 'rollouts') return id ? <RolloutDetailPage id={id} /> : <RolloutsPage />;
  if (section === 'evals') return id === 'compare' ? <EvalComparePage /> : id ? <EvalRunPage id={id} /> : <EvalsPage />;
  if (section === 'savings') return <SavingsPage />;
  if (section === 'audit') return id ? <AuditRecordPage id={id} /> : <AuditPage />;
  if (section === 'topology') return <TopologyPage />;
  if (section === 'marketplace') return parts[2] ? <MarketDealPage market={id!} deal={parts[2]} /> : id ? <MarketDetailPage id={id} /> : <MarketplacePage />;
  return <Note kind="warn">There is no page “{parts.join('/')}”. <Link to="">Go to the overview</Link>.</Note>;
}

/** What the signed-in key is and may use (null until `/api/whoami` answers). */
function useWhoami(secret: string): Whoami | null {
  const [me, setMe] = useState<Whoami | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    apiGet<Whoami>('/api/whoami', ac.signal).then(setMe, () => setMe(null));
    return () => ac.abort();
  }, [secret]);
  return me;
}

function Shell({ onLogout, cred }: { onLogout: () => void; cred: Credential }) {
  const { parts } = useRoute();
  const section = parts[0] ?? '';
  const me = useWhoami(cred.secret);
  // pages the role cannot read are hidden; the API scopes the data either way
  const nav = NAV.filter((n) => canOpen(me, n.to));
  useEffect(() => {
    if (me && !canOpen(me, section) && nav[0]) navigate(nav[0].to, { replace: true });
  }, [me, section]);
  return (
    <div className="shell">
      <header className="top">
        <div className="top-row">
          <Link to="" className="brand">
            <span className="logo" aria-hidden="true">d</span> daca
          </Link>
          <nav className="tabs" aria-label="Pages">
            {nav.map((n) => (
              <Link key={n.to} to={n.to} className={section === n.to ? 'tab active' : 'tab'}>
                {n.label}
              </Link>
            ))}
          </nav>
          <div className="tools">
            {me ? (
              <span className="muted" data-testid="whoami" title={`key ${me.key_id}`}>
                {me.role} · {me.all_tenants ? 'all tenants' : me.tenant}
              </span>
            ) : null}
            <LiveStatus />
            <RangePicker />
            <button type="button" className="ghost" onClick={onLogout} title={cred.source === 'server-session' ? 'Signed in by the server session' : 'Forget the key on this device'}>
              Log out
            </button>
          </div>
        </div>
      </header>
      <main className="content">
        <PageBoundary key={parts.join('/')}>
          <Page />
        </PageBoundary>
      </main>
      <footer className="foot muted">daca control plane · money in USD · times in your local zone</footer>
    </div>
  );
}

/** The app. */
export function App() {
  const [cred, setCred] = useState<Credential | null>(initialCredential);
  const [reason, setReason] = useState<string | null>(null);
  setApiCredential(cred?.secret ?? null);

  const logout = useCallback((why: string | null) => {
    forgetCredentials();
    setApiCredential(null);
    setReason(why);
    setCred(null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCred((c) => {
        if (c?.source === 'server-session') {
          // the injected session was refused (expired, or a server that does not accept sessions): try a stored key
          document.querySelector('meta[name="daca-session"]')?.remove();
          const stored = storedCredential();
          if (stored) return stored;
        }
        forgetCredentials();
        setReason('Your session has ended or the key is no longer accepted. Sign in again.');
        return null;
      });
    });
  }, []);

  if (!cred) {
    return (
      <LoginPage
        reason={reason}
        onLogin={(key, remember) => {
          setReason(null);
          setCred(storeKey(key, remember));
          if (!location.pathname.startsWith('/ui/')) navigate('', { replace: true });
        }}
      />
    );
  }
  return (
    <RangeProvider>
      <LiveProvider secret={cred.secret}>
        <Shell cred={cred} onLogout={() => logout(null)} />
      </LiveProvider>
    </RangeProvider>
  );
}
