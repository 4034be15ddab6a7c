/**
 * Which commit last changed a file on the checked-out branch, in FULL history.
 *
 * git's default history simplification (what `git log -- path` and GitHub's `commits?path=` show)
 * follows any merge parent whose file equals the merge's, so a hand-made merge commit that brings
 * back old text (or a deleted post) from an older, approved pull request is skipped, and the old
 * pull request appears to have made the last change. Here a merge is passed through only when its
 * file is what a three-way merge of its parents gives (the side that changed wins, or both sides
 * agree); any other merge chose the content itself and is the last change.
 * https://git-scm.com/docs/git-log#_history_simplification
 *
 * Reads the local repository (deepened from `origin` when the checkout is shallow, see readHistory):
 * `git rev-list --parents` once per run, then per file one `git log --full-history` (the commits
 * that differ from some parent there), blobs only at those commits (`git cat-file --batch-check`),
 * and `git merge-base` only at merges whose parents disagree about the file.
 */
import { execFile } from 'node:child_process';

/** Result of {@link lastChange}. */
export type LastChangeResult =
  | { ok: true; /** The commit that last set the file's content. */ commit: string; /** The file's blob at HEAD. */ blob: string }
  | {
      ok: false;
      /** `shallow`: history is cut off; `untracked`: HEAD has no such file; `git`: git failed. */
      code: 'shallow' | 'untracked' | 'git';
      /** What went wrong, in words. */
      detail: string;
    };

type Env = Readonly<Record<string, string | undefined>>;

function git(root: string, args: string[], env: Env | undefined, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', ['--literal-pathspecs', ...args], { cwd: root, maxBuffer: 256 * 1024 * 1024, ...(env ? { env: env as NodeJS.ProcessEnv } : {}) }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args[0]} failed: ${(stderr || err.message).trim().split('\n')[0]}`)) : resolve(stdout),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** HEAD's commit graph, read once per run and shared by every post (see {@link readHistory}). */
export interface History {
  /** Parents of each commit. */
  parents: Map<string, string[]>;
  /** Every commit, HEAD first. */
  order: string[];
}

/**
 * Reads HEAD's commit graph (one `git rev-list`). A shallow checkout is deepened first, once per
 * run and only when a post is due (the publisher's idle ticks check out one commit, so their cost
 * stays flat as the history grows): `git fetch --unshallow` with the checkout's own credentials.
 * If it stays shallow, it is refused, never guessed at.
 * https://git-scm.com/docs/git-fetch#Documentation/git-fetch.txt---unshallow
 */
export async function readHistory(root: string, env?: Env): Promise<History | Extract<LastChangeResult, { ok: false }>> {
  try {
    const shallow = async () => (await git(root, ['rev-parse', '--is-shallow-repository'], env)).trim() === 'true';
    if (await shallow()) {
      const fetched = await git(root, ['fetch', '--quiet', '--unshallow', '--no-tags', 'origin'], env).then(() => '', (e: Error) => e.message);
      if (await shallow()) {
        return { ok: false, code: 'shallow', detail: `the checkout is shallow and its full history could not be fetched${fetched ? ` (${fetched})` : ''}, so the history of the file cannot be followed` };
      }
    }
    const parents = new Map<string, string[]>();
    const order: string[] = [];
    for (const line of (await git(root, ['rev-list', '--parents', 'HEAD'], env)).split('\n')) {
      if (!line) continue;
      const [sha, ...ps] = line.split(' ');
      parents.set(sha!, ps);
      order.push(sha!);
    }
    return { parents, order };
  } catch (err) {
    return { ok: false, code: 'git', detail: (err as Error).message };
  }
}

/** The commit on HEAD's history that last set `path` (repository-relative, forward slashes). Never throws. */
export async function lastChange(root: string, path: string, env?: Env, history?: History | Extract<LastChangeResult, { ok: false }>): Promise<LastChangeResult> {
  if (/[\n\r]/.test(path)) return { ok: false, code: 'git', detail: `the path ${JSON.stringify(path)} contains a line break` };
  const h = history ?? (await readHistory(root, env));
  if ('ok' in h) return h;
  const { parents, order } = h;
  try {
    // Commits that differ from at least one parent for `path` (git compares trees, fast). Any other
    // commit equals all its parents there, so the walk passes it without looking at blobs.
    const touched = new Set((await git(root, ['log', '--full-history', '--format=%H', 'HEAD', '--', path], env)).split('\n').filter(Boolean));
    const blobs = new Map<string, string | null>();
    const blobOf = async (commits: string[]) => {
      const missing = commits.filter((c) => !blobs.has(c));
      if (missing.length > 0) {
        const found = await blobsAt(root, missing, path, env);
        for (const c of missing) blobs.set(c, found.get(c) ?? null);
      }
      return commits.map((c) => blobs.get(c) ?? null);
    };
    const head = order[0];
    const [headBlob] = head ? await blobOf([head]) : [null];
    if (!head || !headBlob) return { ok: false, code: 'untracked', detail: `${path} is not in the last commit of the checkout` };

    let c = head;
    for (let steps = 0; steps <= order.length; steps++) {
      const ps = parents.get(c) ?? [];
      if (!touched.has(c)) {
        if (ps.length === 0) return { ok: true, commit: c, blob: headBlob };
        c = ps[0]!;
        continue;
      }
      if (ps.length === 0) return { ok: true, commit: c, blob: headBlob };
      const [mine, ...theirs] = await blobOf([c, ...ps]);
      if (ps.length === 1) {
        if (theirs[0] === mine) {
          c = ps[0]!;
          continue;
        }
        return { ok: true, commit: c, blob: headBlob };
      }
      if (theirs.every((t) => t === mine)) {
        c = ps[0]!;
        continue;
      }
      const from = ps.length === 2 ? await naturalSide(root, ps as [string, string], theirs as [string | null, string | null], mine ?? null, path, env) : undefined;
      if (from === undefined) return { ok: true, commit: c, blob: headBlob };
      c = from;
    }
    return { ok: false, code: 'git', detail: 'the history walk did not end (this is a bug)' };
  } catch (err) {
    return { ok: false, code: 'git', detail: (err as Error).message };
  }
}

/**
 * For a two-parent merge whose parents disagree: the parent the file came from when the merge
 * result is what a three-way merge gives (one side left the file as at the merge base, the other
 * changed it, and the merge kept the change). Undefined when the merge chose or resolved it.
 */
async function naturalSide(root: string, ps: [string, string], theirs: [string | null, string | null], mine: string | null, path: string, env: Env | undefined): Promise<string | undefined> {
  const bases = (await git(root, ['merge-base', '--all', ps[0], ps[1]], env).catch(() => '')).split('\n').filter(Boolean);
  if (bases.length !== 1) return undefined; // no common base, or a criss-cross: nothing is "natural"
  const base = (await blobsAt(root, bases, path, env)).get(bases[0]!) ?? null;
  if (theirs[0] === base && theirs[1] === mine) return ps[1];
  if (theirs[1] === base && theirs[0] === mine) return ps[0];
  return undefined;
}

/** Blob sha of `path` in each commit (absent when the commit has no such file). */
async function blobsAt(root: string, commits: string[], path: string, env: Env | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (commits.length === 0) return out;
  const lines = (await git(root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], env, commits.map((c) => `${c}:${path}\n`).join(''))).split('\n');
  commits.forEach((c, i) => {
    const m = /^([0-9a-f]{40,64}) blob$/.exec(lines[i] ?? '');
    if (m) out.set(c, m[1]!);
  });
  return out;
}
