/** @module The two views as tabs: plain links, so they open in a new tab and survive reloads. */
import type { MouseEvent } from 'react';
import { navigate, useLocation } from '../lib/router.ts';

const TABS = [
  { href: '/', label: 'Dashboard', media: false },
  { href: '/media', label: 'Media Library', media: true },
];

/** Dashboard | Media Library. Switching tabs starts with no filters (the streams differ). */
export function Tabs() {
  const { path } = useLocation();
  const onMedia = path === '/media' || path.startsWith('/media/');
  const follow = (event: MouseEvent<HTMLAnchorElement>, href: string) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <nav className="tabs" aria-label="Audit log views">
      {TABS.map((tab) => (
        <a
          key={tab.href}
          href={tab.href}
          className="tab"
          aria-current={tab.media === onMedia ? 'page' : undefined}
          onClick={(event) => follow(event, tab.href)}
        >
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
