/**
 * Starlight route middleware. Starlight prefixes every sidebar link with the page's locale
 * (`/status/` becomes `/pl/status/` on Polish pages), but the publishing pages exist once, at the
 * root: point those links (in the sidebar and in the previous/next links under each page) back at
 * them.
 */
import { defineRouteMiddleware, type StarlightRouteData } from '@astrojs/starlight/route-data';
import { PUBLISHING_LINKS } from './sidebar.ts';

type Entry = StarlightRouteData['sidebar'][number];

export const onRequest = defineRouteMiddleware((context) => {
  const route = context.locals.starlightRoute;
  if (!route.locale) return;
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  const fix = new Map(PUBLISHING_LINKS.map((l) => [`${base}/${route.locale}${l.link}`, `${base}${l.link}`]));
  const walk = (entries: Entry[]) => {
    for (const e of entries) {
      if (e.type === 'group') walk(e.entries);
      else e.href = fix.get(e.href) ?? e.href;
    }
  };
  walk(route.sidebar);
  for (const link of [route.pagination.prev, route.pagination.next]) {
    if (link) link.href = fix.get(link.href) ?? link.href;
  }
});
