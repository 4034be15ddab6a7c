/**
 * Which files a pull request changes: `git diff --name-only <base>...HEAD` (the changes since the
 * branch left `base`), run with execFile, never through a shell, with `--relative` so paths are
 * relative to the repository root copydesk runs in. `--no-renames` lists a rename as the old and
 * the new path, so a post still using the old name of a moved image is checked too. Added,
 * modified, deleted and type-changed (file ↔ symlink) paths are all listed.
 * https://git-scm.com/docs/git-diff
 */
import { execFile } from 'node:child_process';
import { CONFIG_FILE } from '../config/config.ts';
import { HOLDING_DIR, POSTS_DIR } from '../post/load-posts.ts';

export type ChangedFiles = { ok: true; files: string[] } | { ok: false; message: string; fix: string };

export function gitChangedFiles(root: string, base: string): Promise<ChangedFiles> {
  if (!base || base.startsWith('-') || /[\s\0]/.test(base)) {
    return Promise.resolve({ ok: false, message: `--base "${base}" is not a git reference`, fix: 'Pass a branch or commit, e.g. --base origin/main.' });
  }
  return new Promise((resolve) => {
    execFile('git', ['diff', '--name-only', '--no-renames', '-z', '--relative', `${base}...HEAD`, '--'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = String(stderr || err.message).trim().split('\n')[0];
        resolve({ ok: false, message: `cannot list the files changed since ${base}: ${why}`, fix: `Fetch the base branch first (in GitHub Actions: actions/checkout with fetch-depth: 0), or check that "${base}" exists.` });
      } else resolve({ ok: true, files: stdout.split('\0').filter(Boolean).sort() });
    });
  });
}

/** A change to the configuration, the code or the dependencies can change the result for every post. */
export function affectsAllPosts(files: readonly string[]): boolean {
  return files.some((f) => f === CONFIG_FILE || f.startsWith('src/') || f === 'package.json' || f === 'package-lock.json');
}

/** Changed files that are posts or holding statements. */
export function changedPostFiles(files: readonly string[]): string[] {
  return files.filter((f) => (f.startsWith(`${POSTS_DIR}/`) || f.startsWith(`${HOLDING_DIR}/`)) && f.toLowerCase().endsWith('.md') && !/(^|\/)readme\.md$/i.test(f));
}

/** What `postsReferencingMedia` needs of a post. */
export interface MediaUser {
  /** Repository path of the post file. */
  file: string;
  /** Its media, by repository path (`PostMedia.repoPath`). */
  media: readonly { repoPath: string }[];
}

/**
 * Post files whose media changed: a media path that is a changed file, or lies under a changed
 * path (a folder replaced by a symlink shows up as the folder's own path). Media is part of what
 * the second reader approves, so a PR touching only an image re-checks every post showing it.
 */
export function postsReferencingMedia(posts: readonly MediaUser[], files: readonly string[]): string[] {
  const changed = new Set(files);
  const hit = (repoPath: string) => {
    if (changed.has(repoPath)) return true;
    for (let i = repoPath.lastIndexOf('/'); i > 0; i = repoPath.lastIndexOf('/', i - 1)) if (changed.has(repoPath.slice(0, i))) return true;
    return false;
  };
  return posts.filter((p) => p.media.some((m) => hit(m.repoPath))).map((p) => p.file).sort();
}
