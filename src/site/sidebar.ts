/**
 * The site's sidebar, built from the playbook folder: one entry per page, ordered by front-matter
 * `sidebar.order` then file name, plus the publishing pages. Starlight's `autogenerate` cannot be
 * used: it expects pages under `src/content/docs`, and the playbook lives at the repository top
 * level. `slug` entries let Starlight pick each locale's own title (Polish pages get Polish labels).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord } from '../diagnostic/fields.ts';
import { parseYamlWithPositions } from '../diagnostic/yaml-source.ts';
import { splitFrontMatter } from '../post/front-matter.ts';
import { MAX_PAGE_BYTES } from './playbook-page-problems.ts';

/** Folders of the playbook that are not pages: locales and holding statements (post format). */
export const NOT_PAGES = ['holding'];

/** A Starlight sidebar item (the subset this site uses). */
export type SidebarItem =
  | { slug: string }
  | { label: string; translations?: Record<string, string>; link: string; attrs?: Record<string, string> }
  | { label: string; translations?: Record<string, string>; items: SidebarItem[]; collapsed?: boolean };

/** The pages the site adds to the playbook, linked from every locale's sidebar. */
export const PUBLISHING_LINKS = [
  { label: 'Publishing status', translations: { pl: 'Stan publikacji' }, link: '/status/' },
  { label: 'Inbox', translations: { pl: 'Skrzynka odbiorcza' }, link: '/inbox/' },
  { label: 'Calendar', translations: { pl: 'Kalendarz' }, link: '/calendar/' },
  { label: 'Credentials', translations: { pl: 'Dostępy do kont' }, link: '/credentials/' },
] as const;

/** Pages of the crisis controls, in every locale (Starlight prefixes these links with the page's locale). */
export const CRISIS_LINKS = [
  { label: 'Holding statements', translations: { pl: 'Oświadczenia wstępne' }, link: '/holding/' },
  { label: 'Call tree', translations: { pl: 'Drzewo telefonów' }, link: '/roster/' },
] as const;

interface Page {
  slug: string;
  order: number;
  name: string;
}

async function pagesIn(dir: string, prefix: string): Promise<{ pages: Page[]; dirs: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const pages: Page[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isFile() && e.name.endsWith('.md')) {
      // Never gray-matter here: its `---js` front-matter is evaluated, at config load. A page with
      // broken, hostile or oversized front-matter is reported by the content collection
      // (./content.config.ts); here it is listed with no sidebar settings.
      const data = await frontMatterOf(join(dir, e.name));
      const sb = (data.sidebar ?? {}) as { order?: unknown; hidden?: unknown };
      if (sb.hidden === true) continue;
      const name = e.name.slice(0, -3).toLowerCase();
      pages.push({ slug: prefix + name, order: typeof sb.order === 'number' ? sb.order : Number.MAX_SAFE_INTEGER, name });
    }
  }
  pages.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  return { pages, dirs: dirs.sort() };
}

/** A page's front-matter fields, or none when it has none, or cannot or must not be read. */
async function frontMatterOf(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8').catch(() => '');
  if (text.length > MAX_PAGE_BYTES) return {};
  const split = splitFrontMatter(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, 'playbook page');
  if (!split.ok) return {};
  const y = parseYamlWithPositions(split.yaml, split.yamlLine, 'playbook front matter');
  return y.ok && isRecord(y.value) ? y.value : {};
}

/**
 * Sidebar for a playbook folder. `locales` are the folder names of translations (`pl`): their
 * pages are translations of the root pages, reached through Starlight's locale switch.
 */
export async function playbookSidebar(playbookDir: string, locales: string[]): Promise<SidebarItem[]> {
  const top = await pagesIn(playbookDir, '');
  const playbook: SidebarItem[] = top.pages.map((p) => ({ slug: p.slug }));
  for (const d of top.dirs) {
    if (locales.includes(d) || NOT_PAGES.includes(d)) continue;
    const sub = await pagesIn(join(playbookDir, d), `${d}/`);
    if (sub.pages.length) playbook.push({ label: d.replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase()), items: sub.pages.map((p) => ({ slug: p.slug })) });
  }
  return [
    { label: 'Playbook', translations: { pl: 'Poradnik' }, items: playbook },
    { label: 'In a crisis', translations: { pl: 'W kryzysie' }, items: CRISIS_LINKS.map((l) => ({ ...l, translations: { ...l.translations } })) },
    { label: 'Publishing', translations: { pl: 'Publikacja' }, items: PUBLISHING_LINKS.map((l) => ({ ...l, translations: { ...l.translations } })) },
  ];
}
