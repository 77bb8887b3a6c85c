/**
 * @module The page shell: credential gate, data providers, the two tabs (Dashboard at `/`, Media
 * Library at `/media`) and the URL-driven choice between the event list, an asset's history and
 * the details panel.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { Stream } from '../../src/events/catalog.ts';
import { AssetHistory } from './components/AssetHistory.tsx';
import { EventDetails } from './components/EventDetails.tsx';
import { EventsView } from './components/EventsView.tsx';
import { Message } from './components/States.tsx';
import { Tabs } from './components/Tabs.tsx';
import { createApiClient } from './lib/api.ts';
import { filtersFromSearch } from './lib/filters.ts';
import { ApiContext, shouldRetry } from './lib/queries.ts';
import { hrefOf, navigate, useLocation } from './lib/router.ts';

/** The whole page for one credential (or the sign-in hint without one). */
export function App({ token }: { token: string | null }) {
  const api = useMemo(() => (token ? createApiClient(token) : null), [token]);
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 30_000 },
        },
      }),
  );
  return (
    <div className="app">
      <header className="app-header">
        <h1>Audit logs</h1>
        {api && <Tabs />}
      </header>
      {api ? (
        <QueryClientProvider client={client}>
          <ApiContext.Provider value={api}>
            <AuditLogs />
          </ApiContext.Provider>
        </QueryClientProvider>
      ) : (
        <main className="app-main">
          <Message title="Open this page with a viewer link" tone="info">
            This page needs a link from your dashboard that signs you in. Ask an account owner or admin for
            access if you don't have one.
          </Message>
        </main>
      )}
    </div>
  );
}

/** Which stream a path shows. */
export function streamOf(path: string): Stream {
  return path === '/media' || path.startsWith('/media/') ? 'media' : 'central';
}

function AuditLogs() {
  const { path, search } = useLocation();
  const stream = streamOf(path);
  const filters = filtersFromSearch(search, stream);
  const eventId = search.get('event');
  const history = stream === 'media' ? search.get('history') : null;
  const [returnFocusTo, setReturnFocusTo] = useState<string | null>(null);

  useEffect(() => {
    document.title = `Audit logs · ${stream === 'media' ? 'Media Library' : 'Dashboard'}`;
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
