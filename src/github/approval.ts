/**
 * "The second reader": before the publisher sends a post, check on GitHub that the exact content
 * about to go out (the post file and every media file it attaches) was approved in a merged pull
 * request by someone who could approve it on GitHub and did not push what they approved.
 *
 * The branch ruleset (see setup.ts) should make an unreviewed merge impossible, but rulesets can be
 * bypassed by admins, switched off, or never applied; this check reads what actually happened.
 *
 * Algorithm (GitHub REST, all reads):
 * 1. The caller names the commit that last set the post's content in FULL history
 *    (src/publish/last-change.ts: a crafted merge that restores old text is that commit, not the
 *    old pull request git's default simplification would show).
 * 2. Pull requests that introduced it: GET /repos/{o}/{r}/commits/{sha}/pulls, kept when merged
 *    into `branch`. https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit
 *    A merge commit, a squash commit and rebased commits are all associated with their PR.
 * 3. At the PR's final head, the post and each media file must be byte-identical to what will be
 *    sent (same blob sha, a regular file, not a symlink, at exactly that path):
 *    GET /repos/{o}/{r}/git/trees/{head}?recursive=1. https://docs.github.com/rest/git/trees#get-a-tree
 * 4. Reviews: GET /repos/{o}/{r}/pulls/{n}/reviews (paginated). Each reviewer's latest decisive
 *    review counts, and only from accounts with write access (./write-access.ts), as on GitHub.
 *    One APPROVED on the head commit by a human other than the PR author is required, and the
 *    approver must not be who pushed that head (./head-pusher.ts, from GitHub's push record).
 *    https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request
 */
import { describeApiError, formatApiFailure, adviceFor } from './api-error.ts';
import { headPushers, type PullHead, type PushersResult } from './head-pusher.ts';
import type { Octokit } from './octokit.ts';
import { createWriteAccessLookup, type WriteAccessLookup } from './write-access.ts';

/** A file that is sent with the post, as it is about to be sent. */
export interface SentFile {
  /** Repository-relative path (forward slashes). */
  path: string;
  /** Git blob sha of the exact bytes about to be sent. */
  blobSha: string;
}

/** What to verify: the post file as it is about to be sent. */
export interface ApprovalTarget {
  /** Repository owner (user or organisation). */
  owner: string;
  /** Repository name. */
  repo: string;
  /** The branch posts are published from (the default branch). */
  branch: string;
  /** Path of the post file in the repository, e.g. `posts/2027-01-14-launch.md`. */
  path: string;
  /** Git blob sha (`git hash-object`) of the content about to be sent. */
  blobSha: string;
  /** The commit that last set the post's content, found in full history (src/publish/last-change.ts). */
  lastChange: string;
  /** The post's media files (images, video), each checked like the post at the approved head. */
  media?: SentFile[];
}

/** One file in a commit's tree, as GitHub lists it. */
export interface TreeEntry {
  /** `100644`/`100755` regular file, `120000` symlink, `040000` directory, `160000` submodule. */
  mode: string;
  /** `blob`, `tree` or `commit`. */
  type: string;
  /** The object id (the blob sha for files). */
  sha: string;
}

/** Every path in a commit (or why GitHub could not say). */
export type TreeResult = { ok: true; /** By repository path. */ entries: Map<string, TreeEntry>; /** GitHub cut the listing short. */ truncated: boolean } | { ok: false; /** What Octokit threw. */ error: unknown };

/** Per-run lookups, shared by every post of one run (each account's permission is asked once). */
export interface ApprovalLookups {
  /** Write access of one account. */
  writeAccess: WriteAccessLookup;
  /** Who pushed a pull request's head commit. */
  pushers: (head: PullHead) => Promise<PushersResult>;
  /** The files at a commit. */
  tree: (commit: string) => Promise<TreeResult>;
}

