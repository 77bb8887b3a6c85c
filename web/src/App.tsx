/**
 * @module The page shell: the credential gate, the session (who is signed in, which tabs they may
 * see), the data providers, and the URL-driven choice between an event list (Dashboard at `/`,
 * Media Library at `/media`, Log access at `/access`), an asset's history and the details panel.
 * A credential refused mid-session replaces everything with one message.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { AssetHistory } from './components/AssetHistory.tsx';
import { EventDetails } from './components/EventDetails.tsx';
import { EventsView } from './components/EventsView.tsx';
import { SessionBadge } from './components/SessionBadge.tsx';
import { SignedOut } from './components/States.tsx';
import { Tabs } from './components/Tabs.tsx';
import { createApiClient } from './lib/api.ts';
import { forgetToken } from './lib/auth.ts';
import { filtersFromSearch } from './lib/filters.ts';
import { ApiContext, shouldRetry, useSession } from './lib/queries.ts';
import { hrefOf, navigate, useLocation } from './lib/router.ts';
import { type AuthLoss, streamsToOffer } from './lib/session.ts';
import { streamOf, viewOf } from './lib/views.ts';

/** The whole page for one credential (or the sign-in hint without one). */
export function App({ token }: { token: string | null }) {
  const [loss, setLoss] = useState<AuthLoss | null>(null);
  const api = useMemo(
    () =>
      token
        ? createApiClient(token, {
            onAuthLoss: (next) => {
              forgetToken();
              // The first answer wins: calls still in flight may fail the same way a moment later.
              setLoss((current) => current ?? next);
            },
          })
        : null,
    [token],
  );
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 30_000 },
        },
      }),
  );
  if (!api || loss) {
    return (
      <div className="app">
        <header className="app-header">
          <h1>Audit logs</h1>
        </header>
        <main className="app-main">
          <SignedOut loss={loss} />
        </main>
      </div>
    );
  }
  return (
    <QueryClientProvider client={client}>
      <ApiContext.Provider value={api}>
        <SignedIn />
      </ApiContext.Provider>
    </QueryClientProvider>
  );
}

/** Header (tabs, who is signed in) and the views. The table does not wait for the session. */
function SignedIn() {
  const session = useSession();
  // No tabs until the session says which: a developer never sees tabs they cannot open.
  const streams = session.isPending ? [] : streamsToOffer(session.data);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Audit logs</h1>
        <Tabs streams={streams} />
        <SessionBadge session={session.data} />
      </header>
      <AuditLogs />
    </div>
  );
}

function AuditLogs() {
  const { path, search } = useLocation();
  const stream = streamOf(path);
  const filters = filtersFromSearch(search, stream);
  const eventId = search.get('event');
  const history = stream === 'media' ? search.get('history') : null;
  const [returnFocusTo, setReturnFocusTo] = useState<string | null>(null);

  useEffect(() => {
    document.title = `Audit logs · ${viewOf(stream).label}`;
  }, [stream]);

  // After the panel closes, focus goes back to the row it was opened from.
  useEffect(() => {
    if (eventId !== null || returnFocusTo === null) return;
    document.querySelector<HTMLElement>(`[data-row-open="${CSS.escape(returnFocusTo)}"]`)?.focus();
    setReturnFocusTo(null);
  }, [eventId, returnFocusTo]);

  const withEvent = (id: string | null) => {
    const next = new URLSearchParams(search);
    if (id) next.set('event', id);
    else next.delete('event');
    navigate(hrefOf(path, next), { replace: true });
  };
  const close = () => {
    setReturnFocusTo(eventId);
    withEvent(null);
  };
  const showHistory = (assetPath: string) =>
    navigate(hrefOf('/media', new URLSearchParams({ history: assetPath })));

  return (
    <main className={eventId ? 'app-main with-panel' : 'app-main'}>
      {history !== null ? (
        <AssetHistory
          path={history}
          selectedId={eventId}
          onOpen={withEvent}
          onBack={() => navigate('/media')}
        />
      ) : (
        <EventsView
          key={stream}
          stream={stream}
          filters={filters}
          selectedId={eventId}
          onOpen={withEvent}
          onShowHistory={showHistory}
        />
      )}
      {eventId && (
        <EventDetails id={eventId} onClose={close} onShowHistory={stream === 'media' ? showHistory : null} />
      )}
    </main>
  );
}
