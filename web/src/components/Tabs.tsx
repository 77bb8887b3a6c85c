/**
 * @module The views as tabs — only those the signed-in credential may read — as plain links, so
 * they open in a new tab and survive reloads.
 */
import type { MouseEvent } from 'react';
import type { Stream } from '../../../src/events/catalog.ts';
import { navigate, useLocation } from '../lib/router.ts';
import { streamOf, viewsFor } from '../lib/views.ts';

/** Dashboard | Media Library | Log access. Switching tabs starts with no filters (the streams differ). */
export function Tabs({ streams }: { streams: readonly Stream[] }) {
  const { path } = useLocation();
  const current = streamOf(path);
  const views = viewsFor(streams);
  if (views.length === 0) return null;
  const follow = (event: MouseEvent<HTMLAnchorElement>, href: string) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <nav className="tabs" aria-label="Audit log views">
      {views.map((view) => (
        <a
          key={view.path}
          href={view.path}
          className="tab"
          aria-current={view.stream === current ? 'page' : undefined}
          onClick={(event) => follow(event, view.path)}
        >
          {view.label}
        </a>
      ))}
    </nav>
  );
}
