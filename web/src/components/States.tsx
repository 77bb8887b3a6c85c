/**
 * @module The page's non-table states: loading skeleton, messages (empty, error, feature off, no
 * access, not signed in, session ended) and the mapping from an API error code to the right one.
 */
import type { ReactNode } from 'react';
import { ApiError } from '../lib/api.ts';
import type { AuthLoss } from '../lib/session.ts';

/** Placeholder rows while the first page loads. */
export function Skeleton({ rows = 8 }: { rows?: number }) {
  return (
    <div className="skeleton" aria-busy="true">
      <span className="visually-hidden" role="status">
        Loading events…
      </span>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders with no identity
        <div key={i} className="skeleton-row" aria-hidden="true">
          <span />
          <span />
          <span />
          <span />
        </div>
      ))}
    </div>
  );
}

/** A titled message; errors are announced at once (role=alert), the rest politely. */
export function Message({
  title,
  tone,
  children,
  action,
}: {
  title: string;
  tone: 'info' | 'error' | 'empty';
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className={`message message-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <h2>{title}</h2>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

/**
 * The whole page once the credential is refused: an ended session (expired, or revoked after it
 * worked) sends the viewer back to the dashboard for a fresh link; a link that never worked says so.
 */
export function SignedOut({ loss }: { loss: AuthLoss | null }) {
  if (loss === 'expired') {
    return (
      <Message title="Your session has expired" tone="info">
        Open the Audit Logs page again from the dashboard.
      </Message>
    );
  }
  return (
    <Message title="Open this page with a viewer link" tone="info">
      {loss === 'invalid'
        ? 'Your link is not valid. Open the Audit Logs page again from your dashboard.'
        : "This page needs a link from your dashboard that signs you in. Ask an account owner or admin for access if you don't have one."}
    </Message>
  );
}

/**
 * What to show for a failed call: the plan gate, the role gate, the sign-in hint, or the API's own
 * detail. `retry` is offered only where trying again can help.
 */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const code = error instanceof ApiError ? error.code : 'UNKNOWN';
  if (code === 'FEATURE_NOT_ENABLED') {
    return (
      <Message title="Audit logs are available on Enterprise plans" tone="info">
        Upgrade this account to the Enterprise plan to record and review who changed what.
      </Message>
    );
  }
  if (code === 'ROLE_NOT_ALLOWED' || code === 'FORBIDDEN') {
    // The API says which role and which stream (an auditor opening Log access, say); a key lacking
    // the read scope gets the general rule.
    return (
      <Message title="You don't have access" tone="info">
        {code === 'ROLE_NOT_ALLOWED' && error instanceof ApiError
          ? error.message
          : 'Only account owners, admins and auditors can read audit logs.'}
      </Message>
    );
  }
  // The page replaces every view on these (see App.tsx); this covers the moment before it does.
  if (code === 'UNAUTHENTICATED' || code === 'TOKEN_EXPIRED') {
    return <SignedOut loss={code === 'TOKEN_EXPIRED' ? 'expired' : 'invalid'} />;
  }
  const detail = error instanceof Error ? error.message : 'Something went wrong.';
  return (
    <Message
      title="The audit log could not be loaded"
      tone="error"
      action={
        retry && (
          <button type="button" className="button" onClick={retry}>
            Try again
          </button>
        )
      }
    >
      {detail}
      {error instanceof ApiError && error.violations.length > 0 && (
        <span className="violations">
          {error.violations.map((v) => (
            <span key={`${v.field} ${v.rule}`}>
              <code>{v.field}</code> {v.rule}
            </span>
          ))}
        </span>
      )}
    </Message>
  );
}

/** True for errors that replace the whole view (no filters to adjust can fix them). */
export function isGateError(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    ['FEATURE_NOT_ENABLED', 'ROLE_NOT_ALLOWED', 'FORBIDDEN', 'UNAUTHENTICATED', 'TOKEN_EXPIRED'].includes(
      error.code,
    )
  );
}
