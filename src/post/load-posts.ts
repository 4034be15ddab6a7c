/** Finds and parses every post under `posts/` (or the given paths). The only place posts are read from disk. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Config } from '../config/config.ts';
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import type { Post } from './post.ts';
import { parsePost } from './parse-post.ts';

export const POSTS_DIR = 'posts';
/** Holding statements: pre-approved posts kept with the playbook, sent on demand in an incident. */
export const HOLDING_DIR = 'playbook/holding';

export interface LoadedPosts {
  /** Posts that parsed. */
  posts: Post[];
  /** Problems from every file, parsed or not (one bad file never stops the others). */
  problems: Diagnostic[];
  /** Files that did not parse (repository-relative). */
  failed: string[];
}

/** Markdown files under a folder, skipping README.md files (documentation, not posts). */
export async function findPostFiles(root: string, dir = POSTS_DIR): Promise<string[]> {
  const base = resolve(root, dir);
  let entries;
  try {
    entries = await readdir(base, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  const hidden = (p: string) => p.split('/').some((seg) => seg.startsWith('.') || seg === 'node_modules');
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.md') && e.name.toLowerCase() !== 'readme.md')
    .filter((e) => !hidden(toRepoPath(base, join(e.parentPath, e.name))))
    .map((e) => toRepoPath(root, join(e.parentPath, e.name)))
    .sort();
}

export function toRepoPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

/** Parse the given repository-relative files (all posts when omitted) and check ids are unique. */
export async function loadPosts(root: string, config: Config, files?: string[], kind: 'post' | 'holding' = 'post'): Promise<LoadedPosts> {
  const list = files ?? (await findPostFiles(root, kind === 'holding' ? HOLDING_DIR : POSTS_DIR));
  const posts: Post[] = [];
  const problems: Diagnostic[] = [];
  const failed: string[] = [];
  await Promise.all(
    list.map(async (file) => {
      const abs = resolve(root, file);
      let bytes: Uint8Array;
      try {
        const s = await stat(abs);
        if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
        bytes = await readFile(abs);
      } catch (e) {
        problems.push(diag(file, { line: 1 }, 'error', 'post-format', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'Check that the path exists and is a readable file.'));
        failed.push(file);
        return;
      }
      const r = parsePost({ file, root, bytes, config, kind });
      problems.push(...r.problems);
      if (r.ok) posts.push(r.post);
      else failed.push(file);
    }),
  );
  posts.sort((a, b) => a.file.localeCompare(b.file));
  return { posts, problems, failed };
}

/** Posts that share an `id` with an earlier file: the ledger is keyed by id, so both are unsafe. */
export function duplicateIds(posts: Post[]): Diagnostic[] {
  const first = new Map<string, Post>();
  const out: Diagnostic[] = [];
  for (const p of posts) {
    const seen = first.get(p.id);
    if (!seen) first.set(p.id, p);
    else out.push(diag(p.file, { line: p.lines.id ?? 1 }, 'error', 'duplicate-id', `id "${p.id}" is already used by ${seen.file}`, 'Give this post its own id; never reuse the id of a published post.'));
  }
  return out;
}
