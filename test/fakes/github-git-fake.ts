/**
 * A strict local fake of the GitHub REST routes the approval gate reads, served from a REAL git
 * repository: a bare `origin` that test scenarios push to with real commits, real merge commits,
 * real squash and rebase merges (done with git in a work clone), and a `checkout` clone that plays
 * the publisher's `actions/checkout` (fetch-depth: 0).
 *
 * Modelled from the documented API (https://docs.github.com/rest):
 * - GET /repos/{o}/{r}/commits?sha=&path=            git log's DEFAULT history simplification, as GitHub
 *   https://docs.github.com/rest/commits/commits#list-commits
 * - GET /repos/{o}/{r}/commits/{ref}                 `author` is the GitHub user the author e-mail maps to
 * - GET /repos/{o}/{r}/commits/{sha}/pulls           merged PRs that introduced a commit (its own commits,
 *   its merge/squash/rebased commits); 422 for an unknown sha
 *   https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit
 * - GET /repos/{o}/{r}/contents/{path}?ref=          `type` file|dir|symlink, blob `sha`; 403 too_large over 1 MB
 *   https://docs.github.com/rest/repos/contents#get-repository-content
 * - GET /repos/{o}/{r}/git/trees/{sha}?recursive=1   every entry with mode, type, blob sha, size
 *   https://docs.github.com/rest/git/trees#get-a-tree
 * - GET /repos/{o}/{r}/pulls/{n}/reviews             paginated, `author_association`
 * - GET /repos/{o}/{r}/collaborators/{u}/permission  `permission` admin|write|read|none (maintain→write,
 *   triage→read); a stranger on a public repository reads `read`
 *   https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
 * - GET /repos/{o}/{r}/activity?ref=                 who pushed what to which ref (push, force_push,
 *   branch_creation, pr_merge), newest first, cursor pagination through `Link`
 *   https://docs.github.com/rest/repos/repos#list-repository-activities
 *
 * Strictness: an Authorization header is required; any other route or method is answered 500 and
 * recorded in `violations`, which tests assert to be empty, unless a `fallback` fake is named:
 * then it answers them (end-to-end tests pair this fake with test/fakes/github-fake.ts for issues). Pushes to a fork are not this
 * repository's activity (GitHub records them in the fork), so they are not listed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, unlink, writeFile, symlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const DOCS = 'https://docs.github.com/rest';
const EPOCH = Date.UTC(2027, 0, 1);

/** A repository role (GitHub's `role_name`). */
export type FakeRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** Content of one file in a commit: text, bytes, `{ symlink: target }`, or null to delete it. */
export type FakeFileContent = string | Uint8Array | { symlink: string } | null;

interface FakePull {
  number: number;
  author: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  /** Owner of the repository the head branch lives in (the author's fork, or this repository). */
  headRepoOwner: string;
  state: 'open' | 'closed';
  mergedAt: string | null;
  mergeCommitSha: string | null;
  associated: Set<string>;
}

interface FakeReview {
  id: number;
  user: string;
  state: string;
  commitId: string;
  submittedAt: string;
}

interface FakeActivity {
  id: number;
  before: string;
  after: string;
  ref: string;
  timestamp: string;
  activityType: 'push' | 'force_push' | 'branch_creation' | 'pr_merge';
  actor: string;
}

/** A request the fake saw. */
export interface GitFakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

/** The next matching request gets `status` instead of its answer. */
export interface GitFakeFailure {
  method: string;
  path: RegExp;
  status: number;
  times?: number;
}

const ZERO = '0'.repeat(40);

