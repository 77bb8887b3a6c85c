/**
 * @module Small pieces shared by the table, the details panel and the asset history: the actor's
 * name, a relative time with its exact value, the status badge, the API call and the type label.
 */
import { useEffect, useState } from 'react';
import type { Actor, Api, EventStatus } from '../../../src/events/schema.ts';
import { type CatalogResponse, humanize } from '../lib/catalog.ts';
import { relativeTime, timeTitle } from '../lib/time.ts';

/** The current time, refreshed every 30 s so relative times stay true on an open page. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** "3 hours ago", with the exact local and UTC times in its tooltip. */
export function RelativeTime({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={timeTitle(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}

/** The most human name of an actor. */
export function actorName(actor: Actor): string {
  return actor.name ?? actor.email ?? actor.id;
}

/** Name and (when there is a name) the email under it; the id in the tooltip. */
export function ActorLabel({ actor }: { actor: Actor }) {
  return (
    <span className="actor" title={`${actor.type} ${actor.id}`}>
      <span className="actor-name">{actorName(actor)}</span>
      {actor.name && actor.email && <span className="actor-email">{actor.email}</span>}
    </span>
  );
}

/** Success/failure badge with the HTTP status. */
export function StatusBadge({ status, httpStatus }: { status: EventStatus; httpStatus: number | null }) {
  return (
    <span className={`badge badge-${status}`}>
      {status === 'success' ? 'Success' : 'Failure'}
      {httpStatus !== null && ` · ${httpStatus}`}
    </span>
  );
}

/** `PATCH /v1/url-endpoints/:id`, compact; the concrete path in the tooltip. */
export function ApiCall({ api }: { api: Api | null }) {
  if (!api) return <span className="muted">—</span>;
  return (
    <code className="api" title={api.path}>
      <span className={`method method-${api.method.toLowerCase()}`}>{api.method}</span> {api.route}
    </code>
  );
}

/** "URL endpoints · Update", using the catalog's labels once they are loaded. */
export function typeLabel(
  catalog: CatalogResponse | undefined,
  stream: string,
  category: string,
  operation: string,
): string {
  const streamDef = catalog?.[stream as keyof CatalogResponse];
  const categoryLabel = streamDef?.categories[category]?.label ?? humanize(category);
  return `${categoryLabel} · ${humanize(operation)}`;
}
