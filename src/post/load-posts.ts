/** Finds and parses every post under `posts/` (or the given paths). The only place posts are read from disk. */
import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Config } from '../config/config.ts';
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import type { Post } from './post.ts';
import { MAX_POST_BYTES, parsePost } from './parse-post.ts';
import { readPostFile } from './read-post-file.ts';

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

/**
 * Markdown files under a folder, skipping README.md files (documentation, not posts). Entries
 * that are not plain files (symbolic links, named pipes…) are listed too, so that the reader
 * refuses them with a message instead of skipping them silently; folders named `*.md` are not
 * (their posts are listed).
 */
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
    .filter((e) => !e.isDirectory() && e.name.toLowerCase().endsWith('.md') && e.name.toLowerCase() !== 'readme.md')
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
      const read = await readPostFile(root, file, MAX_POST_BYTES);
      if (!read.ok) {
        problems.push(diag(file, { line: 1 }, 'error', 'post-format', read.message, read.fix));
        failed.push(file);
        return;
      }
      const r = parsePost({ file, root, bytes: read.bytes, config, kind });
      problems.push(...r.problems);
      if (r.ok) posts.push(r.post);
      else failed.push(file);
    }),
  );
  posts.sort((a, b) => a.file.localeCompare(b.file));
  return { posts, problems, failed };
}

/**
 * The key two ids collide on: ids are compared ignoring case, because `Spring-Menu` and
 * `spring-menu` look like one post to a person and become one file name on a case-insensitive
 * disk (the outbox, a checkout on macOS or Windows).
 */
export function idKey(id: string): string {
  return id.toLowerCase();
}

/** The ids (as {@link idKey}) that more than one post uses: none of those posts is safe to publish. */
export function duplicateIdKeys(posts: Post[]): Set<string> {
  const count = new Map<string, number>();
  for (const p of posts) count.set(idKey(p.id), (count.get(idKey(p.id)) ?? 0) + 1);
  return new Set([...count].filter(([, n]) => n > 1).map(([k]) => k));
}

/** Posts that share an `id` with an earlier file: the ledger is keyed by id, so both are unsafe. */
export function duplicateIds(posts: Post[]): Diagnostic[] {
  const first = new Map<string, Post>();
  const out: Diagnostic[] = [];
  for (const p of posts) {
    const seen = first.get(idKey(p.id));
    if (!seen) first.set(idKey(p.id), p);
    else {
      const other = seen.id === p.id ? '' : ` as "${seen.id}" (ids are compared ignoring upper and lower case)`;
      out.push(diag(p.file, { line: p.lines.id ?? 1 }, 'error', 'duplicate-id', `id "${p.id}" is already used by ${seen.file}${other}`, 'Give this post its own id; never reuse the id of a published post.'));
    }
  }
  return out;
}
