/**
 * The git backend of StateStore: the state lives on its own branch (`copydesk-state`), written with
 * git plumbing only, so the user's work tree, index and checked-out branch are never touched.
 *
 * - Read: `git ls-tree -r -z <tip>` once per tip, file contents through one `git cat-file --batch`
 *   per burst of reads (blobs are cached by id: they never change).
 * - Update: apply the change on the latest tip in a temporary index (`GIT_INDEX_FILE`):
 *   `read-tree`, `hash-object -w`, `update-index --index-info`, `write-tree`, `commit-tree`, then
 *   `git push <remote> <commit>:refs/heads/<branch>` WITHOUT force. A rejected push means another
 *   run pushed first: fetch, re-run the change on the new tip, retry (bounded, with jitter). That is
 *   a compare-and-swap on the branch, so two publishers never lose each other's ledger lines.
 * - No remote: the local branch is moved with `git update-ref <ref> <new> <old>`, the same
 *   compare-and-swap done locally.
 * - A missing branch is created as an orphan commit (no parent; nothing from the code branch).
 * - A witness: every write also moves `refs/copydesk/tips/<branch>` to the new commit, in the same
 *   atomic push (`git push --atomic`, https://git-scm.com/docs/git-push#Documentation/git-push.txt---no-atomic)
 *   and never forced, so it only ever moves forward along the history. Each fetch compares: the
 *   branch must contain the witness (`git merge-base --is-ancestor`). A force push of the branch to
 *   an older or unrelated history, or its deletion, leaves the witness behind; the store then refuses
 *   every read and write (`StateRewrittenError`) instead of trusting a ledger with lines removed,
 *   which would send again what already went out. The witness lives on the remote, so a fresh
 *   checkout in Actions sees it. Limits: someone who can force-push can also move or delete the
 *   witness (GitHub rulesets protect branches and tags, not other refs); a deleted witness is
 *   re-created by the next write (trust on first use, as on the very first run). Branch protection
 *   on the state branch (`setup github`) is the first line; the witness catches what gets past it.
 * - Fetch only what is read: in a shallow repository (an Actions checkout, `fetch-depth: 1`) the
 *   branch and the witness are fetched with `--depth 1`, so a tick costs the same after a year of
 *   state commits as on the first day (bench/tick.bench.ts). Reads need the tip's tree only; a
 *   push needs only that the remote has the parent. The witness check needs history only when the
 *   witness is not the tip itself (someone moved the branch without copydesk): then, and only then,
 *   the branch's whole history is fetched (`--depth=2147483647`, git's "infinite") and the ancestry
 *   checked as before. A full clone is never made shallow (a `--depth` fetch there would cut its
 *   history of the branch); its fetches bring only new commits anyway.
 *   https://git-scm.com/docs/git-fetch#Documentation/git-fetch.txt---depthltdepthgt
 *
 * Plumbing reference: https://git-scm.com/docs/git-commit-tree, https://git-scm.com/docs/git-update-index,
 * https://git-scm.com/docs/git-cat-file#_batch_output, https://git-scm.com/docs/git-push.
 * Every git call goes through execFile/spawn with an argument list, never a shell.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateChange, StateStore } from './store.ts';
import { StateRewrittenError } from './store.ts';

/** Who the state commits are by. */
export interface GitAuthor {
  /** Author and committer name. */
  name: string;
  /** Author and committer e-mail. */
  email: string;
}

export interface GitStoreOptions {
  /** A directory inside the repository (its root, usually). */
  repoDir: string;
  /** Branch holding the state, e.g. `copydesk-state`. */
  branch: string;
  /** Remote to fetch from and push to; omitted: a local branch only. */
  remote?: string;
  /** Read only: `update` refuses, nothing is ever committed or pushed. */
  readOnly?: boolean;
  /** Identity of the state commits (default `copydesk <copydesk@localhost>`). */
  author?: GitAuthor;
  /** Environment for git (PATH, HOME, credentials helpers); default: this process's. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Most attempts of one update when pushes keep being rejected (default 10). */
  maxAttempts?: number;
  /** How to wait between attempts (default a timer); tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
}

/** A git command failed; `output` is its stderr (credentials in URLs removed). */
export class GitError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.output = output;
  }
}

const EMPTY_OID = '0'.repeat(40);
/** Push answers that mean "someone else moved the branch first": fetch and try again. */
const RETRYABLE_PUSH = /\(fetch first\)|\(non-fast-forward\)|\(stale info\)|cannot lock ref|failed to update ref|incorrect old value|failed to lock/i;