/** Why a post is held. Each has its own reason and action text. */
export type HeldCode =
  /** No merged pull request introduced the latest change: pushed straight to the branch. */
  | 'direct-push'
  /** A pull request was merged without any approving review (admin bypass or rules off). */
  | 'unapproved-merge'
  /** The only approvals came from the PR's author or from whoever pushed its last commit. */
  | 'self-approval'
  /** The only approvals came from bots (GitHub Actions, apps). */
  | 'bot-approval'
  /** The only approvals came from accounts without write access (strangers, second accounts). */
  | 'no-write-access'
  /** Who pushed the approved head is not known, so "approved by someone else" cannot be shown. */
  | 'pusher-unknown'
  /** Approved, but commits were pushed after the approval. */
  | 'stale-approval'
  /** A reviewer with write access asks for changes in their latest decisive review. */
  | 'changes-requested'
  /** The post or a media file to be sent differs from the content at the reviewed head. */
  | 'content-changed'
  /** The file or branch does not exist on GitHub. */
  | 'not-found'
  /** The target itself is malformed (not a blob sha, empty path). */
  | 'bad-input'
  /** GitHub could not be asked; nothing is known. */
  | 'api-error';

/** Result of {@link verifyApproval}. */
export type ApprovalResult =
  | {
      approved: true;
      /** Number of the merged pull request whose review covers this content. */
      pr: number;
      /** Logins whose approval counted (sorted). */
      approvers: string[];
      /** The PR's final head commit, which the approvals were given on. */
      headSha: string;
    }
  | {
      approved: false;
      /** Machine-readable cause; see {@link HeldCode}. */
      code: HeldCode;
      /** One or two sentences saying which post, and what was found. */
      reason: string;
      /** What a person should do so the post can go out. */
      action: string;
      /** The pull request examined, when there was one. */
      pr?: number;
    };

