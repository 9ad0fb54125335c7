/**
 * The login form: asks for a key (admin, operator, auditor or approver), checks it against
 * `/api/whoami`, and keeps it. The pages then follow the key's role and tenant.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, fetchJson } from '../api';

/** The login page; `onLogin` receives a validated key. */
export function LoginPage({ onLogin, reason }: { onLogin: (key: string, remember: boolean) => void; reason?: string | null }) {
  const [key, setKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const k = key.trim();
    if (!k) return setError('Enter your key.');
    setBusy(true);
    setError(null);
    try {
      const me = await fetchJson<{ role: string }>('/api/whoami', k);
      if (me.role === 'agent') return setError('That is an agent key; the dashboard needs an admin, operator, auditor or approver key.');
      onLogin(k, remember);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('That key was not accepted. Check DACA_ADMIN_KEY (or .daca/admin-key).');
      else if (err instanceof ApiError && err.status === 403) setError(`That key is valid but may not use the dashboard: ${err.message}`);
      else setError(`Could not reach daca: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form onSubmit={submit} className="card login-card" aria-labelledby="login-title" data-testid="login-form">
        <div className="brand brand-big">
          <span className="logo" aria-hidden="true">d</span> daca
        </div>
        <h1 id="login-title">Sign in to the dashboard</h1>
        <p className="muted">
          Enter your key: the admin key (<code>DACA_ADMIN_KEY</code>, or the one <code>daca up</code> keeps in <code>.daca/admin-key</code>), or an operator, auditor or approver key from <code>daca keys create --role …</code>.
        </p>
        {reason ? <p className="note note-warn">{reason}</p> : null}
        <label>
          Admin key (or operator, auditor, approver key)
          <input name="key" type="password" autoComplete="current-password" autoFocus value={key} onChange={(e) => setKey(e.target.value)} placeholder="sk-…" />
        </label>
        <label className="check">
          <input name="remember" type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember on this device
        </label>
        {error ? (
          <p className="note note-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
