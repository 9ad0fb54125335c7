/**
 * Small building blocks shared by the pages: cards, stats, notes, times, links, badges.
 */
import type { MouseEvent, ReactNode } from 'react';
import { absolute, fullDate, relative, toMs } from '../format';
import { href, navigate } from '../router';
import type { ApiState } from '../use-api';

/** A link inside the app (no reload). */
export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={href(to)} onClick={onClick} className={className}>
      {children}
    </a>
  );
}

/** A headline figure. `value` is the exact number, exposed as `data-value` for tests and tools. */
export function Stat({ id, label, text, value, hint }: { id: string; label: string; text: string; value?: number | null; hint?: ReactNode }) {
  return (
    <div className="stat" data-testid={`stat-${id}`} data-value={value ?? ''}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{text}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

/** A titled panel. */
export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ''}`}>
      {title || actions ? (
        <header className="card-head">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </header>
      ) : null}
      {children}
    </section>
  );
}

/** An inline note, e.g. for an endpoint this server does not have yet. */
export function Note({ kind = 'info', children }: { kind?: 'info' | 'warn' | 'error'; children: ReactNode }) {
  return (
    <p className={`note note-${kind}`} role={kind === 'error' ? 'alert' : 'note'} data-testid="note">
      {children}
    </p>
  );
}

/** The usual note for a read that failed or is not available; null while fine. */
export function ApiNote({ state, what }: { state: ApiState<unknown>; what: string }) {
  if (state.unavailable) return <Note>{what} is not available on this server yet.</Note>;
  if (state.error && !state.data) return <Note kind="error">Could not load {what}: {state.error.message}</Note>;
  return null;
}

/** A time, relative ("3 minutes ago") with the absolute time beside it and in full on hover. */
export function Time({ at, now }: { at: string | number | null | undefined; now?: number }) {
  const t = toMs(at);
  if (t === null) return <span className="muted">–</span>;
  return (
    <time dateTime={new Date(t).toISOString()} title={fullDate(t)} className="time">
      <span>{relative(t, now)}</span> <span className="abs">{absolute(t, now)}</span>
    </time>
  );
}

/** A coloured label. */
export function Badge({ tone, children, title }: { tone: 'ok' | 'warn' | 'bad' | 'info' | 'muted'; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A placeholder while the first read is in flight. */
export function Loading() {
  return <p className="muted loading">Loading…</p>;
}

/** A horizontally scrollable table wrapper (phones). */
export function TableWrap({ children }: { children: ReactNode }) {
  return <div className="table-wrap">{children}</div>;
}