const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Review states that decide (COMMENTED and PENDING do not change a reviewer's verdict). */
const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

interface PullInfo {
  number: number;
  authorLogin: string;
  head: PullHead;
  mergedAt: string;
}

interface ReviewInfo {
  login: string;
  type: string;
  state: string;
  commitId: string | null;
  submittedAt: string;
  order: number;
}

/** True for GitHub Apps and Actions: `type: Bot`, or an app login such as `github-actions[bot]`. */
export function isBotUser(login: string, type: string | undefined): boolean {
  return type === 'Bot' || /\[bot\]$/i.test(login);
}

/** Lookups for one run, asking GitHub through `octokit`. */
export function createApprovalLookups(octokit: Octokit, owner: string, repo: string): ApprovalLookups {
  const pushers = new Map<string, Promise<PushersResult>>();
  const trees = new Map<string, Promise<TreeResult>>();
  return {
    tree: (commit) => {
      let p = trees.get(commit);
      if (!p) trees.set(commit, (p = readTree(octokit, owner, repo, commit)));
      return p;
    },
    writeAccess: createWriteAccessLookup(octokit, owner, repo),
    pushers: (head) => {
      const key = `${head.repoFullName}\u0000${head.ref}\u0000${head.sha}`;
      let p = pushers.get(key);
      if (!p) pushers.set(key, (p = headPushers(octokit, owner, repo, head)));
      return p;
    },
  };
}

/** Checks that the post and its media were approved by a second reader with write access. Never throws. */
export async function verifyApproval(octokit: Octokit, target: ApprovalTarget, lookups: ApprovalLookups = createApprovalLookups(octokit, target.owner, target.repo)): Promise<ApprovalResult> {
  const { owner, repo, branch, path } = target;
  const blobSha = target.blobSha.toLowerCase();
  const lastChange = target.lastChange.toLowerCase();
  const files: SentFile[] = [{ path, blobSha }, ...(target.media ?? []).map((m) => ({ path: m.path, blobSha: m.blobSha.toLowerCase() }))];
  for (const f of files) {
    if (!SHA_RE.test(f.blobSha)) {
      return held('bad-input', `${path}: the blob id "${f.blobSha}" of ${f.path} is not a git blob sha (40 or 64 hex digits).`, 'Compute it with `git hash-object --no-filters <file>` over the exact bytes being sent.');
    }
    if (f.path === '' || f.path.startsWith('/') || f.path.split('/').includes('..')) {
      return held('bad-input', `${path}: "${f.path}" is not a repository-relative file path.`, 'Pass paths relative to the repository root, e.g. posts/launch.md.');
    }
  }
  if (!SHA_RE.test(lastChange)) {
    return held('bad-input', `${path}: "${target.lastChange}" is not a commit sha.`, 'Pass the commit that last changed the post (src/publish/last-change.ts).');
  }

  let pulls: PullInfo[];
  let mergedElsewhere: string[] = [];
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { owner, repo, commit_sha: lastChange, per_page: 100 });
    mergedElsewhere = res.data.filter((p) => p.merged_at && p.base.ref !== branch).map((p) => `#${p.number} (into ${p.base.ref})`);
    pulls = res.data
      .filter((p) => p.merged_at && p.base.ref === branch)
      .map((p) => ({
        number: p.number,
        authorLogin: p.user?.login ?? '',
        head: { ref: p.head.ref, sha: p.head.sha, repoFullName: p.head.repo?.full_name ?? null },
        mergedAt: p.merged_at!,
      }))
      .sort((a, b) => b.mergedAt.localeCompare(a.mergedAt));
  } catch (err) {
    if ((err as { status?: unknown }).status === 422) {
      return held(
        'direct-push',
        `${path}: its last change (commit ${lastChange.slice(0, 7)}) is not on GitHub, so no pull request reviewed it.`,
        `Publish only from a checkout of ${branch} as GitHub has it; open a pull request for ${path} and have it approved.`,
      );
    }
    return apiHeld(path, `Listing pull requests of commit ${lastChange.slice(0, 7)}`, err);
  }
  if (pulls.length === 0) {
    return held(
      'direct-push',
      mergedElsewhere.length > 0
        ? `${path}: its last change (commit ${lastChange.slice(0, 7)}) was merged by ${mergedElsewhere.join(', ')}, not by a pull request into ${branch}; that review does not cover ${branch}.`
        : `${path}: its last change (commit ${lastChange.slice(0, 7)}) reached ${branch} without a merged pull request (a direct push, a hand-made merge commit or an admin bypass), so nobody approved this content.`,
      `Open a pull request that changes ${path}, have someone with write access other than its author approve it, and merge it. Run \`copydesk setup github --check\` to see whether the branch rules still block direct pushes.`,
    );
  }

  // Several PRs can carry the same commit; any one whose reviewed head holds exactly this content
  // proves it was read. When none does, report on the most recently merged one.
  let firstHeld: ApprovalResult | null = null;
  for (const pull of pulls) {
    const result = await evaluatePull(octokit, target, files, pull, lookups);
    if (result.approved) return result;
    firstHeld ??= result;
    if (result.code === 'api-error') return result;
  }
  return firstHeld!;
}

