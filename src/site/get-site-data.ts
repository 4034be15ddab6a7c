/**
 * The data of this build, loaded once and shared by every page (Astro renders all pages in one
 * process, so this module-level promise is read once per build).
 */
import { loadSiteData, type LoadedSite } from './load-site-data.ts';
import { openSiteStore } from './open-site-store.ts';
import { siteParams } from './site-params.ts';

let cached: Promise<LoadedSite> | undefined;

export function getSiteData(): Promise<LoadedSite> {
  if (!cached) {
    const p = siteParams();
    cached = loadSiteData({ root: p.root, now: p.now, env: p.env, openStore: openSiteStore });
  }
  return cached;
}
