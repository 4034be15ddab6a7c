/**
 * The `docs` collection Starlight renders: the Markdown pages of the top-level `playbook/` folder
 * (English at its root, Polish under `pl/`). `playbook/holding/` holds holding statements in post
 * format, not pages: excluded here, published only by `copydesk holding`.
 *
 * Pages come from pull requests, so before Astro reads one, every page is checked
 * (./playbook-page-problems.ts: no front-matter engine, no YAML alias, no raw HTML that runs
 * code, bounded size) and the build stops with file, line and fix when one fails. Astro's own
 * front-matter parser would expand aliases, and its Markdown passes raw `<script>` through.
 * https://docs.astro.build/en/reference/content-loader-reference/#object-loaders
 */
import { i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { glob, type LoaderContext } from 'astro/loaders';
import { defineCollection } from 'astro:content';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import { formatPageProblems, MAX_PAGE_BYTES, playbookPageProblems } from './playbook-page-problems.ts';
import { siteParams } from './site-params.ts';

const base = join(siteParams().root, 'playbook');
const pages = glob({ pattern: ['**/*.md', '!holding/**', '!**/README.md'], base });

/** Problems of every page the collection would read (the same files as the glob above). */
async function playbookProblems(dir: string): Promise<Diagnostic[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const out: Diagnostic[] = [];
  for (const e of entries) {
    const abs = join(e.parentPath, e.name);
    const rel = relative(dir, abs).split(sep).join('/');
    if (!e.name.endsWith('.md') || e.name === 'README.md' || rel.startsWith('holding/') || e.isDirectory()) continue;
    const file = `playbook/${rel}`;
    const s = await lstat(abs);
    if (!s.isFile()) {
      out.push({ file, line: 1, column: 1, severity: 'error', ruleId: 'page-file', source: 'copydesk', message: `${file} is not a plain file (a symbolic link, a pipe…): it is refused`, fix: 'Replace it with the page itself.' });
      continue;
    }
    if (s.size > MAX_PAGE_BYTES) {
      out.push({ file, line: 1, column: 1, severity: 'error', ruleId: 'page-size', source: 'copydesk', message: `the page is ${Math.round(s.size / 1024)} KB; a playbook page may be at most ${MAX_PAGE_BYTES / 1024} KB`, fix: 'Split it into several pages.' });
      continue;
    }
    out.push(...playbookPageProblems(file, await readFile(abs, 'utf8')));
  }
  return out;
}

/**
 * Starlight's docs schema, built once for every `<StarlightPage>` instead of once per page.
 * Starlight validates each generated page's frontmatter against this collection's schema and,
 * for that, calls the schema function again on every page with a fresh image helper of its own
 * (node_modules/@astrojs/starlight/dist/utils/starlight-page.js, `getStarlightPageFrontmatter`);
 * building the zod schema is most of that cost (~1 s of a 1,000-post build). That helper captures
 * nothing, so one schema serves them all. Content entries get Astro's image helper, which knows
 * its entry's file (relative image paths): those keep a schema of their own, as before.
 * https://starlight.astro.build/reference/frontmatter/ , https://starlight.astro.build/guides/pages/#custom-pages
 */
const starlightDocsSchema = docsSchema();
type SchemaContext = Parameters<typeof starlightDocsSchema>[0];
let pageSchema: ReturnType<typeof starlightDocsSchema> | undefined;
const isStarlightPageHelper = (image: unknown) => typeof image === 'function' && String(image).includes('passed to `<StarlightPage>`');
function playbookSchema(context: SchemaContext): ReturnType<typeof starlightDocsSchema> {
  if (!isStarlightPageHelper(context.image)) return starlightDocsSchema(context);
  return (pageSchema ??= starlightDocsSchema(context));
}

export const collections = {
  docs: defineCollection({
    loader: {
      ...pages,
      name: 'copydesk-playbook',
      async load(context: LoaderContext) {
        const problems = await playbookProblems(base);
        if (problems.length) {
          throw new Error(`${problems.length} problem(s) in the playbook: the site is not built until they are fixed.\n${formatPageProblems(problems)}`);
        }
        return pages.load(context);
      },
    },
    schema: playbookSchema,
  }),
  // Words Starlight does not translate itself (Pagefind's result counts in Polish), from
  // src/site/content/i18n/<lang>.json. https://starlight.astro.build/guides/i18n/#translate-starlights-ui
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
};
