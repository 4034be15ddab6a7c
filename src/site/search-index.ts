/**
 * The search index, built after `astro build` from the pages that ask to be indexed. Starlight's own
 * Pagefind step hands Pagefind the whole output folder, so Pagefind parses every page (1,075 at
 * 1,000 posts) to index the ~60 that carry `data-pagefind-body` (post and calendar pages are
 * `pagefind: false`); here only those are passed (`addHTMLFile`), which is the same index for a
 * fraction of the work. Starlight's `pagefind` option is off so its step does not run; the search
 * button stays because the Search component is overridden (Starlight's Header shows it then).
 * https://pagefind.app/docs/node-api/ · https://starlight.astro.build/reference/configuration/#pagefind
 */
import type { AstroIntegration } from 'astro';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders that never hold an indexed page (the posts, the calendar, the images, the index itself). */
const SKIP = /^(posts|calendar|media|pagefind|_astro)(\/|$)/;

/** Output pages that Pagefind would index: HTML with `data-pagefind-body`. */
export async function indexedPages(outDir: string): Promise<{ sourcePath: string; content: string }[]> {
  const files = (await readdir(outDir, { recursive: true })).map((f) => f.replaceAll('\\', '/')).filter((f) => f.endsWith('.html') && !SKIP.test(f)).sort();
  const out: { sourcePath: string; content: string }[] = [];
  for (const sourcePath of files) {
    const content = await readFile(join(outDir, sourcePath), 'utf8');
    if (content.includes('data-pagefind-body')) out.push({ sourcePath, content });
  }
  return out;
}

export function searchIndex(): AstroIntegration {
  return {
    name: 'copydesk:search-index',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const started = performance.now();
        const outDir = fileURLToPath(dir);
        const pagefind = await import('pagefind');
        try {
          const { index, errors } = await pagefind.createIndex();
          if (!index) throw new Error(`Pagefind: ${errors.join('; ')}`);
          const pages = await indexedPages(outDir);
          for (const page of pages) {
            const r = await index.addHTMLFile(page);
            if (r.errors.length) throw new Error(`Pagefind, ${page.sourcePath}: ${r.errors.join('; ')}`);
          }
          const w = await index.writeFiles({ outputPath: join(outDir, 'pagefind') });
          if (w.errors.length) throw new Error(`Pagefind: ${w.errors.join('; ')}`);
          logger.info(`search index: ${pages.length} pages in ${((performance.now() - started) / 1000).toFixed(2)} s`);
        } finally {
          await pagefind.close();
        }
      },
    },
  };
}
