/**
 * The playbook's pages as text, for the review-date check: `playbook/**.md` except holding
 * statements (checked as posts) and README files. Regular files only: a symlink or anything
 * that is not a plain file is skipped (the check never follows links out of the repository).
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlaybookPage } from './playbook-review.ts';

/** Largest page read (a playbook page is a few kilobytes). */
const MAX_PAGE_BYTES = 256 * 1024;

export async function readPlaybookPages(root: string): Promise<PlaybookPage[]> {
  const entries = await readdir(join(root, 'playbook'), { recursive: true, withFileTypes: true }).catch(() => []);
  const pages: PlaybookPage[] = [];
  for (const e of entries) {
    const abs = join(e.parentPath, e.name);
    const file = abs.slice(root.length + 1).split('\\').join('/');
    if (!e.name.endsWith('.md') || /^readme\.md$/i.test(e.name) || file.startsWith('playbook/holding/')) continue;
    const info = await lstat(abs).catch(() => undefined);
    if (!info?.isFile() || info.size > MAX_PAGE_BYTES) continue;
    pages.push({ file, text: await readFile(abs, 'utf8') });
  }
  return pages.sort((a, b) => a.file.localeCompare(b.file));
}
