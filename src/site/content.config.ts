/**
 * The `docs` collection Starlight renders: the Markdown pages of the top-level `playbook/` folder
 * (English at its root, Polish under `pl/`). `playbook/holding/` holds holding statements in post
 * format, not pages: excluded here, published only by `copydesk holding`.
 */
import { i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { glob } from 'astro/loaders';
import { defineCollection } from 'astro:content';
import { join } from 'node:path';
import { siteParams } from './site-params.ts';

export const collections = {
  docs: defineCollection({
    loader: glob({ pattern: ['**/*.md', '!holding/**', '!**/README.md'], base: join(siteParams().root, 'playbook') }),
    schema: docsSchema(),
  }),
  // Words Starlight does not translate itself (Pagefind's result counts in Polish), from
  // src/site/content/i18n/<lang>.json. https://starlight.astro.build/guides/i18n/#translate-starlights-ui
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
};
