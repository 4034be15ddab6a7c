/**
 * Which files a pull request changes: `git diff --name-only <base>...HEAD` (the changes since the
 * branch left `base`), run with execFile, never through a shell, with `--relative` so paths are
 * relative to the repository root copydesk runs in. https://git-scm.com/docs/git-diff
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
    execFile('git', ['diff', '--name-only', '-z', '--relative', `${base}...HEAD`, '--'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
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
