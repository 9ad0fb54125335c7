/**
 * The login form: asks for the admin key, checks it against `/api/usage`, and keeps it.
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
    if (!k) return setError('Enter the admin key.');
    setBusy(true);
    setError(null);
    try {
      await fetchJson('/api/usage?from=-1h', k);
      onLogin(k, remember);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('That key was not accepted. Check DACA_ADMIN_KEY (or .daca/admin-key).');
      else if (err instanceof ApiError && err.status === 403) setError('That key is valid but not an admin key; the dashboard needs the admin key.');
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
          Enter the admin key: <code>DACA_ADMIN_KEY</code>, or the one <code>daca up</code> keeps in <code>.daca/admin-key</code>.
        </p>
        {reason ? <p className="note note-warn">{reason}</p> : null}
        <label>
          Admin key
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
