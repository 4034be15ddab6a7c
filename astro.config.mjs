// @ts-check
/**
 * The playbook site: Starlight over the top-level `playbook/` folder, plus pages generated from the
 * posts, the ledger and the freeze state (calendar, post previews, status, credentials register).
 *
 * This file is the site's entry point: the only place the build reads the clock and the
 * environment. Parameters (all optional):
 *   COPYDESK_ROOT      repository whose posts/config/playbook/state are shown (default: this folder)
 *   COPYDESK_NOW       the build's clock, ISO 8601 (default: the real clock, read once here)
 *   COPYDESK_STATE     `git` to read the ledger and freeze from the state branch (also in Actions)
 *   COPYDESK_SITE_URL  public origin, e.g. https://owner.github.io (GitHub Pages)
 *   COPYDESK_BASE      path the site is served under, e.g. /repo (GitHub Pages project sites)
 *   COPYDESK_SITE_CACHE  Astro cache folder (tests and benchmarks build in parallel with `npm run build`)
 *   GITHUB_SERVER_URL + GITHUB_REPOSITORY  links to freeze issues and publisher runs
 */
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { searchIndex } from './src/site/search-index.ts';
import { playbookSidebar } from './src/site/sidebar.ts';
import { STATE_ENV_KEYS } from './src/site/site-params.ts';

const env = process.env;
env.ASTRO_TELEMETRY_DISABLED ??= '1';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(env.COPYDESK_ROOT || projectRoot);
const now = env.COPYDESK_NOW ? Date.parse(env.COPYDESK_NOW) : Date.now();
if (Number.isNaN(now)) {
  throw new Error(`COPYDESK_NOW "${env.COPYDESK_NOW}" is not a date-time: use ISO 8601, e.g. 2027-01-14T09:00:00Z`);
}
const playbookDir = resolve(root, 'playbook');
if (!existsSync(playbookDir)) throw new Error(`no playbook folder at ${playbookDir}: the site needs playbook/index.md`);

/** @type {import('./src/site/site-params.ts').SiteParams} */
const params = {
  root,
  now,
  // Only what the state store needs (git needs PATH and HOME); never tokens (see site-params.ts).
  env: Object.fromEntries(STATE_ENV_KEYS.filter((k) => env[k] !== undefined).map((k) => [k, String(env[k])])),
  ...(env.GITHUB_REPOSITORY ? { repoUrl: `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}` } : {}),
};

const locales = { root: { label: 'English', lang: 'en' }, pl: { label: 'Polski', lang: 'pl' } };

export default defineConfig({
  srcDir: './src/site',
  outDir: './dist',
  publicDir: './src/site/public',
  ...(env.COPYDESK_SITE_CACHE ? { cacheDir: env.COPYDESK_SITE_CACHE } : {}),
  ...(env.COPYDESK_SITE_URL ? { site: env.COPYDESK_SITE_URL } : {}),
  ...(env.COPYDESK_BASE && env.COPYDESK_BASE !== '/' ? { base: env.COPYDESK_BASE } : {}),
  trailingSlash: 'ignore',
  // Starlight turns on link prefetching (a script on every page); the site ships no client
  // JavaScript beyond Starlight's search, theme and navigation controls.
  prefetch: false,
  integrations: [
    starlight({
      title: 'Copydesk playbook',
      description: 'How the team plans, checks and publishes posts, what is scheduled, and what to do when something goes wrong.',
      defaultLocale: 'root',
      locales,
      sidebar: await playbookSidebar(playbookDir, Object.keys(locales).filter((l) => l !== 'root')),
      components: { Banner: './src/site/components/FreezeBanner.astro', LanguageSelect: './src/site/components/LanguageSelect.astro', Search: './src/site/components/Search.astro' },
      routeMiddleware: './src/site/route-data.ts',
      customCss: ['./src/site/styles/site.css'],
      // The search index is built by ./src/site/search-index.ts from the indexed pages only.
      pagefind: false,
      lastUpdated: false,
      // The playbook lives outside src/content/docs: without this, Starlight's asides (:::note) and
      // heading anchor links skip it. https://starlight.astro.build/reference/configuration/#markdown
      markdown: { processedDirs: [playbookDir] },
    }),
    searchIndex(),
  ],
  vite: {
    // The build's parameters, one constant for every page (see src/site/site-params.ts).
    define: { __COPYDESK_SITE__: JSON.stringify(params) },
  },
});
