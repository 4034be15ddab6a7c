/**
 * A strict local fake of the parts of GitHub's REST API copydesk uses, built from the documented
 * behaviour (https://docs.github.com/rest): status codes, response shapes, `Link` pagination.
 * It serves one repository from an in-memory model of git history (commits with files, real git
 * blob shas), pull requests, reviews, issues, comments, rulesets, environments, Actions workflow
 * permissions and labels.
 *
 * Strictness: every request needs an Authorization header; any route or method not modelled here
 * is answered 500 and recorded in `violations`, which tests assert to be empty.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A GitHub account as it appears in API objects. */
export interface FakeUser {
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

interface Commit {
  sha: string;
  parents: string[];
  files: Map<string, string>;
  author: FakeUser;
  message: string;
  seq: number;
}

interface Pull {
  number: number;
  title: string;
  user: FakeUser;
  headRef: string;
  headSha: string;
  baseRef: string;
  /** Base tip when the PR branch was made: the PR's changes are head vs this. */
  forkPoint: string;
  /** PR commits, oldest first. */
  commits: string[];
  state: 'open' | 'closed';
  mergedAt: string | null;
  mergeCommitSha: string | null;
  /** Commits GitHub associates with this PR (its own, and what merging made). */
  associated: Set<string>;
  seq: number;
}

interface Review {
  id: number;
  user: FakeUser;
  state: string;
  commit_id: string;
  submitted_at: string;
  body: string;
}

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  user: FakeUser;
  seq: number;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
  seq: number;
}

interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

interface Ruleset {
  id: number;
  name: string;
  target: string;
  enforcement: string;
  bypass_actors: unknown[];
  conditions: unknown;
  rules: { type: string; parameters?: Record<string, unknown> }[];
  seq: number;
}

interface Environment {
  id: number;
  name: string;
  deployment_branch_policy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  wait_timer: number;
  prevent_self_review: boolean;
  reviewers: { type: string; id: number }[];
  policies: { id: number; name: string; type: string }[];
  seq: number;
}

/** A request the fake saw. */
export interface RecordedRequest {
  method: string;
  /** Path without query, decoded per segment, e.g. `/repos/acme/social/issues`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** A failure to inject: the next matching request gets this status instead of its answer. */
export interface InjectedFailure {
  method: string;
  /** Regular expression tested against the decoded path. */
  path: RegExp;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
}

/** Options for {@link startGitHubFake}. */
export interface GitHubFakeOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** Largest page the fake serves (GitHub: 100); lower it to exercise pagination. */
  maxPerPage?: number;
  /** The account the token belongs to (author of issues and comments made through the API). */
  actor?: FakeUser;
}

const DOCS = 'https://docs.github.com/rest';
const EPOCH = Date.UTC(2027, 0, 1);
const RULE_TYPES = new Set([
  'creation', 'update', 'deletion', 'required_linear_history', 'required_deployments', 'required_signatures', 'pull_request',
  'required_status_checks', 'non_fast_forward', 'commit_message_pattern', 'commit_author_email_pattern', 'committer_email_pattern',
  'branch_name_pattern', 'tag_name_pattern', 'workflows', 'code_scanning',
]);
const PULL_REQUEST_PARAMS = ['dismiss_stale_reviews_on_push', 'require_code_owner_review', 'require_last_push_approval', 'required_approving_review_count', 'required_review_thread_resolution'];

/** git's blob id: sha1("blob <bytes>\0" + content). */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

class HttpError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const notFound = () => new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
const invalid = (message: string, field?: string) =>
  new HttpError(422, { message: 'Validation Failed', errors: [{ resource: 'Request', field: field ?? '', code: 'invalid', message }], documentation_url: DOCS, status: '422' });

