/** The ordinary-posts corpus (test/fixtures/corpus/) as a repository of post files, for the check. */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyFixture, FIXTURES, REPO } from './helpers.ts';

/** Every post of the corpus, one per paragraph, with its language. */
export async function corpusPosts(): Promise<{ lang: 'en' | 'pl'; text: string }[]> {
  const out: { lang: 'en' | 'pl'; text: string }[] = [];
  for (const lang of ['en', 'pl'] as const) {
    const text = await readFile(join(FIXTURES, 'corpus', `${lang}.txt`), 'utf8');
    for (const p of text.split(/\n\s*\n/)) if (p.trim()) out.push({ lang, text: p.trim() });
  }
  return out;
}

/**
 * A repository with the project's own copydesk.config.yaml (its defaults: `lang: en`) and one
 * post per corpus paragraph, six a day inside the publishing hours. Polish posts say `lang: pl` as a team would write
 * them, unless `polishLang` is false (then the detector must notice).
 */
export async function corpusRepo(polishLang = true): Promise<{ root: string; files: Map<string, { lang: string; text: string }> }> {
  const root = await copyFixture('corpus');
  await cp(join(REPO, 'copydesk.config.yaml'), join(root, 'copydesk.config.yaml'));
  await mkdir(join(root, 'posts'), { recursive: true });
  const files = new Map<string, { lang: string; text: string }>();
  const posts = await corpusPosts();
  await Promise.all(posts.map(async (p, i) => {
    const file = `posts/c${String(i).padStart(3, '0')}.md`;
    // Six a day, two hours apart, at the publisher's runs (07:07 to 17:07 UTC): inside the publishing
    // hours, so only the text can earn a warning.
    const at = new Date(Date.UTC(2027, 1, 1 + Math.floor(i / 6), 7 + (i % 6) * 2, 7)).toISOString().slice(0, 19) + 'Z';
    files.set(file, p);
    await writeFile(join(root, file), `---\nid: corpus-${i}\npublish_at: "${at}"\nchannels: [bluesky, mastodon]\n${p.lang === 'pl' && polishLang ? 'lang: pl\n' : ''}---\n${p.text}\n`);
  }));
  return { root, files };
}
