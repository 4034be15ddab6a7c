/**
 * The playbook's pages as text, for the review-date check: `playbook/**.md` except holding
 * statements (checked as posts) and README files, read with the one safe file reader
 * (../post/read-post-file.ts: no symbolic link, no fifo, bounded). A page it refuses is skipped
 * here: the site build reports it (src/site/content.config.ts).
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readPostFile } from '../post/read-post-file.ts';
import { MAX_PAGE_BYTES } from '../site/playbook-page-problems.ts';
import type { PlaybookPage } from './playbook-review.ts';

export async function readPlaybookPages(root: string): Promise<PlaybookPage[]> {
  const entries = await readdir(join(root, 'playbook'), { recursive: true, withFileTypes: true }).catch(() => []);
  const pages: PlaybookPage[] = [];
  for (const e of entries) {
    const file = relative(root, join(e.parentPath, e.name)).split(sep).join('/');
    if (!e.name.endsWith('.md') || /^readme\.md$/i.test(e.name) || file.startsWith('playbook/holding/')) continue;
    const read = await readPostFile(root, file, MAX_PAGE_BYTES, 'a playbook page');
    if (read.ok) pages.push({ file, text: new TextDecoder().decode(read.bytes) });
  }
  return pages.sort((a, b) => a.file.localeCompare(b.file));
}