export class GitHubFake {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  maxPerPage: number;
  actor: FakeUser;
  baseUrl = '';
  /** Requests the fake could not answer as GitHub would (tests assert this is empty). */
  readonly violations: string[] = [];
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];
  readonly failures: InjectedFailure[] = [];

  readonly commits = new Map<string, Commit>();
  readonly branches = new Map<string, string>();
  readonly pulls = new Map<number, Pull>();
  readonly reviews = new Map<number, Review[]>();
  readonly issues = new Map<number, Issue>();
  readonly comments: Comment[] = [];
  readonly labels: Label[] = [];
  readonly rulesets: Ruleset[] = [];
  readonly environments = new Map<string, Environment>();
  workflowPermissions = { default_workflow_permissions: 'write', can_approve_pull_request_reviews: true };
  // ---- repository permissions (freeze authority; see the block "Repository permissions" below) ----
  /** Login (lower case) → repository role: admin, maintain, write, triage, read, a custom role, or `none` (an account with no access). Accounts not listed do not exist (404). */
  readonly roles = new Map<string, string>();
  /** Custom role name → its base role (GitHub reports the base as the legacy `permission`). */
  readonly customRoles = new Map<string, string>();
  /** Requests matching one of these are never answered (a hung GitHub; the client must time out). */
  readonly stalls: { method: string; path: RegExp }[] = [];
  /**
   * CODEOWNERS owners GitHub can resolve (users and teams with write access), for
   * `GET codeowners/errors`; null (the default) resolves every owner.
   */
  codeownersKnown: Set<string> | null = null;
  /** `private` of GET /repos/{o}/{r} (default false: a public repository). */
  repoPrivate = false;

  private seq = 0;
  private nextNumber = 1;
  private nextId = 1000;
  private server: Server | null = null;

  constructor(opts: GitHubFakeOptions = {}) {
    this.owner = opts.owner ?? 'acme';
    this.repo = opts.repo ?? 'social';
    this.defaultBranch = opts.defaultBranch ?? 'main';
    this.maxPerPage = opts.maxPerPage ?? 100;
    this.actor = opts.actor ?? { login: 'github-actions[bot]', type: 'Bot' };
    const root = this.makeCommit([], new Map([['README.md', '# social\n']]), { login: 'owner', type: 'User' }, 'Initial commit');
    this.branches.set(this.defaultBranch, root);
  }

  // ---- building history (test helpers) -------------------------------------------------------

  /** Logical clock: one minute per event from 2027-01-01, so ordering is deterministic. */
  private tick(): number {
    return ++this.seq;
  }

  private time(seq: number): string {
    return new Date(EPOCH + seq * 60_000).toISOString().replace('.000Z', 'Z');
  }

  private makeCommit(parents: string[], files: Map<string, string>, author: FakeUser, message: string): string {
    const seq = this.tick();
    const sha = createHash('sha1').update(`commit ${seq} ${parents.join(' ')} ${message}`).digest('hex');
    this.commits.set(sha, { sha, parents, files, author, message, seq });
    return sha;
  }

  private tip(branch: string): string {
    const sha = this.branches.get(branch);
    if (!sha) throw new Error(`fake: no branch ${branch}`);
    return sha;
  }

  private applyChanges(base: Map<string, string>, changes: Record<string, string | null> | Map<string, string | null>): Map<string, string> {
    const files = new Map(base);
    for (const [path, content] of changes instanceof Map ? changes : Object.entries(changes)) {
      if (content === null) files.delete(path);
      else files.set(path, content);
    }
    return files;
  }

  /** Commits `files` (null deletes) on top of `branch`, as a push would. Returns the new sha. */
  pushCommit(branch: string, files: Record<string, string | null>, author: string | FakeUser = 'owner', message = 'Update'): string {
    const parent = this.tip(branch);
    const sha = this.makeCommit([parent], this.applyChanges(this.commits.get(parent)!.files, files), user(author), message);
    this.branches.set(branch, sha);
    return sha;
  }

  /** Opens a pull request from a new branch off `base` with one commit of `files`. Returns its number. */
  openPull(opts: { author: string | FakeUser; files: Record<string, string | null>; branch?: string; base?: string; title?: string }): number {
    const base = opts.base ?? this.defaultBranch;
    const number = this.nextNumber++;
    const headRef = opts.branch ?? `change-${number}`;
    const forkPoint = this.tip(base);
    this.branches.set(headRef, forkPoint);
    const author = user(opts.author);
    const sha = this.pushCommit(headRef, opts.files, author, opts.title ?? `PR ${number}`);
    this.pulls.set(number, {
      number,
      title: opts.title ?? `Change ${number}`,
      user: author,
      headRef,
      headSha: sha,
      baseRef: base,
      forkPoint,
      commits: [sha],
      state: 'open',
      mergedAt: null,
      mergeCommitSha: null,
      associated: new Set([sha]),
      seq: this.tick(),
    });
    this.reviews.set(number, []);
    return number;
  }

  /** Pushes another commit to a pull request's branch. Returns the new head sha. */
  pushToPull(pr: number, files: Record<string, string | null>, author?: string | FakeUser): string {
    const pull = this.pull(pr);
    const sha = this.pushCommit(pull.headRef, files, author ?? pull.user, 'More changes');
    pull.headSha = sha;
    pull.commits.push(sha);
    pull.associated.add(sha);
    return sha;
  }

  /** Submits a review. `commitId` defaults to the PR's current head, as on GitHub. */
  review(pr: number, opts: { user: string | FakeUser; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED'; commitId?: string; body?: string }): number {
    const pull = this.pull(pr);
    const id = this.nextId++;
    this.reviews.get(pr)!.push({
      id,
      user: user(opts.user),
      state: opts.state,
      commit_id: opts.commitId ?? pull.headSha,
      submitted_at: this.time(this.tick()),
      body: opts.body ?? '',
    });
    return id;
  }

  /** Merges a pull request the way GitHub's merge button does for `method`. Returns the new base tip. */
  mergePull(pr: number, method: 'merge' | 'squash' | 'rebase', by: string | FakeUser = 'owner'): string {
    const pull = this.pull(pr);
    if (pull.state !== 'open') throw new Error(`fake: PR ${pr} is not open`);
    const baseTip = this.tip(pull.baseRef);
    const forkFiles = this.commits.get(pull.forkPoint)!.files;
    const headFiles = this.commits.get(pull.headSha)!.files;
    const changes = diffFiles(forkFiles, headFiles);
    let newTip: string;
    if (method === 'merge') {
      newTip = this.makeCommit([baseTip, pull.headSha], this.applyChanges(this.commits.get(baseTip)!.files, changes), user(by), `Merge pull request #${pr}`);
      pull.mergeCommitSha = newTip;
      pull.associated.add(newTip);
    } else if (method === 'squash') {
      newTip = this.makeCommit([baseTip], this.applyChanges(this.commits.get(baseTip)!.files, changes), pull.user, `${pull.title} (#${pr})`);
      pull.mergeCommitSha = newTip;
      pull.associated.add(newTip);
    } else {
      newTip = baseTip;
      let previous = pull.forkPoint;
      for (const sha of pull.commits) {
        const c = this.commits.get(sha)!;
        const step = diffFiles(this.commits.get(previous)!.files, c.files);
        newTip = this.makeCommit([newTip], this.applyChanges(this.commits.get(newTip)!.files, step), c.author, c.message);
        pull.associated.add(newTip);
        previous = sha;
      }
      pull.mergeCommitSha = newTip;
    }
    this.branches.set(pull.baseRef, newTip);
    pull.state = 'closed';
    pull.mergedAt = this.time(this.tick());
    return newTip;
  }

  /** Content of `path` at a branch or sha, or undefined. */
  fileAt(ref: string, path: string): string | undefined {
    return this.resolve(ref)?.files.get(path);
  }

  /** Requests that changed something (anything but GET). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private pull(pr: number): Pull {
    const p = this.pulls.get(pr);
    if (!p) throw new Error(`fake: no PR ${pr}`);
    return p;
  }

  private resolve(ref: string): Commit | undefined {
    const sha = this.branches.get(ref) ?? ref;
    return this.commits.get(sha);
  }

  // ---- server -----------------------------------------------------------------------------

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = url.pathname.split('/').slice(1);
    const segs = raw.map((s) => decodeURIComponent(s));
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        this.violations.push(`${method} ${url.pathname}: body is not JSON`);
        return send(res, 400, { message: 'Problems parsing JSON', documentation_url: DOCS });
      }
    }
    const path = '/' + segs.join('/');
    this.requests.push({ method, path, query, body });

    const auth = req.headers.authorization;
    if (!auth || !/^(token|bearer) \S+$/i.test(auth)) {
      this.violations.push(`${method} ${path}: no Authorization header`);
      return send(res, 401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
    }

    if (this.stalls.some((f) => f.method === method && f.path.test(path))) return; // answered never (see `stalls`)
    const failure = this.failures.find((f) => f.method === method && f.path.test(path));
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      return send(res, failure.status, { message: `Injected failure ${failure.status}`, documentation_url: DOCS });
    }

    try {
      if (segs[0] !== 'repos' || segs.length < 3) throw this.violation(method, path);
      if (segs[1] !== this.owner || segs[2] !== this.repo) {
        this.violations.push(`${method} ${path}: unknown repository ${segs[1]}/${segs[2]}`);
        throw notFound();
      }
      const out = this.route(method, segs.slice(3), raw.slice(3), query, body, path);
      send(res, out.status, out.body, out.headers);
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, err.body, err.headers);
      this.violations.push(`${method} ${path}: fake crashed: ${(err as Error).stack}`);
      send(res, 500, { message: 'fake crashed' });
    }
  }

  private violation(method: string, path: string): HttpError {
    this.violations.push(`${method} ${path}: not a request copydesk should make`);
    return new HttpError(500, { message: 'Unexpected request (github-fake)' });
  }

  private route(method: string, s: string[], raw: string[], q: Record<string, string>, body: unknown, path: string): Reply {
    const n = s.length;
    const key = `${method} ${s.map((x, i) => (i % 2 === 1 && /^\d+$/.test(x) ? ':n' : x)).join('/')}`;
    const b = (body ?? {}) as Record<string, unknown>;
    const repoRoot = `/repos/${this.owner}/${this.repo}`;

    if (method === 'GET' && n === 0) return ok(this.repoJson());
    if (n === 3 && s[0] === 'collaborators' && s[2] === 'permission') return this.permissionRoute(method, s[1]!);

    // Commits
    if (method === 'GET' && n === 1 && s[0] === 'commits') return this.listCommits(q, repoRoot);
    if (method === 'GET' && n === 3 && s[0] === 'commits' && s[2] === 'pulls') return this.pullsForCommit(s[1]!, q, repoRoot);
    if (method === 'GET' && n === 2 && s[0] === 'commits') {
      const c = this.resolve(s[1]!);
      if (!c) throw new HttpError(422, { message: `No commit found for SHA: ${s[1]}`, documentation_url: DOCS, status: '422' });
      return ok(this.commitJson(c));
    }
    if (method === 'GET' && n >= 2 && s[0] === 'contents') {
      const filePath = decodeURIComponent(raw.slice(1).join('/'));
      const c = this.resolve(q.ref ?? this.defaultBranch);
      if (!c) throw notFound();
      const content = c.files.get(filePath);
      if (content === undefined) throw notFound();
      return ok(this.contentJson(filePath, content, q.ref ?? this.defaultBranch));
    }

    // Pulls
    if (method === 'GET' && key === 'GET pulls/:n') {
      const p = this.pulls.get(Number(s[1]));
      if (!p) throw notFound();
      return ok(this.pullJson(p, true));
    }
    if (method === 'GET' && key === 'GET pulls/:n/reviews') {
      const p = this.pulls.get(Number(s[1]));
      if (!p) throw notFound();
      const list = this.reviews.get(p.number)!.map((r) => ({
        id: r.id,
        node_id: `PRR_${r.id}`,
        user: userJson(r.user),
        body: r.body,
        state: r.state,
        html_url: `https://github.com${repoRoot.slice(6)}/pull/${p.number}#pullrequestreview-${r.id}`,
        pull_request_url: `${this.baseUrl}${repoRoot}/pulls/${p.number}`,
        author_association: 'MEMBER',
        submitted_at: r.submitted_at,
        commit_id: r.commit_id,
        _links: {},
      }));
      return this.page(list, q, `${repoRoot}/pulls/${p.number}/reviews`);
    }

    // Issues and comments
    if (key === 'GET issues') return this.listIssues(q, repoRoot);
    if (key === 'POST issues') {
      if (typeof b.title !== 'string' || b.title === '') throw invalid('title is missing', 'title');
      const labels = this.ensureLabels(b.labels);
      const issue: Issue = { number: this.nextNumber++, title: b.title, body: str(b.body), state: 'open', state_reason: null, labels, user: this.actor, seq: this.tick() };
      this.checkBodyLength(issue.body);
      this.issues.set(issue.number, issue);
      return { status: 201, body: this.issueJson(issue) };
    }
    if (key === 'PATCH issues/:n') {
      const issue = this.issues.get(Number(s[1]));
      if (!issue) throw notFound();
      if (b.title !== undefined) issue.title = String(b.title);
      if (b.body !== undefined) {
        this.checkBodyLength(str(b.body));
        issue.body = str(b.body);
      }
      if (b.labels !== undefined) issue.labels = this.ensureLabels(b.labels);
      if (b.state !== undefined) {
        if (b.state !== 'open' && b.state !== 'closed') throw invalid('state must be open or closed', 'state');
        issue.state = b.state;
        issue.state_reason = b.state === 'closed' ? str(b.state_reason) || 'completed' : 'reopened';
      }
      return ok(this.issueJson(issue));
    }
    if (key === 'GET issues/:n/comments') {
      const num = Number(s[1]);
      if (!this.issues.has(num) && !this.pulls.has(num)) throw notFound();
      const list = this.comments.filter((c) => c.issue === num).sort((a, b2) => a.seq - b2.seq).map((c) => this.commentJson(c));
      return this.page(list, q, `${repoRoot}/issues/${num}/comments`);
    }
    if (key === 'POST issues/:n/comments') {
      const num = Number(s[1]);
      if (!this.issues.has(num) && !this.pulls.has(num)) throw notFound();
      if (typeof b.body !== 'string' || b.body === '') throw invalid('body is missing', 'body');
      this.checkBodyLength(b.body);
      const c: Comment = { id: this.nextId++, issue: num, body: b.body, user: this.actor, seq: this.tick() };
      this.comments.push(c);
      return { status: 201, body: this.commentJson(c) };
    }
    // GET /repos/{o}/{r}/issues/comments/{comment_id} https://docs.github.com/rest/issues/comments#get-an-issue-comment
    if (method === 'GET' && n === 3 && s[0] === 'issues' && s[1] === 'comments' && /^\d+$/.test(s[2]!)) {
      const c = this.comments.find((x) => x.id === Number(s[2]));
      if (!c) throw notFound();
      return ok(this.commentJson(c));
    }
    if (method === 'PATCH' && n === 3 && s[0] === 'issues' && s[1] === 'comments' && /^\d+$/.test(s[2]!)) {
      const c = this.comments.find((x) => x.id === Number(s[2]));
      if (!c) throw notFound();
      if (typeof b.body !== 'string' || b.body === '') throw invalid('body is missing', 'body');
      this.checkBodyLength(b.body);
      c.body = b.body;
      return ok(this.commentJson(c));
    }

    // Rulesets
    if (key === 'GET rulesets') {
      const list = this.rulesets.map((r) => this.rulesetJson(r, false));
      return this.page(list, q, `${repoRoot}/rulesets`);
    }
    if (key === 'POST rulesets') {
      const r = this.validateRuleset(b, null);
      this.rulesets.push(r);
      return { status: 201, body: this.rulesetJson(r, true) };
    }
    if (key === 'GET rulesets/:n' || key === 'PUT rulesets/:n') {
      const r = this.rulesets.find((x) => x.id === Number(s[1]));
      if (!r) throw notFound();
      if (method === 'GET') return ok(this.rulesetJson(r, true));
      const updated = this.validateRuleset({ ...(this.rulesetJson(r, true) as Record<string, unknown>), ...b }, r);
      Object.assign(r, updated);
      return ok(this.rulesetJson(r, true));
    }

    // Actions workflow permissions
    if (n === 3 && s[0] === 'actions' && s[1] === 'permissions' && s[2] === 'workflow') {
      if (method === 'GET') return ok({ ...this.workflowPermissions });
      if (method === 'PUT') {
        if (b.default_workflow_permissions !== undefined && b.default_workflow_permissions !== 'read' && b.default_workflow_permissions !== 'write') {
          throw invalid('default_workflow_permissions must be read or write');
        }
        if (b.can_approve_pull_request_reviews !== undefined && typeof b.can_approve_pull_request_reviews !== 'boolean') throw invalid('can_approve_pull_request_reviews must be a boolean');
        if (b.default_workflow_permissions !== undefined) this.workflowPermissions.default_workflow_permissions = b.default_workflow_permissions as string;
        if (b.can_approve_pull_request_reviews !== undefined) this.workflowPermissions.can_approve_pull_request_reviews = b.can_approve_pull_request_reviews as boolean;
        return { status: 204, body: undefined };
      }
    }

    // Environments
    if (s[0] === 'environments' && n >= 2) {
      const name = s[1]!;
      const env = this.environments.get(name);
      if (n === 2 && method === 'GET') {
        if (!env) throw notFound();
        return ok(this.environmentJson(env));
      }
      if (n === 2 && method === 'PUT') return ok(this.environmentJson(this.putEnvironment(name, env, b)));
      if (n >= 3 && s[2] === 'deployment-branch-policies') {
        if (!env) throw notFound();
        if (n === 3 && method === 'GET') {
          const list = env.policies.map((p) => ({ id: p.id, node_id: `DBP_${p.id}`, name: p.name, type: p.type }));
          const paged = this.page(list, q, `${repoRoot}/environments/${name}/deployment-branch-policies`);
          return { ...paged, body: { total_count: list.length, branch_policies: paged.body } };
        }
        if (n === 3 && method === 'POST') {
          if (!env.deployment_branch_policy?.custom_branch_policies) throw notFound();
          if (typeof b.name !== 'string' || b.name === '') throw invalid('name is missing', 'name');
          const type = b.type === undefined ? 'branch' : String(b.type);
          if (type !== 'branch' && type !== 'tag') throw invalid('type must be branch or tag', 'type');
          const dup = env.policies.find((p) => p.name === b.name && p.type === type);
          if (dup) return { status: 303, body: undefined, headers: { location: `${this.baseUrl}${repoRoot}/environments/${name}/deployment-branch-policies/${dup.id}` } };
          const p = { id: this.nextId++, name: b.name, type };
          env.policies.push(p);
          return ok({ id: p.id, node_id: `DBP_${p.id}`, name: p.name, type: p.type });
        }
        if (n === 4 && /^\d+$/.test(s[3]!)) {
          const p = env.policies.find((x) => x.id === Number(s[3]));
          if (!p) throw notFound();
          if (method === 'GET') return ok({ id: p.id, node_id: `DBP_${p.id}`, name: p.name, type: p.type });
          if (method === 'DELETE') {
            env.policies.splice(env.policies.indexOf(p), 1);
            return { status: 204, body: undefined };
          }
        }
      }
    }

    // Labels
    if (key === 'GET labels') return this.page(this.labels.map(labelJson), q, `${repoRoot}/labels`);
    if (key === 'POST labels') {
      if (typeof b.name !== 'string' || b.name === '') throw invalid('name is missing', 'name');
      if (this.labels.some((l) => l.name.toLowerCase() === String(b.name).toLowerCase())) {
        throw new HttpError(422, { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }], documentation_url: DOCS, status: '422' });
      }
      const color = b.color === undefined ? 'ededed' : String(b.color);
      if (!/^[0-9a-fA-F]{6}$/.test(color)) throw invalid('color must be 6 hex digits without #', 'color');
      const l: Label = { id: this.nextId++, name: b.name, color: color.toLowerCase(), description: b.description === undefined ? null : str(b.description) };
      this.labels.push(l);
      return { status: 201, body: labelJson(l) };
    }
    if (method === 'PATCH' && n === 2 && s[0] === 'labels') {
      const l = this.labels.find((x) => x.name.toLowerCase() === s[1]!.toLowerCase());
      if (!l) throw notFound();
      if (b.new_name !== undefined) l.name = String(b.new_name);
      if (b.color !== undefined) {
        if (!/^[0-9a-fA-F]{6}$/.test(String(b.color))) throw invalid('color must be 6 hex digits without #', 'color');
        l.color = String(b.color).toLowerCase();
      }
      if (b.description !== undefined) l.description = str(b.description);
      return ok(labelJson(l));
    }

    // ---- CODEOWNERS errors (added for setup's CODEOWNERS check) ----
    // GET /repos/{o}/{r}/codeowners/errors?ref= https://docs.github.com/rest/repos/repos#list-codeowners-errors
    // 404 without a CODEOWNERS file; else `{errors: [{line, column, kind, source, suggestion, message, path}]}`
    // for the file GitHub uses (.github/, root, docs/, the first found).
    if (key === 'GET codeowners/errors') return ok(this.codeownersErrors(q.ref ?? this.defaultBranch));
    // ---- end CODEOWNERS errors ----

    throw this.violation(method, path);
  }

  // ---- handlers ---------------------------------------------------------------------------

  /** CODEOWNERS errors as GitHub lists them: owners it cannot resolve ("Unknown owner"), owners that are not @names or emails ("Invalid owner"). */
  private codeownersErrors(ref: string): unknown {
    const c = this.resolve(ref);
    if (!c) throw notFound();
    const path = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'].find((p) => c.files.has(p));
    if (!path) throw notFound();
    const errors: unknown[] = [];
    c.files.get(path)!.split(/\r?\n/).forEach((source, i) => {
      if (source.trim() === '' || source.trim().startsWith('#')) return;
      for (const m of source.matchAll(/\S+/g)) {
        if (m.index === source.search(/\S/)) continue; // the pattern
        const owner = m[0];
        if (owner.startsWith('#')) break;
        const column = m.index + 1;
        const valid = /^@[\w-]+(\/[\w.-]+)?$/.test(owner) || /^[^@\s]+@[^@\s]+$/.test(owner);
        if (!valid) errors.push({ line: i + 1, column, kind: 'Invalid owner', source, suggestion: null, message: `Invalid owner on line ${i + 1}:\n\n  ${source}\n  ${' '.repeat(m.index)}^`, path });
        else if (this.codeownersKnown && !this.codeownersKnown.has(owner)) {
          errors.push({ line: i + 1, column, kind: 'Unknown owner', source, suggestion: `make sure ${owner} exists and has write access to the repository`, message: `Unknown owner on line ${i + 1}: make sure ${owner} exists and has write access to the repository\n\n  ${source}\n  ${' '.repeat(m.index)}^`, path });
        }
      }
    });
    return { errors };
  }

  private listCommits(q: Record<string, string>, repoRoot: string): Reply {
    const start = this.resolve(q.sha ?? this.defaultBranch);
    if (!start) throw notFound();
    const path = q.path;
    const found: Commit[] = [];
    const seen = new Set<string>();
    const stack = [start.sha];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (seen.has(sha)) continue;
      seen.add(sha);
      const c = this.commits.get(sha)!;
      if (path === undefined) {
        found.push(c);
        stack.push(...c.parents);
        continue;
      }
      // git log's default history simplification: a commit identical to a parent for `path`
      // ("TREESAME") is not shown, and only that parent is followed.
      const content = c.files.get(path);
      if (c.parents.length === 0) {
        if (content !== undefined) found.push(c);
        continue;
      }
      const same = c.parents.find((p) => this.commits.get(p)!.files.get(path) === content);
      if (same) stack.push(same);
      else {
        found.push(c);
        stack.push(...c.parents);
      }
    }
    found.sort((a, b) => b.seq - a.seq);
    return this.page(found.map((c) => this.commitJson(c)), q, `${repoRoot}/commits`);
  }

  private pullsForCommit(sha: string, q: Record<string, string>, repoRoot: string): Reply {
    if (!this.commits.has(sha)) throw new HttpError(422, { message: `No commit found for SHA: ${sha}`, documentation_url: DOCS, status: '422' });
    const all = [...this.pulls.values()].filter((p) => p.associated.has(sha)).sort((a, b) => b.seq - a.seq);
    // Documented: for a commit on the default branch, the merged PR that introduced it.
    const merged = all.filter((p) => p.mergedAt !== null);
    const list = (merged.length > 0 ? merged : all).map((p) => this.pullJson(p, false));
    return this.page(list, q, `${repoRoot}/commits/${sha}/pulls`);
  }

  private listIssues(q: Record<string, string>, repoRoot: string): Reply {
    const state = q.state ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw invalid('state must be open, closed or all', 'state');
    const wantLabels = q.labels ? q.labels.split(',').map((l) => l.trim().toLowerCase()).filter((l) => l !== '') : [];
    const items: { seq: number; json: unknown }[] = [];
    for (const i of this.issues.values()) {
      if (state !== 'all' && i.state !== state) continue;
      if (!wantLabels.every((w) => i.labels.some((l) => l.toLowerCase() === w))) continue;
      items.push({ seq: i.seq, json: this.issueJson(i) });
    }
    // The issues endpoint lists pull requests too, marked by `pull_request`.
    for (const p of this.pulls.values()) {
      const pState = p.state;
      if (state !== 'all' && pState !== state) continue;
      if (wantLabels.length > 0) continue;
      items.push({
        seq: p.seq,
        json: {
          number: p.number,
          title: p.title,
          body: `Pull request ${p.number}`,
          state: pState,
          labels: [],
          user: userJson(p.user),
          html_url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`,
          pull_request: { url: `${this.baseUrl}${repoRoot}/pulls/${p.number}` },
        },
      });
    }
    items.sort((a, b) => b.seq - a.seq); // default sort: created, newest first
    return this.page(items.map((x) => x.json), q, `${repoRoot}/issues`);
  }

  private putEnvironment(name: string, env: Environment | undefined, b: Record<string, unknown>): Environment {
    const dbp = b.deployment_branch_policy as { protected_branches?: unknown; custom_branch_policies?: unknown } | null | undefined;
    if (dbp !== undefined && dbp !== null) {
      if (typeof dbp.protected_branches !== 'boolean' || typeof dbp.custom_branch_policies !== 'boolean') throw invalid('deployment_branch_policy needs protected_branches and custom_branch_policies');
      if (dbp.protected_branches === dbp.custom_branch_policies) {
        throw new HttpError(422, { message: 'Validation Failed: protected_branches and custom_branch_policies cannot have the same value', documentation_url: DOCS });
      }
    }
    const target: Environment = env ?? { id: this.nextId++, name, deployment_branch_policy: null, wait_timer: 0, prevent_self_review: false, reviewers: [], policies: [], seq: this.tick() };
    if (dbp !== undefined) target.deployment_branch_policy = dbp === null ? null : { protected_branches: dbp.protected_branches as boolean, custom_branch_policies: dbp.custom_branch_policies as boolean };
    if (b.wait_timer !== undefined) target.wait_timer = Number(b.wait_timer);
    if (b.prevent_self_review !== undefined) target.prevent_self_review = Boolean(b.prevent_self_review);
    if (b.reviewers !== undefined) target.reviewers = (b.reviewers as { type: string; id: number }[] | null) ?? [];
    this.environments.set(name, target);
    return target;
  }

  private validateRuleset(b: Record<string, unknown>, existing: Ruleset | null): Ruleset {
    if (typeof b.name !== 'string' || b.name === '') throw invalid('name is missing', 'name');
    if (!['active', 'evaluate', 'disabled'].includes(String(b.enforcement))) throw invalid('enforcement must be active, evaluate or disabled', 'enforcement');
    const target = b.target === undefined ? 'branch' : String(b.target);
    if (!['branch', 'tag', 'push'].includes(target)) throw invalid('target must be branch, tag or push', 'target');
    if (this.rulesets.some((r) => r !== existing && r.name === b.name)) throw invalid('Name must be unique', 'name');
    const rules = (b.rules ?? []) as { type?: unknown; parameters?: Record<string, unknown> }[];
    if (!Array.isArray(rules)) throw invalid('rules must be an array', 'rules');
    for (const r of rules) {
      if (typeof r.type !== 'string' || !RULE_TYPES.has(r.type)) throw invalid(`Invalid rule type ${String(r.type)}`, 'rules');
      if (r.type === 'pull_request') {
        for (const p of PULL_REQUEST_PARAMS) {
          if (r.parameters?.[p] === undefined) throw invalid(`Invalid property /rules/pull_request/parameters: missing ${p}`, 'rules');
        }
      }
      if (r.type === 'required_status_checks') {
        if (!Array.isArray(r.parameters?.required_status_checks) || typeof r.parameters?.strict_required_status_checks_policy !== 'boolean') {
          throw invalid('required_status_checks needs required_status_checks and strict_required_status_checks_policy', 'rules');
        }
      }
    }
    if (b.bypass_actors !== undefined && !Array.isArray(b.bypass_actors)) throw invalid('bypass_actors must be an array', 'bypass_actors');
    return {
      id: existing?.id ?? this.nextId++,
      name: b.name,
      target,
      enforcement: String(b.enforcement),
      bypass_actors: structuredClone((b.bypass_actors as unknown[] | undefined) ?? []),
      conditions: structuredClone(b.conditions ?? null),
      rules: structuredClone(rules) as Ruleset['rules'],
      seq: existing?.seq ?? this.tick(),
    };
  }

  private checkBodyLength(body: string): void {
    if (body.length > 65_536) throw invalid('body is too long (maximum is 65536 characters)', 'body');
  }

  private ensureLabels(raw: unknown): string[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw invalid('labels must be an array', 'labels');
    const names = raw.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name)));
    // Documented: labels that do not exist are created.
    for (const name of names) {
      if (!this.labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) this.labels.push({ id: this.nextId++, name, color: 'ededed', description: null });
    }
    return names;
  }

  /** Serves one page of `items` by `per_page`/`page`, with GitHub's `Link` header. */
  private page(items: unknown[], q: Record<string, string>, path: string): Reply {
    const perPage = Math.min(Math.max(Number(q.per_page ?? 30) || 30, 1), this.maxPerPage);
    const pageNo = Math.max(Number(q.page ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    const link = (p: number, rel: string) => {
      const params = new URLSearchParams({ ...q, per_page: String(perPage), page: String(p) });
      return `<${this.baseUrl}${path}?${params}>; rel="${rel}"`;
    };
    const parts: string[] = [];
    if (pageNo > 1) parts.push(link(pageNo - 1, 'prev'), link(1, 'first'));
    if (pageNo < last) parts.push(link(pageNo + 1, 'next'), link(last, 'last'));
    return { status: 200, body: slice, headers: parts.length > 0 ? { link: parts.join(', ') } : {} };
  }

  // ---- JSON shapes ------------------------------------------------------------------------

  // ---- Repository permissions (freeze authority) -------------------------------------------------
  // GET /repos/{o}/{r}/collaborators/{username}/permission
  // https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
  // `permission` is the legacy base role (admin, write, read, none: maintain → write, triage → read,
  // a custom role → its base); `role_name` the full role; `user.permissions` the hash. An existing
  // account without access to this public repository reads as `read` (anyone can read it); an
  // account that does not exist is 404.

  /** The answer GitHub gives for `login` (exposed so the issue-event model computes `author_association` the same way). */
  roleOf(login: string): string | undefined {
    return this.roles.get(login.toLowerCase());
  }

  private permissionRoute(method: string, login: string): Reply {
    if (method !== 'GET') throw this.violation(method, `/repos/${this.owner}/${this.repo}/collaborators/${login}/permission`);
    const role = this.roleOf(login);
    if (role === undefined) throw notFound();
    const LEGACY: Record<string, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'read' };
    const base = this.customRoles.get(role) ?? role;
    const permission = LEGACY[base] ?? 'read';
    const roleName = role === 'none' ? 'read' : role;
    const rank = ['read', 'triage', 'write', 'maintain', 'admin'].indexOf(base === 'none' ? 'read' : base);
    const permissions = { admin: rank >= 4, maintain: rank >= 3, push: rank >= 2, triage: rank >= 1, pull: true };
    return ok({ permission, role_name: roleName, user: { ...(userJson({ login, type: 'User' }) as object), permissions, role_name: roleName } });
  }

  /** The issue as the REST API and webhook payloads show it (for the issue-event model). */
  issuePayload(number: number): Record<string, unknown> {
    const issue = this.issues.get(number);
    if (!issue) throw new Error(`github-fake: no issue #${number}`);
    return this.issueJson(issue) as Record<string, unknown>;
  }

  /** Writes a comment on issue `number` as `author` (in the browser, not through the token); returns its id. */
  commentAs(author: FakeUser, number: number, body: string): number {
    if (!this.issues.has(number) && !this.pulls.has(number)) throw new Error(`github-fake: no issue #${number}`);
    const c: Comment = { id: this.nextId++, issue: number, body, user: author, seq: this.tick() };
    this.comments.push(c);
    return c.id;
  }

  /** Edits comment `id` in the browser (its author stays; GitHub only records who edited in the event's `sender`). */
  editComment(id: number, body: string): void {
    const c = this.comments.find((x) => x.id === id);
    if (!c) throw new Error(`github-fake: no comment ${id}`);
    c.body = body;
  }

  /** Creates an issue as `author` (an issue form submitted in the browser; not through the token). */
  createIssueAs(author: FakeUser, title: string, body: string, labels: string[]): number {
    const issue: Issue = { number: this.nextNumber++, title, body, state: 'open', state_reason: null, labels: this.ensureLabels(labels), user: author, seq: this.tick() };
    this.issues.set(issue.number, issue);
    return issue.number;
  }

  private repoJson(): unknown {
    return {
      id: 1,
      node_id: 'R_1',
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      owner: { login: this.owner, type: 'Organization' },
      private: this.repoPrivate,
      default_branch: this.defaultBranch,
      html_url: `https://github.com/${this.owner}/${this.repo}`,
    };
  }

  private commitJson(c: Commit): unknown {
    const date = this.time(c.seq);
    return {
      sha: c.sha,
      node_id: `C_${c.sha.slice(0, 8)}`,
      commit: {
        author: { name: c.author.login, email: `${c.author.login}@example.com`, date },
        committer: { name: 'GitHub', email: 'noreply@github.com', date },
        message: c.message,
        tree: { sha: createHash('sha1').update(`tree ${c.sha}`).digest('hex') },
      },
      author: userJson(c.author),
      committer: { login: 'web-flow', type: 'User' },
      parents: c.parents.map((sha) => ({ sha })),
      html_url: `https://github.com/${this.owner}/${this.repo}/commit/${c.sha}`,
    };
  }

  private contentJson(path: string, content: string, ref: string): unknown {
    const sha = gitBlobSha(content);
    return {
      type: 'file',
      encoding: 'base64',
      size: Buffer.byteLength(content),
      name: path.split('/').pop(),
      path,
      content: Buffer.from(content).toString('base64').replace(/.{60}/g, '$&\n'),
      sha,
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/contents/${path}?ref=${ref}`,
      git_url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/git/blobs/${sha}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/blob/${ref}/${path}`,
      download_url: null,
      _links: {},
    };
  }

  private pullJson(p: Pull, full: boolean): unknown {
    const repoJson = { full_name: `${this.owner}/${this.repo}`, name: this.repo };
    const json: Record<string, unknown> = {
      number: p.number,
      state: p.state,
      title: p.title,
      user: userJson(p.user),
      body: null,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`,
      head: { ref: p.headRef, sha: p.headSha, label: `${this.owner}:${p.headRef}`, repo: repoJson },
      base: { ref: p.baseRef, sha: this.branches.get(p.baseRef), label: `${this.owner}:${p.baseRef}`, repo: repoJson },
      merged_at: p.mergedAt,
      closed_at: p.mergedAt,
      merge_commit_sha: p.mergeCommitSha,
      created_at: this.time(p.seq),
    };
    if (full) json.merged = p.mergedAt !== null;
    return json;
  }

  private issueJson(i: Issue): unknown {
    return {
      id: i.number * 10,
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.state_reason,
      labels: i.labels.map((name) => labelJson(this.labels.find((l) => l.name.toLowerCase() === name.toLowerCase()) ?? { id: 0, name, color: 'ededed', description: null })),
      user: userJson(i.user),
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${i.number}`,
      created_at: this.time(i.seq),
    };
  }

  private commentJson(c: Comment): unknown {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      body: c.body,
      user: userJson(c.user),
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/issues/${c.issue}`,
      created_at: this.time(c.seq),
    };
  }

  private rulesetJson(r: Ruleset, full: boolean): unknown {
    const summary = {
      id: r.id,
      name: r.name,
      target: r.target,
      source_type: 'Repository',
      source: `${this.owner}/${this.repo}`,
      enforcement: r.enforcement,
      node_id: `RRS_${r.id}`,
      _links: { self: { href: `${this.baseUrl}/repos/${this.owner}/${this.repo}/rulesets/${r.id}` } },
      created_at: this.time(r.seq),
      updated_at: this.time(r.seq),
    };
    if (!full) return summary; // documented: the list omits rules, conditions and bypass actors
    return { ...summary, bypass_actors: structuredClone(r.bypass_actors), current_user_can_bypass: 'never', conditions: structuredClone(r.conditions), rules: structuredClone(r.rules) };
  }

  private environmentJson(e: Environment): unknown {
    const rules: unknown[] = [];
    if (e.wait_timer > 0) rules.push({ id: e.id + 1, node_id: 'GA_w', type: 'wait_timer', wait_timer: e.wait_timer });
    if (e.reviewers.length > 0) {
      rules.push({
        id: e.id + 2,
        node_id: 'GA_r',
        type: 'required_reviewers',
        prevent_self_review: e.prevent_self_review,
        reviewers: e.reviewers.map((r) => ({ type: r.type, reviewer: { id: r.id, login: `user${r.id}` } })),
      });
    }
    if (e.deployment_branch_policy) rules.push({ id: e.id + 3, node_id: 'GA_b', type: 'branch_policy' });
    return {
      id: e.id,
      node_id: `EN_${e.id}`,
      name: e.name,
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/environments/${e.name}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/deployments/activity_log?environments_filter=${e.name}`,
      created_at: this.time(e.seq),
      updated_at: this.time(e.seq),
      protection_rules: rules,
      deployment_branch_policy: e.deployment_branch_policy ? { ...e.deployment_branch_policy } : null,
    };
  }
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function user(u: string | FakeUser): FakeUser {
  if (typeof u !== 'string') return u;
  return { login: u, type: u.endsWith('[bot]') ? 'Bot' : 'User' };
}

function userJson(u: FakeUser): unknown {
  return { login: u.login, id: loginId(u.login), type: u.type, site_admin: false };
}

function loginId(login: string): number {
  return parseInt(createHash('sha1').update(login).digest('hex').slice(0, 7), 16);
}

function labelJson(l: Label): unknown {
  return { id: l.id, node_id: `LA_${l.id}`, name: l.name, color: l.color, description: l.description, default: false };
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function diffFiles(from: Map<string, string>, to: Map<string, string>): Map<string, string | null> {
  const changes = new Map<string, string | null>();
  for (const [path, content] of to) if (from.get(path) !== content) changes.set(path, content);
  for (const path of from.keys()) if (!to.has(path)) changes.set(path, null);
  return changes;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const base = { 'x-github-request-id': 'FAKE:0001', 'x-ratelimit-remaining': '4999', ...headers };
  if (body === undefined || status === 204) {
    res.writeHead(status, base);
    res.end();
    return;
  }
  res.writeHead(status, { ...base, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Starts a fake on 127.0.0.1 at a random port. Call `close()` when done. */
export async function startGitHubFake(opts: GitHubFakeOptions = {}): Promise<GitHubFake> {
  return new GitHubFake(opts).start();
}
