/**
 * @module One stream's list: the filter bar, then the table (or its loading, empty or error state).
 * Filters come from the URL; Submit and Clear write the URL, which re-renders this view.
 */
import type { Stream } from '../../../src/events/catalog.ts';
import { type Filters, hasFilters, searchFromFilters } from '../lib/filters.ts';
import { useCatalog, useEventRows } from '../lib/queries.ts';
import { hrefOf, navigate } from '../lib/router.ts';
import { viewOf } from '../lib/views.ts';
import { EventTable } from './EventTable.tsx';
import { ExportButton } from './ExportButton.tsx';
import { FilterBar } from './FilterBar.tsx';
import { ErrorState, isGateError, Message, Skeleton } from './States.tsx';

/** Props: the stream, the applied filters, the open event and what a row click does. */
export interface EventsViewProps {
  stream: Stream;
  filters: Filters;
  selectedId: string | null;
  onOpen: (id: string) => void;
  onShowHistory: (path: string) => void;
}

/** The filter bar and the event table of one stream. */
export function EventsView({ stream, filters, selectedId, onOpen, onShowHistory }: EventsViewProps) {
  const list = useEventRows(stream, filters);
  const catalog = useCatalog();
  const { path } = viewOf(stream);
  const apply = (next: Filters) => navigate(hrefOf(path, searchFromFilters(next)));
  const clear = () => navigate(path);

  if (list.isError && isGateError(list.error)) return <ErrorState error={list.error} />;

  const rows = list.data?.pages.flatMap((page) => page.rows) ?? [];
  return (
    <>
      <FilterBar
        key={searchFromFilters(filters).toString()}
        stream={stream}
        applied={filters}
        onSubmit={apply}
        onClear={clear}
      />
      <ExportButton stream={stream} filters={filters} />
      <section className="results" aria-labelledby="results-title">
        <h2 id="results-title" className="visually-hidden">
          Events
        </h2>
        {list.isPending ? (
          <Skeleton />
        ) : list.isError && rows.length === 0 ? (
          <ErrorState error={list.error} retry={() => list.refetch()} />
        ) : rows.length === 0 ? (
          <Message
            title="No events match these filters"
            tone="empty"
            action={
              hasFilters(filters) && (
                <button type="button" className="button" onClick={clear}>
                  Clear filters
                </button>
              )
            }
          />
        ) : (
          <EventTable
            stream={stream}
            rows={rows}
            catalog={catalog.data}
            selectedId={selectedId}
            onOpen={onOpen}
            onShowHistory={onShowHistory}
            hasMore={list.hasNextPage}
            loadingMore={list.isFetchingNextPage}
            loadMoreError={list.isFetchNextPageError ? list.error : null}
            onLoadMore={() => list.fetchNextPage()}
          />
        )}
      </section>
    </>
  );
}