function run(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** The e-mail a commit authored as `login` carries (GitHub maps it back to the account). */
const emailOf = (login: string) => `${login}@users.noreply.github.com`;

export class GitHubGitFake {
  readonly owner = 'acme';
  readonly repo = 'social';
  readonly branch = 'main';
  baseUrl = '';
  /** Bare repository GitHub serves. */
  origin = '';
  /** Where scenarios build commits. */
  private work = '';
  /** The publisher's checkout (full history). Call {@link syncCheckout} after changing origin. */
  checkout = '';
  private tmp = '';
  /** Role of each account on this repository; anyone else is a stranger (`read` on a public repository). */
  readonly roles = new Map<string, FakeRole>();
  readonly violations: string[] = [];
  readonly requests: GitFakeRequest[] = [];
  readonly failures: GitFakeFailure[] = [];
  /** Largest page served (GitHub: 100). */
  maxPerPage = 100;
  readonly pulls = new Map<number, FakePull>();
  readonly reviews = new Map<number, FakeReview[]>();
  readonly activity: FakeActivity[] = [];
  /** Base URL of another strict fake that answers every route this one does not model. */
  fallback: string | undefined;
  private seq = 0;
  private nextNumber = 1;
  private nextId = 5000;
  private server: Server | null = null;

  private time(): string {
    return new Date(EPOCH + ++this.seq * 60_000).toISOString().replace('.000Z', 'Z');
  }

  private async git(args: string[], author?: string, committer?: string): Promise<string> {
    const when = this.time();
    const a = author ?? 'owner';
    const c = committer ?? a;
    return (await run(this.work, args, {
      GIT_AUTHOR_NAME: a, GIT_AUTHOR_EMAIL: emailOf(a), GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: c, GIT_COMMITTER_EMAIL: emailOf(c), GIT_COMMITTER_DATE: when,
    })).trim();
  }

  async init(): Promise<this> {
    this.tmp = await mkdtemp(join(tmpdir(), 'copydesk-gh-git-'));
    this.origin = join(this.tmp, 'origin.git');
    this.work = join(this.tmp, 'work');
    this.checkout = join(this.tmp, 'checkout');
    await run(this.tmp, ['init', '-q', '--bare', '-b', this.branch, this.origin]);
    await run(this.tmp, ['init', '-q', '-b', this.branch, this.work]);
    await run(this.work, ['remote', 'add', 'origin', this.origin]);
    await this.writeFiles({ 'README.md': '# social\n' });
    await this.git(['add', '-A']);
    await this.git(['commit', '-q', '-m', 'Initial commit']);
    await this.pushRef(this.branch, 'owner');
    await run(this.tmp, ['clone', '-q', this.origin, this.checkout]);
    return this;
  }

  // ---- building history -------------------------------------------------------------------

  private async writeFiles(files: Record<string, FakeFileContent>): Promise<void> {
    for (const [path, content] of Object.entries(files)) {
      const abs = join(this.work, path);
      await rm(abs, { force: true });
      if (content === null) continue;
      await mkdir(dirname(abs), { recursive: true });
      if (typeof content === 'object' && 'symlink' in content) await symlink(content.symlink, abs);
      else await writeFile(abs, content);
    }
  }

  private async tipOf(ref: string): Promise<string> {
    return (await run(this.origin, ['rev-parse', '--verify', '-q', `refs/heads/${ref}^{commit}`]).catch(() => '')).trim();
  }

  /** Pushes the work clone's `branch` to origin as `pusher` (force when needed) and records the activity. */
  private async pushRef(branch: string, pusher: string, opts: { fork?: boolean } = {}): Promise<string> {
    const before = await this.tipOf(branch);
    const after = await this.git(['rev-parse', 'HEAD']);
    await run(this.work, ['push', '-q', '--force', 'origin', `HEAD:refs/heads/${branch}`]);
    if (!opts.fork) {
      let type: FakeActivity['activityType'] = 'push';
      if (!before) type = 'branch_creation';
      else if (before !== after && !(await run(this.work, ['merge-base', '--is-ancestor', before, after]).then(() => true, () => false))) type = 'force_push';
      this.activity.push({ id: this.nextId++, before: before || ZERO, after, ref: `refs/heads/${branch}`, timestamp: this.time(), activityType: type, actor: pusher });
    }
    return after;
  }

  /**
   * One commit on `branch` (created from `from`, default main, when missing), pushed by `pusher`.
   * `author` is the commit's author field, which anyone can set to anything (default: the pusher).
   */
  async commit(branch: string, files: Record<string, FakeFileContent>, pusher: string, opts: { author?: string; message?: string; from?: string; fork?: boolean } = {}): Promise<string> {
    const exists = await this.tipOf(branch);
    await run(this.work, ['fetch', '-q', 'origin']);
    await run(this.work, ['checkout', '-q', '-B', branch, exists ? `origin/${branch}` : `origin/${opts.from ?? this.branch}`]);
    await this.writeFiles(files);
    await this.git(['add', '-A']);
    await this.git(['commit', '-q', '--allow-empty', '-m', opts.message ?? `Update ${Object.keys(files).join(', ')}`], opts.author ?? pusher);
    return this.pushRef(branch, pusher, opts.fork ? { fork: true } : {});
  }

  /** Opens a pull request into main from a new branch with one commit by `author`. */
  async openPull(o: { author: string; files: Record<string, FakeFileContent>; fork?: boolean; commitAuthor?: string; from?: string }): Promise<number> {
    const number = this.nextNumber++;
    const headRef = `change-${number}`;
    const headSha = await this.commit(headRef, o.files, o.author, { ...(o.commitAuthor ? { author: o.commitAuthor } : {}), ...(o.fork ? { fork: true } : {}), ...(o.from ? { from: o.from } : {}), message: `PR ${number}` });
    this.pulls.set(number, { number, author: o.author, headRef, headSha, baseRef: this.branch, headRepoOwner: o.fork ? o.author : this.owner, state: 'open', mergedAt: null, mergeCommitSha: null, associated: new Set([headSha]) });
    this.reviews.set(number, []);
    return number;
  }

  /** `pusher` pushes one more commit to a pull request's branch (it must have write access there). */
  async pushToPull(pr: number, files: Record<string, FakeFileContent>, pusher: string, opts: { author?: string } = {}): Promise<string> {
    const p = this.pull(pr);
    const sha = await this.commit(p.headRef, files, pusher, { ...opts, ...(p.headRepoOwner !== this.owner ? { fork: true } : {}) });
    p.headSha = sha;
    p.associated.add(sha);
    return sha;
  }

  /** "Update branch": `by` merges main into the pull request's branch and pushes it. */
  async updateBranch(pr: number, by: string): Promise<string> {
    const p = this.pull(pr);
    await run(this.work, ['fetch', '-q', 'origin']);
    await run(this.work, ['checkout', '-q', '-B', p.headRef, `origin/${p.headRef}`]);
    await this.git(['merge', '-q', '--no-ff', '-m', `Merge branch '${this.branch}' into ${p.headRef}`, `origin/${this.branch}`], by);
    const sha = await this.pushRef(p.headRef, by);
    p.headSha = sha;
    p.associated.add(sha);
    return sha;
  }

  review(pr: number, user: string, state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED', commitId?: string): void {
    const p = this.pull(pr);
    this.reviews.get(pr)!.push({ id: this.nextId++, user, state, commitId: commitId ?? p.headSha, submittedAt: this.time() });
  }

  /** Merges like GitHub's merge button (`merge` commit, `squash`, `rebase`), as `by`. Returns main's new tip. */
  async mergePull(pr: number, method: 'merge' | 'squash' | 'rebase', by = 'owner'): Promise<string> {
    const p = this.pull(pr);
    await run(this.work, ['fetch', '-q', 'origin']);
    await run(this.work, ['checkout', '-q', '-B', this.branch, `origin/${this.branch}`]);
    const own = (await run(this.work, ['rev-list', '--reverse', `origin/${this.branch}..origin/${p.headRef}`])).split('\n').filter(Boolean);
    for (const sha of own) p.associated.add(sha);
    if (method === 'merge') {
      await this.git(['merge', '-q', '--no-ff', '-m', `Merge pull request #${pr}`, `origin/${p.headRef}`], by, 'GitHub');
      p.associated.add(await this.git(['rev-parse', 'HEAD']));
    } else if (method === 'squash') {
      await this.git(['merge', '-q', '--squash', `origin/${p.headRef}`], p.author);
      await this.git(['commit', '-q', '-m', `Change (#${pr})`], p.author, 'GitHub');
      p.associated.add(await this.git(['rev-parse', 'HEAD']));
    } else {
      for (const sha of own) {
        await this.git(['cherry-pick', '--allow-empty', sha], undefined, 'GitHub');
        p.associated.add(await this.git(['rev-parse', 'HEAD']));
      }
    }
    const tip = await this.git(['rev-parse', 'HEAD']);
    await run(this.work, ['push', '-q', 'origin', `HEAD:refs/heads/${this.branch}`]);
    this.activity.push({ id: this.nextId++, before: await run(this.work, ['rev-parse', `origin/${this.branch}`]).then((s) => s.trim()), after: tip, ref: `refs/heads/${this.branch}`, timestamp: this.time(), activityType: 'pr_merge', actor: by });
    await run(this.work, ['fetch', '-q', 'origin']);
    p.state = 'closed';
    p.mergedAt = this.time();
    p.mergeCommitSha = tip;
    return tip;
  }

  /**
   * A hand-made merge commit pushed straight to main by `pusher` (an admin bypass): parents are
   * main's tip and `otherParent` (in that order unless `otherFirst`), and the tree is main's with `paths` taken from `otherParent`.
   */
  async craftMerge(otherParent: string, paths: string[], pusher: string, opts: { otherFirst?: boolean } = {}): Promise<string> {
    await run(this.work, ['fetch', '-q', 'origin']);
    await run(this.work, ['checkout', '-q', '-B', this.branch, `origin/${this.branch}`]);
    for (const path of paths) {
      const there = await run(this.work, ['cat-file', '-e', `${otherParent}:${path}`]).then(() => true, () => false);
      if (there) await this.git(['checkout', '-q', otherParent, '--', path]);
      else await this.git(['rm', '-q', '--', path]);
    }
    const tree = await this.git(['write-tree']);
    const order = opts.otherFirst ? ['-p', otherParent, '-p', 'HEAD'] : ['-p', 'HEAD', '-p', otherParent];
    const sha = await this.git(['commit-tree', tree, ...order, '-m', 'Merge branch (crafted)'], pusher);
    await this.git(['reset', '-q', '--hard', sha]);
    return this.pushRef(this.branch, pusher);
  }

  /** A commit pushed straight to main (a direct push, or an admin bypassing the rules). */
  directPush(files: Record<string, FakeFileContent>, pusher: string, message?: string): Promise<string> {
    return this.commit(this.branch, files, pusher, message ? { message } : {});
  }

  /** `git revert` of `sha` pushed straight to main. */
  async revert(sha: string, pusher: string): Promise<string> {
    await run(this.work, ['fetch', '-q', 'origin']);
    await run(this.work, ['checkout', '-q', '-B', this.branch, `origin/${this.branch}`]);
    const parents = (await run(this.work, ['rev-list', '--parents', '-n', '1', sha])).trim().split(' ').length - 1;
    await this.git(['revert', '--no-edit', ...(parents > 1 ? ['-m', '1'] : []), sha], pusher);
    return this.pushRef(this.branch, pusher);
  }

  /** Brings the publisher's checkout to origin's main, as a fresh `actions/checkout` would. */
  async syncCheckout(): Promise<string> {
    await run(this.checkout, ['fetch', '-q', 'origin']);
    await run(this.checkout, ['checkout', '-q', '-B', this.branch, `origin/${this.branch}`]);
    await run(this.checkout, ['reset', '-q', '--hard', `origin/${this.branch}`]);
    return (await run(this.checkout, ['rev-parse', 'HEAD'])).trim();
  }

  /** Changes a file in the publisher's checkout only (what is sent differs from what GitHub has). */
  async editCheckout(path: string, content: string | Uint8Array | null): Promise<void> {
    const abs = join(this.checkout, path);
    if (content === null) await unlink(abs);
    else await writeFile(abs, content);
  }

  private pull(pr: number): FakePull {
    const p = this.pulls.get(pr);
    if (!p) throw new Error(`fake: no PR ${pr}`);
    return p;
  }

  /** The legacy `permission` GitHub reports for a role. */
  private permissionOf(login: string): { permission: string; role: string } {
    const role = this.roles.get(login.toLowerCase()) ?? 'read';
    const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    return { permission, role };
  }

  // ---- server -----------------------------------------------------------------------------

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server = null;
    }
    if (this.tmp) await rm(this.tmp, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const segs = url.pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = '/' + segs.join('/');
    this.requests.push({ method, path, query });
    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? '')) {
      this.violations.push(`${method} ${path}: no Authorization header`);
      return reply(res, 401, { message: 'Requires authentication', documentation_url: DOCS });
    }
    const failure = this.failures.find((f) => f.method === method && f.path.test(path));
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      return reply(res, failure.status, { message: `Injected failure ${failure.status}`, documentation_url: DOCS });
    }
    try {
      const ours = method === 'GET' && segs[0] === 'repos' && segs[1] === this.owner && segs[2] === this.repo;
      const out = (ours ? await this.route(segs.slice(3), query, path) : null) ?? (await this.forward(req, url, method, Buffer.concat(chunks), path));
      reply(res, out.status, out.body, out.headers);
    } catch (err) {
      if (err instanceof Answer) return reply(res, err.status, err.body);
      this.violations.push(`${method} ${path}: fake crashed: ${(err as Error).stack}`);
      reply(res, 500, { message: 'fake crashed' });
    }
  }

  /** Hands a route this fake does not model to `fallback`, or records a violation. */
  private async forward(req: IncomingMessage, url: URL, method: string, body: Buffer, path: string): Promise<Reply> {
    if (!this.fallback) throw this.violation(method, path);
    const res = await fetch(`${this.fallback}${url.pathname}${url.search}`, {
      method,
      headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? 'application/json', accept: req.headers.accept ?? 'application/json' },
      ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
    const text = await res.text();
    const headers: Record<string, string> = {};
    const link = res.headers.get('link');
    if (link) headers.link = link.replaceAll(this.fallback, this.baseUrl);
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers };
  }

  private violation(method: string, path: string): Answer {
    this.violations.push(`${method} ${path}: not a request copydesk should make`);
    return new Answer(500, { message: 'Unexpected request (github-git-fake)' });
  }

  private async route(s: string[], q: Record<string, string>, path: string): Promise<Reply | null> {
    const root = `/repos/${this.owner}/${this.repo}`;
    if (s[0] === 'commits' && s.length === 1) {
      // git log's default simplification, which is what GitHub's path filter shows.
      const args = ['log', '--format=%H', q.sha ?? this.branch, ...(q.path ? ['--', q.path] : [])];
      const shas = (await run(this.origin, args).catch(() => { throw notFound(); })).split('\n').filter(Boolean);
      const list = await Promise.all(shas.slice(0, 300).map((sha) => this.commitJson(sha)));
      return this.page(list, q, `${root}/commits`);
    }
    if (s[0] === 'commits' && s.length === 3 && s[2] === 'pulls') {
      const sha = s[1]!;
      const ok = /^[0-9a-f]{40}$/.test(sha) && (await run(this.origin, ['cat-file', '-e', `${sha}^{commit}`]).then(() => true, () => false));
      if (!ok) throw new Answer(422, { message: `No commit found for SHA: ${sha}`, documentation_url: DOCS, status: '422' });
      const all = [...this.pulls.values()].filter((p) => p.associated.has(sha)).sort((a, b) => b.number - a.number);
      const merged = all.filter((p) => p.mergedAt !== null);
      return this.page((merged.length > 0 ? merged : all).map((p) => this.pullJson(p)), q, `${root}/commits/${sha}/pulls`);
    }
    if (s[0] === 'commits' && s.length === 2) {
      const sha = (await run(this.origin, ['rev-parse', '--verify', '-q', `${s[1]}^{commit}`]).catch(() => '')).trim();
      if (!sha) throw new Answer(422, { message: `No commit found for SHA: ${s[1]}`, documentation_url: DOCS, status: '422' });
      return { status: 200, body: await this.commitJson(sha) };
    }
    if (s[0] === 'git' && s[1] === 'trees' && s.length === 3) {
      const tree = (await run(this.origin, ['rev-parse', '--verify', '-q', `${s[2]}^{tree}`]).catch(() => '')).trim();
      if (!tree) throw notFound();
      const recursive = q.recursive !== undefined && q.recursive !== '0' && q.recursive !== 'false';
      const lines = (await run(this.origin, ['ls-tree', '-l', '--full-tree', ...(recursive ? ['-r', '-t'] : []), tree])).split('\n').filter(Boolean);
      const entries = lines.map((line) => {
        const [meta, p] = line.split('\t') as [string, string];
        const [mode, type, sha, size] = meta.split(/\s+/);
        return { path: p, mode, type, sha, ...(type === 'blob' ? { size: Number(size) } : {}), url: `${this.baseUrl}${root}/git/${type}s/${sha}` };
      });
      return { status: 200, body: { sha: tree, url: `${this.baseUrl}${root}/git/trees/${tree}`, tree: entries, truncated: false } };
    }
    if (s[0] === 'contents' && s.length >= 2) return { status: 200, body: await this.contentJson(s.slice(1).join('/'), q.ref ?? this.branch) };
    if (s[0] === 'pulls' && s.length === 3 && s[2] === 'reviews' && /^\d+$/.test(s[1]!)) {
      const p = this.pulls.get(Number(s[1]));
      if (!p) throw notFound();
      const list = this.reviews.get(p.number)!.map((r) => ({
        id: r.id, node_id: `PRR_${r.id}`, user: userJson(r.user), body: '', state: r.state,
        html_url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}#pullrequestreview-${r.id}`,
        author_association: this.association(r.user), submitted_at: r.submittedAt, commit_id: r.commitId, _links: {},
      }));
      return this.page(list, q, `${root}/pulls/${p.number}/reviews`);
    }
    if (s[0] === 'collaborators' && s.length === 3 && s[2] === 'permission') {
      const login = s[1]!;
      const { permission, role } = this.permissionOf(login);
      return { status: 200, body: { permission, role_name: role, user: { ...userJson(login), permissions: { admin: permission === 'admin', maintain: role === 'maintain' || permission === 'admin', push: permission === 'admin' || permission === 'write', triage: role !== 'read' && role !== 'none', pull: permission !== 'none' }, role_name: role } } };
    }
    if (s[0] === 'activity' && s.length === 1) {
      const ref = q.ref === undefined ? undefined : q.ref.startsWith('refs/') ? q.ref : `refs/heads/${q.ref}`;
      const types = q.activity_type ? [q.activity_type] : undefined;
      let items = [...this.activity].reverse().filter((a) => (ref === undefined || a.ref === ref) && (types === undefined || types.includes(a.activityType)) && (q.actor === undefined || a.actor === q.actor));
      if (q.direction === 'asc') items = items.reverse();
      // Cursor pagination: `after` is the id of the last item of the previous page.
      const start = q.after ? items.findIndex((a) => String(a.id) === q.after) + 1 : 0;
      const perPage = Math.min(Math.max(Number(q.per_page ?? 30) || 30, 1), this.maxPerPage);
      const slice = items.slice(start, start + perPage);
      const headers: Record<string, string> = {};
      if (start + perPage < items.length) headers.link = `<${this.baseUrl}${path}?${new URLSearchParams({ ...q, per_page: String(perPage), after: String(slice.at(-1)!.id) })}>; rel="next"`;
      return {
        status: 200,
        headers,
        body: slice.map((a) => ({ id: a.id, node_id: `RA_${a.id}`, before: a.before, after: a.after, ref: a.ref, timestamp: a.timestamp, activity_type: a.activityType, actor: userJson(a.actor) })),
      };
    }
    return null;
  }

  private association(login: string): string {
    const { permission } = this.permissionOf(login);
    if (login.toLowerCase() === this.owner) return 'OWNER';
    if (permission === 'admin' || permission === 'write') return 'COLLABORATOR';
    return [...this.pulls.values()].some((p) => p.author === login && p.mergedAt) ? 'CONTRIBUTOR' : 'NONE';
  }

  private async commitJson(sha: string): Promise<unknown> {
    const [email, name, date, parents] = (await run(this.origin, ['show', '-s', '--format=%ae%n%an%n%aI%n%P', sha])).split('\n');
    const login = email!.endsWith('@users.noreply.github.com') ? email!.slice(0, email!.indexOf('@')) : null;
    return {
      sha, commit: { author: { name, email, date }, committer: { name: 'GitHub', email: 'noreply@github.com', date }, message: '' },
      author: login ? userJson(login) : null, committer: userJson('web-flow'),
      parents: parents!.split(' ').filter(Boolean).map((p) => ({ sha: p })),
    };
  }

  private async contentJson(path: string, ref: string): Promise<unknown> {
    const commit = (await run(this.origin, ['rev-parse', '--verify', '-q', `${ref}^{commit}`]).catch(() => '')).trim();
    if (!commit) throw notFound();
    const line = (await run(this.origin, ['ls-tree', '--full-tree', commit, '--', path])).trim();
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/.exec(line);
    if (!m || m[4] !== path) throw notFound();
    const [, mode, type, sha] = m;
    const common = { name: path.split('/').pop(), path, sha, url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/contents/${path}?ref=${ref}`, _links: {} };
    if (type === 'tree') return [];
    // Documented: over 1 MB only the raw media type is served (the JSON answer is refused).
    const size = Number((await run(this.origin, ['cat-file', '-s', sha!])).trim());
    if (size > 1024 * 1024) {
      throw new Answer(403, { message: 'This API returns blobs up to 1 MB in size. The requested blob is too large to fetch via the API, but you can use the Git Data API to request blobs up to 100 MB in size.', errors: [{ resource: 'Blob', field: 'data', code: 'too_large' }], documentation_url: DOCS });
    }
    const bytes = Buffer.from(await run(this.origin, ['cat-file', 'blob', sha!]), 'binary');
    if (mode === '120000') return { ...common, type: 'symlink', target: bytes.toString('utf8'), size: bytes.length };
    return { ...common, type: 'file', encoding: 'base64', size: bytes.length, content: bytes.toString('base64') };
  }

  private pullJson(p: FakePull): unknown {
    const repoJson = { full_name: `${this.owner}/${this.repo}`, name: this.repo, owner: userJson(this.owner) };
    const headRepo = { full_name: `${p.headRepoOwner}/${this.repo}`, name: this.repo, owner: userJson(p.headRepoOwner) };
    return {
      number: p.number, state: p.state, title: `Change ${p.number}`, user: userJson(p.author),
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`,
      head: { ref: p.headRef, sha: p.headSha, label: `${p.headRepoOwner}:${p.headRef}`, user: userJson(p.headRepoOwner), repo: headRepo },
      base: { ref: p.baseRef, label: `${this.owner}:${p.baseRef}`, user: userJson(this.owner), repo: repoJson },
      merged_at: p.mergedAt, closed_at: p.mergedAt, merge_commit_sha: p.mergeCommitSha,
    };
  }

  /** Serves one page of `items` by `per_page`/`page`, with GitHub's `Link` header. */
  private page(items: unknown[], q: Record<string, string>, path: string): Reply {
    const perPage = Math.min(Math.max(Number(q.per_page ?? 30) || 30, 1), this.maxPerPage);
    const pageNo = Math.max(Number(q.page ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const headers: Record<string, string> = {};
    if (pageNo < last) headers.link = `<${this.baseUrl}${path}?${new URLSearchParams({ ...q, per_page: String(perPage), page: String(pageNo + 1) })}>; rel="next"`;
    return { status: 200, body: items.slice((pageNo - 1) * perPage, pageNo * perPage), headers };
  }
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class Answer {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    this.status = status;
    this.body = body;
  }
}

const notFound = () => new Answer(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });

function userJson(login: string): Record<string, unknown> {
  const type = login.endsWith('[bot]') ? 'Bot' : login === 'acme' ? 'Organization' : 'User';
  return { login, id: [...login].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1e9, 7), type, site_admin: false };
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined || status === 204) {
    res.writeHead(status, { 'x-github-request-id': 'GITFAKE:1', ...headers });
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': 'GITFAKE:1', ...headers });
  res.end(JSON.stringify(body));
}

/** A fake with a real origin and checkout, serving on 127.0.0.1. Call `close()` when done. */
export async function startGitHubGitFake(opts: { fallback?: string } = {}): Promise<GitHubGitFake> {
  const fake = await new GitHubGitFake().init();
  fake.fallback = opts.fallback;
  return fake.start();
}