async function evaluatePull(octokit: Octokit, target: ApprovalTarget, files: SentFile[], pull: PullInfo, lookups: ApprovalLookups): Promise<ApprovalResult> {
  const { owner, repo, path } = target;
  const pr = pull.number;
  const headSha = pull.head.sha;
  const short = headSha.slice(0, 7);

  // 3. The content at the reviewed head must be what will be sent: the post, then each media file.
  //    The tree lists every blob id with its mode, whatever the file's size (the contents API
  //    refuses files over 1 MB without the raw media type, and answers a symlink with its target).
  const tree = await lookups.tree(headSha);
  if (!tree.ok) return apiHeld(path, `Listing the files at the head of PR #${pr}`, tree.error, pr);
  for (const f of files) {
    const what = f.path === path ? path : `the media file ${f.path} of ${path}`;
    const fix = f.path === path
      ? `Open a new pull request with the intended content of ${path} and have someone with write access other than its author approve it after the last commit.`
      : `Open a pull request that changes ${path} together with ${f.path} (any edit to the post will do), so the second reader approves the post as it will be sent.`;
    const entry = tree.entries.get(f.path);
    if (!entry) {
      if (tree.truncated) {
        return held('api-error', `${path}: GitHub listed only part of the files at the head of PR #${pr} (the repository is too large), so ${f.path} could not be compared.`, 'Keep posts and their media in a smaller repository, or ask the lead to switch this check to per-directory trees.', pr);
      }
      return held('content-changed', `${what}: ${f.path} does not exist at the head of PR #${pr} (${short}), so it was not in the pull request that was reviewed.`, fix, pr);
    }
    if (entry.type !== 'blob' || (entry.mode !== '100644' && entry.mode !== '100755')) {
      return held('content-changed', `${what}: at the head of PR #${pr} (${short}) ${f.path} is ${entry.mode === '120000' ? 'a symbolic link' : 'not a regular file'}, so this content was never reviewed there.`, fix, pr);
    }
    if (entry.sha.toLowerCase() !== f.blobSha) {
      return held(
        'content-changed',
        `${what}: what would be sent differs from what was reviewed in PR #${pr} (head ${short}); it changed after the review, or another merge changed it.`,
        fix,
        pr,
      );
    }
  }

  // 4. Reviews.
  let reviews: ReviewInfo[];
  try {
    const raw = await octokit.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { owner, repo, pull_number: pr, per_page: 100 });
    reviews = raw
      .filter((r) => r.user && typeof r.user.login === 'string')
      .map((r, order) => ({
        login: r.user!.login,
        type: r.user!.type ?? '',
        state: String(r.state).toUpperCase(),
        commitId: r.commit_id ?? null,
        submittedAt: r.submitted_at ?? '',
        order,
      }));
  } catch (err) {
    return apiHeld(path, `Listing reviews of PR #${pr}`, err, pr);
  }

  const latest = latestDecisive(reviews).filter((r) => r.state !== 'DISMISSED');
  const humansOther = latest.filter((r) => !isBotUser(r.login, r.type) && !sameLogin(r.login, pull.authorLogin));

  // Only reviews from people with write access count, for and against (GitHub's own rule).
  const writers = new Set<string>();
  for (const r of humansOther) {
    const access = await lookups.writeAccess(r.login);
    if (!access.ok) {
      return held(
        'api-error',
        `${path}: could not check whether ${r.login}, who reviewed PR #${pr}, has write access (${access.error}), so the approval could not be verified and the post is held.`,
        'Run the publisher again; if it keeps failing, check that the workflow token can read the repository (metadata: read).',
        pr,
      );
    }
    if (access.canWrite) writers.add(r.login.toLowerCase());
  }
  const counts = (r: ReviewInfo) => writers.has(r.login.toLowerCase());

  const changes = humansOther.filter((r) => r.state === 'CHANGES_REQUESTED' && counts(r)).map((r) => r.login);
  if (changes.length > 0) {
    return held(
      'changes-requested',
      `${path}: PR #${pr} was merged while ${changes.join(', ')} requested changes.`,
      `Address the requested changes in a new pull request for ${path} and get it approved.`,
      pr,
    );
  }

  const approvals = latest.filter((r) => r.state === 'APPROVED');
  const writerApprovals = humansOther.filter((r) => r.state === 'APPROVED' && counts(r));
  const onHead = writerApprovals.filter((r) => r.commitId === headSha);
  const secondReader = `Open a pull request for ${path} and ask someone with write access, other than its author and whoever pushed its last commit, to approve it.`;

  if (onHead.length > 0) {
    const pushed = await lookups.pushers(pull.head);
    if (!pushed.ok) {
      return held(
        'pusher-unknown',
        `${path}: PR #${pr} was approved by ${names(onHead)}, but ${pushed.reason}; an approval counts only from someone other than who pushed the approved commit.`,
        `Push the pull request's branch to this repository (not a fork), have someone who did not push it approve the last commit, and merge it. If GitHub was failing, run the publisher again.`,
        pr,
      );
    }
    const valid = onHead.filter((r) => !pushed.pushers.some((p) => sameLogin(p, r.login)));
    if (valid.length > 0) return { approved: true, pr, approvers: valid.map((r) => r.login).sort(), headSha };
    return held(
      'self-approval',
      `${path}: PR #${pr} was approved only by ${names(onHead)}, but ${pushed.pushers.join(', ')} pushed its last commit (${short}); the last push needs someone else's approval.`,
      secondReader,
      pr,
    );
  }
  const stale = writerApprovals.filter((r) => r.commitId !== headSha);
  if (stale.length > 0) {
    return held(
      'stale-approval',
      `${path}: PR #${pr} was approved by ${names(stale)} on an earlier commit; commits were pushed after the approval, so its final content (${short}) was not approved.`,
      `Open a new pull request for ${path} and have it approved after its last commit.`,
      pr,
    );
  }
  const outsiders = humansOther.filter((r) => r.state === 'APPROVED' && !counts(r));
  if (outsiders.length > 0) {
    return held(
      'no-write-access',
      `${path}: PR #${pr} was approved only by ${names(outsiders)}, who ${outsiders.length === 1 ? 'has' : 'have'} no write access to ${owner}/${repo}; GitHub does not count such approvals, and neither does copydesk.`,
      `${secondReader} To make someone a second reader, give them write access (Settings → Collaborators and teams).`,
      pr,
    );
  }
  const self = approvals.filter((r) => sameLogin(r.login, pull.authorLogin));
  if (self.length > 0) {
    return held('self-approval', `${path}: PR #${pr} was approved only by its author, ${pull.authorLogin}.`, secondReader, pr);
  }
  const bots = approvals.filter((r) => isBotUser(r.login, r.type));
  if (bots.length > 0) {
    return held(
      'bot-approval',
      `${path}: PR #${pr} was approved only by ${names(bots)} (a bot); a post needs a human second reader.`,
      `${secondReader} Keep "Allow GitHub Actions to create and approve pull requests" off (copydesk setup github).`,
      pr,
    );
  }
  return held(
    'unapproved-merge',
    `${path}: PR #${pr} was merged without an approving review (an admin bypass, or the branch rules were off).`,
    `${secondReader} Run \`copydesk setup github --check\` to see whether the review rule is in force.`,
    pr,
  );
}

