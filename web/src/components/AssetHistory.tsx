/**
 * @module The history of one Media Library asset: every event for its path, oldest to newest,
 * deletion included, read page by page up to a bound.
 */
import { HISTORY_LIMIT, useAssetHistory, useCatalog } from '../lib/queries.ts';
import { shortLocalTime } from '../lib/time.ts';
import { ActorLabel, RelativeTime, StatusBadge, typeLabel, useNow } from './Cells.tsx';
import { ErrorState, Message, Skeleton } from './States.tsx';

/** Props of {@link AssetHistory}. */
export interface AssetHistoryProps {
  path: string;
  selectedId: string | null;
  onOpen: (id: string) => void;
  onBack: () => void;
}

/** The timeline of one asset path. */
export function AssetHistory({ path, selectedId, onOpen, onBack }: AssetHistoryProps) {
  const history = useAssetHistory(path);
  const catalog = useCatalog();
  const now = useNow();
  return (
    <section className="history" aria-labelledby="history-title">
      <div className="history-header">
        <button type="button" className="link-button" onClick={onBack}>
          ← All Media Library events
        </button>
        <h2 id="history-title">
          History of <code>{path}</code>
        </h2>
      </div>
      {history.isPending ? (
        <Skeleton rows={4} />
      ) : history.isError ? (
        <ErrorState error={history.error} retry={() => history.refetch()} />
      ) : history.data.rows.length === 0 ? (
        <Message title="No events for this asset path" tone="empty" />
      ) : (
        <>
          <p className="count">
            {history.data.rows.length} events, oldest first
            {history.data.truncated && ` · only the latest ${HISTORY_LIMIT} are shown`}
          </p>
          <ol className="timeline">
            {history.data.rows.map((row) => (
              <li key={row.id} className={row.id === selectedId ? 'selected' : undefined}>
                <button
                  type="button"
                  className="timeline-item"
                  data-row-open={row.id}
                  onClick={() => onOpen(row.id)}
                >
                  <span className="timeline-type">
                    {typeLabel(catalog.data, 'media', row.category, row.operation)}
                  </span>
                  <span className="timeline-when">
                    {shortLocalTime(row.occurredAt)} · <RelativeTime iso={row.occurredAt} now={now} />
                  </span>
                  <ActorLabel actor={row.actor} />
                  <StatusBadge status={row.status} httpStatus={row.httpStatus} />
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
