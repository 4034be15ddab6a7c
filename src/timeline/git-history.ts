/**
 * Who changed which post when, from the repository's git history (the one record of pull requests
 * that needs no API): `git log --name-status` over posts/, playbook/holding/ and the config, with
 * author and committer. Merge commits are diffed against their first parent, so a pull request
 * shows up both as its author's commits and as the merge by whoever merged it.
 * https://git-scm.com/docs/git-log#_pretty_formats
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { idFromSource } from '../post/id-from-source.ts';

const run = promisify(execFile);

/** Folders and files the timeline follows. */
export const HISTORY_PATHS = ['posts', 'playbook/holding', 'copydesk.config.yaml'];

/** One file changed by one commit. */
export interface FileChange {
  /** `added`, `changed`, `removed`, `renamed`. */
  kind: 'added' | 'changed' | 'removed' | 'renamed';
  /** Path after the commit (for `removed`: the removed path). */
  path: string;
  /** Path before, for `renamed`. */
  from?: string;
  /** The post's `id` at that commit (or before it, for `removed`), when it has one. */
  postId?: string;
}

/** One commit touching the followed paths. */
export interface GitCommit {
  /** Full sha. */
  sha: string;
  /** Whether it is a merge (more than one parent). */
  merge: boolean;
  /** Author name (who wrote the change). */
  author: string;
  /** Author e-mail. */
  authorEmail: string;
  /** Author date (epoch ms). */
  authoredAt: number;
  /** Committer name (GitHub's "web-flow" for merges made on github.com). */
  committer: string;
  /** Commit date (epoch ms): when the change landed. */
  committedAt: number;
  /** First line of the message. */
  subject: string;
  /** What it changed. */
  files: FileChange[];
}

export type HistoryResult = { ok: true; commits: GitCommit[] } | { ok: false; error: string };

const RS = '\x1e';
const US = '\x1f';

/** Parses `git log --format=<RS>%H<US>%P<US>%an<US>%ae<US>%aI<US>%cn<US>%cI<US>%s --name-status`. Pure. */
export function parseGitLog(text: string): GitCommit[] {
  const out: GitCommit[] = [];
  for (const chunk of text.split(RS)) {
    if (!chunk.trim()) continue;
    const [header, ...rest] = chunk.split('\n');
    const f = header!.split(US);
    if (f.length < 8) continue;
    const files: FileChange[] = [];
    for (const line of rest) {
      if (!line.trim()) continue;
      const [status, a, b] = line.split('\t');
      const s = status?.[0];
      if (!a) continue;
      if (s === 'A') files.push({ kind: 'added', path: a });
      else if (s === 'M' || s === 'T') files.push({ kind: 'changed', path: a });
      else if (s === 'D') files.push({ kind: 'removed', path: a });
      else if ((s === 'R' || s === 'C') && b) files.push(s === 'R' ? { kind: 'renamed', path: b, from: a } : { kind: 'added', path: b });
    }
    out.push({
      sha: f[0]!, merge: f[1]!.trim().split(/\s+/).filter(Boolean).length > 1,
      author: f[2]!, authorEmail: f[3]!, authoredAt: Date.parse(f[4]!), committer: f[5]!, committedAt: Date.parse(f[6]!), subject: f.slice(7).join(US), files,
    });
  }
  return out;
}

/** Commits that changed followed paths and landed in [since, until]. */
export async function readHistory(root: string, since: number, until: number): Promise<HistoryResult> {
  let text: string;
  try {
    const r = await run('git', [
      '-C', root, 'log', '--no-color', '-M', '--full-history', '--diff-merges=first-parent', '--name-status',
      `--since=${new Date(since - 1000).toISOString()}`, `--until=${new Date(until + 1000).toISOString()}`,
      `--format=${RS}%H${US}%P${US}%an${US}%ae${US}%aI${US}%cn${US}%cI${US}%s`, '--', ...HISTORY_PATHS,
    ], { maxBuffer: 64 * 1024 * 1024 });
    text = r.stdout;
  } catch (e) {
    const msg = String((e as { stderr?: string }).stderr || (e as Error).message).split('\n')[0];
    return { ok: false, error: `git log failed in ${root}: ${msg}` };
  }
  const commits = parseGitLog(text).filter((c) => c.committedAt >= since && c.committedAt <= until);
  await addPostIds(root, commits);
  return { ok: true, commits };
}

/** Reads each touched post at its commit (`git cat-file --batch`, one process) to name its id. */
async function addPostIds(root: string, commits: GitCommit[]): Promise<void> {
  const wanted: { change: FileChange; spec: string }[] = [];
  for (const c of commits) {
    for (const ch of c.files) {
      if (!ch.path.endsWith('.md')) continue;
      wanted.push({ change: ch, spec: ch.kind === 'removed' ? `${c.sha}^:${ch.path}` : `${c.sha}:${ch.path}` });
    }
  }
  if (!wanted.length) return;
  const out = await new Promise<Buffer>((resolve) => {
    const child = execFile('git', ['-C', root, 'cat-file', '--batch'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => resolve(err ? Buffer.alloc(0) : stdout));
    child.stdin!.end(wanted.map((w) => w.spec).join('\n') + '\n');
  });
  let pos = 0;
  for (const w of wanted) {
    const nl = out.indexOf(0x0a, pos);
    if (nl < 0) break;
    const header = out.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    const m = /^\S+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // "<spec> missing"
    const size = Number(m[2]);
    if (m[1] === 'blob') {
      const id = idFromSource(out.subarray(pos, pos + size).toString('utf8'));
      if (id) w.change.postId = id;
    }
    pos += size + 1;
  }
}