async function readTree(octokit: Octokit, owner: string, repo: string, commit: string): Promise<TreeResult> {
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: commit, recursive: '1' });
    const entries = new Map<string, TreeEntry>();
    for (const e of res.data.tree) {
      if (typeof e.path === 'string' && typeof e.sha === 'string') entries.set(e.path, { mode: String(e.mode ?? ''), type: String(e.type ?? ''), sha: e.sha });
    }
    return { ok: true, entries, truncated: res.data.truncated === true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Each reviewer's last decisive review, in submission order (the API lists oldest first). */
function latestDecisive(reviews: ReviewInfo[]): ReviewInfo[] {
  const sorted = [...reviews].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.order - b.order);
  const byLogin = new Map<string, ReviewInfo>();
  for (const r of sorted) {
    if (DECISIVE.has(r.state)) byLogin.set(r.login.toLowerCase(), r);
  }
  return [...byLogin.values()];
}

function names(rs: ReviewInfo[]): string {
  return rs.map((r) => r.login).join(', ');
}

function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function held(code: HeldCode, reason: string, action: string, pr?: number): ApprovalResult {
  return pr === undefined ? { approved: false, code, reason, action } : { approved: false, code, reason, action, pr };
}

function apiHeld(path: string, what: string, err: unknown, pr?: number): ApprovalResult {
  const failure = describeApiError(err);
  if (failure.status === 404) {
    return held('not-found', `${path}: ${formatApiFailure(what, failure)}.`, adviceFor(failure), pr);
  }
  return held('api-error', `${path}: ${formatApiFailure(what, failure)}. Approval could not be verified, so the post is held.`, adviceFor(failure), pr);
}