/** Remove `user:password@` from URLs so a remote with an embedded token never reaches a log. */
function scrubUrls(text: string): string {
  return text.replace(/(\w+:\/\/)[^/\s@]+@/g, '$1***@');
}

interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  okCodes?: number[];
}

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function createGitStore(opts: GitStoreOptions): StateStore {
  const { repoDir, branch, remote, readOnly = false } = opts;
  const author = opts.author ?? { name: 'copydesk', email: 'copydesk@localhost' };
  const maxAttempts = opts.maxAttempts ?? 10;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const baseEnv: Record<string, string | undefined> = {
    ...(opts.env ?? process.env),
    // A push must never stop and wait for a password in a scheduled job.
    GIT_TERMINAL_PROMPT: '0',
    GIT_INDEX_FILE: undefined,
    GIT_DIR: undefined,
    GIT_WORK_TREE: undefined,
  };
  const trackingRef = remote ? `refs/remotes/${remote}/${branch}` : `refs/heads/${branch}`;
  /** The witness on the remote (or locally, without one), and where this clone keeps its copy. */
  const witnessRef = `refs/copydesk/tips/${branch}`;
  const witnessTracking = remote ? `refs/copydesk-remote/${remote}/tips/${branch}` : witnessRef;
  const description = remote ? `git branch ${branch} on ${remote}` : `git branch ${branch} (local)`;
  /** Set once a rewrite is seen: from then on nothing is read or written. */
  let rewritten: StateRewrittenError | undefined;

  /** Known tip of the state branch; `null`: the branch does not exist; `undefined`: not looked up yet. */
  let tip: string | null | undefined;
  const trees = new Map<string, Promise<Map<string, string>>>();
  const blobs = new Map<string, string>();
  let pending = new Map<string, { resolve: (v: string) => void; reject: (e: unknown) => void }[]>();
  let flushScheduled = false;
  let queue: Promise<unknown> = Promise.resolve();
  /** Whether the repository is shallow (looked up once; see "Fetch only what is read"). */
  let shallow: Promise<boolean> | undefined;

  function run(args: string[], o: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const env = { ...baseEnv, ...(o.env ?? {}) };
      for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
      const child = execFile('git', args, { cwd: repoDir, env: env as NodeJS.ProcessEnv, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        const errText = scrubUrls(Buffer.from(stderr).toString('utf8'));
        if (code !== 0 && !(o.okCodes ?? []).includes(code)) {
          reject(new GitError(`git ${args[0]} failed${code === -1 ? '' : ` (exit ${code})`}: ${errText.trim() || (err as Error).message}`, errText));
          return;
        }
        resolve({ code, stdout: Buffer.from(stdout), stderr: errText });
      });
      if (o.input !== undefined) child.stdin?.end(o.input);
      else child.stdin?.end();
    });
  }

  async function resolveLocalTip(): Promise<string | null> {
    const r = await run(['rev-parse', '--verify', '--quiet', `${trackingRef}^{commit}`], { okCodes: [1] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  async function currentTip(): Promise<string | null> {
    if (tip === undefined) tip = await resolveLocalTip();
    return tip;
  }

  async function resolveRef(ref: string): Promise<string | null> {
    const r = await run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okCodes: [1] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  async function fetchTip(): Promise<void> {
    if (rewritten) throw rewritten;
    if (!remote) {
      tip = await resolveLocalTip();
      await verify(tip);
      return;
    }
    // The witness by a pattern: a missing one is no error (first run), and --prune drops a stale copy.
    const witnessSpec = `+refs/copydesk/tips/*:refs/copydesk-remote/${remote}/tips/*`;
    shallow ??= run(['rev-parse', '--is-shallow-repository']).then((r) => r.stdout.toString('utf8').trim() === 'true');
    const depth = (await shallow) ? ['--depth=1'] : [];
    const fetchArgs = ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--prune', ...depth, remote];
    const r = await run([...fetchArgs, `+refs/heads/${branch}:${trackingRef}`, witnessSpec], { okCodes: [1, 128] });
    if (r.code !== 0) {
      if (!/couldn't find remote ref|could not find remote ref/i.test(r.stderr)) throw new GitError(`cannot fetch ${branch} from ${remote}: ${r.stderr.trim()}`, r.stderr);
      // The branch does not exist on the remote: new (the first update creates it), or deleted.
      const w = await run([...fetchArgs, witnessSpec], { okCodes: [1, 128] });
      if (w.code !== 0) throw new GitError(`cannot fetch ${witnessRef} from ${remote}: ${w.stderr.trim()}`, w.stderr);
      tip = null;
    } else {
      tip = await resolveLocalTip();
    }
    await verify(tip);
  }

  /** The branch must contain the tip copydesk last wrote; otherwise refuse everything from now on. */
  async function verify(current: string | null): Promise<void> {
    const recorded = await resolveRef(witnessTracking);
    if (!recorded) return;
    if (current) {
      if (current === recorded) return;
      if (remote && (await shallow)) {
        // Only the tip came with the shallow fetch: bring the branch's whole history (a failed
        // fetch is a GitError, never taken for a rewrite). If the branch moved meanwhile, the
        // witness must be an ancestor of the new tip just the same.
        await run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--depth=2147483647', remote, `+refs/heads/${branch}:${trackingRef}`]);
        tip = current = await resolveLocalTip();
      }
    }
    if (current) {
      if (current === recorded) return;
      const r = await run(['merge-base', '--is-ancestor', recorded, current], { okCodes: [1, 128] });
      if (r.code === 0) return;
    }
    const target = remote ? `${remote} ${branch}` : branch;
    rewritten = new StateRewrittenError({
      store: description,
      recorded,
      found: current,
      action:
        `Find out who changed the branch ${branch} and why (its history on GitHub, the audit log). To put back what copydesk wrote: ` +
        `\`git fetch ${remote ?? '.'} ${witnessRef} && git push --force ${remote ?? '.'} FETCH_HEAD:refs/heads/${branch}\`. ` +
        `Only if the branch as it is now is the state you want (its ledger still lists everything that went out): ` +
        `\`git fetch ${remote ?? '.'} ${branch} && git push --force ${remote ?? '.'} FETCH_HEAD:${witnessRef}\`. ` +
        `Until then copydesk publishes nothing from ${target}.`,
    });
    throw rewritten;
  }

  function treeOf(commit: string): Promise<Map<string, string>> {
    let t = trees.get(commit);
    if (!t) {
      t = run(['ls-tree', '-r', '-z', '--full-tree', commit]).then((r) => {
        const map = new Map<string, string>();
        for (const entry of r.stdout.toString('utf8').split('\0')) {
          if (!entry) continue;
          const tab = entry.indexOf('\t');
          const [, type, sha] = entry.slice(0, tab).split(' ');
          if (type === 'blob' && sha) map.set(entry.slice(tab + 1), sha);
        }
        return map;
      });
      t.catch(() => trees.delete(commit));
      trees.set(commit, t);
    }
    return t;
  }

  /** Read many blobs with one `git cat-file --batch`: reads issued together are served together. */
  function blob(sha: string): Promise<string> {
    const cached = blobs.get(sha);
    if (cached !== undefined) return Promise.resolve(cached);
    return new Promise((resolve, reject) => {
      const waiting = pending.get(sha) ?? [];
      waiting.push({ resolve, reject });
      pending.set(sha, waiting);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
  }

  function flush(): void {
    const batch = pending;
    pending = new Map();
    flushScheduled = false;
    const shas = [...batch.keys()];
    catFileBatch(shas).then(
      (found) => {
        for (const [sha, waiters] of batch) {
          const text = found.get(sha);
          if (text === undefined) waiters.forEach((w) => w.reject(new GitError(`blob ${sha} is missing from the repository`, '')));
          else {
            blobs.set(sha, text);
            waiters.forEach((w) => w.resolve(text));
          }
        }
      },
      (err) => batch.forEach((waiters) => waiters.forEach((w) => w.reject(err))),
    );
  }

  function catFileBatch(shas: string[]): Promise<Map<string, string>> {
    return new Promise((resolve, reject) => {
      const env = { ...baseEnv };
      for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
      const child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir, env: env as NodeJS.ProcessEnv });
      const chunks: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) return reject(new GitError(`git cat-file failed (exit ${code}): ${scrubUrls(stderr).trim()}`, stderr));
        // Output per object: "<sha> <type> <size>\n<content>\n", or "<sha> missing\n".
        const out = Buffer.concat(chunks);
        const map = new Map<string, string>();
        let pos = 0;
        while (pos < out.length) {
          const nl = out.indexOf(0x0a, pos);
          if (nl < 0) break;
          const header = out.subarray(pos, nl).toString('utf8').split(' ');
          pos = nl + 1;
          if (header[1] === 'missing' || header.length < 3) continue;
          const size = Number(header[2]);
          map.set(header[0]!, out.subarray(pos, pos + size).toString('utf8'));
          pos += size + 1;
        }
        resolve(map);
      });
      child.stdin.end(shas.join('\n') + '\n');
    });
  }

  async function readAt(commit: string | null, path: string): Promise<string | undefined> {
    if (!commit) return undefined;
    const sha = (await treeOf(commit)).get(path);
    return sha === undefined ? undefined : blob(sha);
  }

  /** One attempt: commit the change on `base` and publish it; false when someone moved the branch first. */
  async function attempt(message: string, change: StateChange, base: string | null): Promise<boolean> {
    const writes = await change((path) => readAt(base, path));
    if (!writes) return true;
    const tree = base ? await treeOf(base) : new Map<string, string>();
    const entries: string[] = [];
    for (const [path, content] of Object.entries(writes)) {
      if (!/^[^/\0][^\0]*$/.test(path) || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
        throw new Error(`state path "${path}" is not a plain relative path`);
      }
      const sha = (await run(['hash-object', '-w', '--stdin'], { input: content })).stdout.toString('utf8').trim();
      blobs.set(sha, content);
      if (tree.get(path) !== sha) entries.push(`100644 ${sha}\t${path}\0`);
    }
    if (entries.length === 0) return true;

    const tmp = await mkdtemp(join(tmpdir(), 'copydesk-index-'));
    let commit: string;
    try {
      const env = {
        GIT_INDEX_FILE: join(tmp, 'index'),
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      };
      if (base) await run(['read-tree', base], { env });
      await run(['update-index', '--add', '-z', '--index-info'], { env, input: entries.join('') });
      const newTree = (await run(['write-tree'], { env })).stdout.toString('utf8').trim();
      commit = (await run(['commit-tree', newTree, ...(base ? ['-p', base] : []), '-m', message], { env })).stdout.toString('utf8').trim();
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }

    if (remote) {
      // Never --force: a rejection is the signal that another run got there first. The witness
      // moves in the same atomic push, fast-forward only: on a rewritten branch it is refused too.
      const r = await run(['push', '--atomic', '--porcelain', '--quiet', remote, `${commit}:refs/heads/${branch}`, `${commit}:${witnessRef}`], { okCodes: [1, 128] });
      if (r.code !== 0) {
        const all = `${r.stdout.toString('utf8')}\n${r.stderr}`;
        if (RETRYABLE_PUSH.test(all)) return false;
        throw new GitError(`cannot push ${branch} to ${remote}: ${all.trim()}`, all);
      }
      // Keep the tracking refs in step so the next read sees this commit without a fetch.
      await run(['update-ref', trackingRef, commit]);
      await run(['update-ref', witnessTracking, commit]);
    } else {
      // Branch and witness in one ref transaction (https://git-scm.com/docs/git-update-ref#_description).
      const witnessOld = (await resolveRef(witnessRef)) ?? EMPTY_OID;
      const tx = `start\nupdate ${trackingRef} ${commit} ${base ?? EMPTY_OID}\nupdate ${witnessRef} ${commit} ${witnessOld}\nprepare\ncommit\n`;
      const r = await run(['update-ref', '--stdin'], { input: tx, okCodes: [1, 128] });
      if (r.code !== 0) return false;
    }
    tip = commit;
    return true;
  }

  return {
    description,
    async refresh() {
      await fetchTip();
    },
    async read(path) {
      if (rewritten) throw rewritten;
      return readAt(await currentTip(), path);
    },
    async list(dir) {
      if (rewritten) throw rewritten;
      const commit = await currentTip();
      if (!commit) return [];
      const prefix = dir.replace(/\/+$/, '') + '/';
      return [...(await treeOf(commit)).keys()].filter((p) => dir === '' || p.startsWith(prefix)).sort();
    },
    update(message, change) {
      if (readOnly) return Promise.reject(new Error(`the state store (${branch}) was opened read-only; nothing was written`));
      const job = queue.then(async () => {
        if (rewritten) throw rewritten;
        let base = await currentTip();
        for (let i = 1; i <= maxAttempts; i++) {
          if (await attempt(message, change, base)) return;
          // Someone else moved the branch: back off a little (with jitter so racers spread out), fetch, re-apply.
          await sleep(Math.min(2_000, 50 * 2 ** i) + Math.floor(Math.random() * 100));
          await fetchTip();
          base = tip ?? null;
        }
        throw new Error(`could not update the state branch ${branch}: it kept moving under ${maxAttempts} attempts (another run is writing); try again`);
      });
      queue = job.catch(() => {});
      return job;
    },
  };
}
