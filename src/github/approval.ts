/**
 * "The second reader": before the publisher sends a post, check on GitHub that the exact content
 * about to go out was approved in a merged pull request by a human who is not its author.
 *
 * The branch ruleset (see setup.ts) should make an unreviewed merge impossible, but rulesets can be
 * bypassed by admins, switched off, or never applied; this check reads what actually happened.
 *
 * Algorithm (GitHub REST, all reads):
 * 1. Latest commit on `branch` touching `path`: GET /repos/{o}/{r}/commits?sha=&path=&per_page=1
 *    https://docs.github.com/rest/commits/commits#list-commits
 * 2. Pull requests that introduced it: GET /repos/{o}/{r}/commits/{sha}/pulls, kept when merged
 *    into `branch`. https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit
 *    This works for merge commits (git's history simplification yields the PR's own commit),
 *    squash merges and rebase merges (GitHub associates the new commits with the PR).
 * 3. The file at the PR's final head must be byte-identical to what will be sent (same blob sha):
 *    GET /repos/{o}/{r}/contents/{path}?ref=head. https://docs.github.com/rest/repos/contents#get-repository-content
 * 4. Reviews: GET /repos/{o}/{r}/pulls/{n}/reviews (paginated). Each reviewer's latest decisive
 *    review counts; one APPROVED on the head commit by a human other than the PR author (and other
 *    than the head commit's author: the last push needs someone else's eyes) is required.
 *    https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request
 */
import type { Octokit } from '@octokit/rest';
import { describeApiError, formatApiFailure, adviceFor, isNotFound } from './api-error.ts';

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
}

/** Why a post is held. Each has its own reason and action text. */
export type HeldCode =
  /** No merged pull request introduced the latest change: pushed straight to the branch. */
  | 'direct-push'
  /** A pull request was merged without any approving review (admin bypass or rules off). */
  | 'unapproved-merge'
  /** The only approvals came from the PR's author or the author of its last commit. */
  | 'self-approval'
  /** The only approvals came from bots (GitHub Actions, apps). */
  | 'bot-approval'
  /** Approved, but commits were pushed after the approval. */
  | 'stale-approval'
  /** A reviewer's latest decisive review asks for changes. */
  | 'changes-requested'
  /** The content to be sent differs from the content at the reviewed head. */
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
      /** One or two sentences saying what was found. */
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
  headSha: string;
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

/** Checks that `blobSha` at `path` on `branch` was approved by a second, human reader. Never throws. */
export async function verifyApproval(octokit: Octokit, target: ApprovalTarget): Promise<ApprovalResult> {
  const { owner, repo, branch, path } = target;
  const blobSha = target.blobSha.toLowerCase();
  if (!SHA_RE.test(blobSha)) {
    return held('bad-input', `blobSha "${target.blobSha}" is not a git blob sha (40 or 64 hex digits).`, 'Compute it with `git hash-object <file>` over the exact bytes being sent.');
  }
  if (path === '' || path.startsWith('/') || path.split('/').includes('..')) {
    return held('bad-input', `path "${path}" is not a repository-relative file path.`, 'Pass the post\'s path relative to the repository root, e.g. posts/launch.md.');
  }

  let lastCommit: string;
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/commits', { owner, repo, sha: branch, path, per_page: 1 });
    const first = res.data[0];
    if (!first) {
      return held('not-found', `No commit on ${branch} touches ${path}.`, `Merge the post into ${branch} through a reviewed pull request first.`);
    }
    lastCommit = first.sha;
  } catch (err) {
    return apiHeld(`Listing commits of ${path} on ${branch}`, err);
  }

  let pulls: PullInfo[];
  let mergedElsewhere: string[] = [];
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { owner, repo, commit_sha: lastCommit, per_page: 100 });
    mergedElsewhere = res.data.filter((p) => p.merged_at && p.base.ref !== branch).map((p) => `#${p.number} (into ${p.base.ref})`);
    pulls = res.data
      .filter((p) => p.merged_at && p.base.ref === branch)
      .map((p) => ({ number: p.number, authorLogin: p.user?.login ?? '', headSha: p.head.sha, mergedAt: p.merged_at! }))
      .sort((a, b) => b.mergedAt.localeCompare(a.mergedAt));
  } catch (err) {
    return apiHeld(`Listing pull requests of commit ${lastCommit.slice(0, 7)}`, err);
  }
  if (pulls.length === 0) {
    return held(
      'direct-push',
      mergedElsewhere.length > 0
        ? `The latest change to ${path} (commit ${lastCommit.slice(0, 7)}) was merged by ${mergedElsewhere.join(', ')}, not by a pull request into ${branch}: its review does not cover ${branch}.`
        : `The latest change to ${path} (commit ${lastCommit.slice(0, 7)}) reached ${branch} without a merged pull request: a direct push or an admin bypass.`,
      `Open a pull request that changes ${path}, have someone other than its author approve it, and merge it. Run \`copydesk setup github --check\` to see whether the branch rules still block direct pushes.`,
    );
  }

  // Several PRs can carry the same commit; any one whose reviewed head holds exactly this content
  // proves it was read. When none does, report on the most recently merged one.
  let firstHeld: ApprovalResult | null = null;
  for (const pull of pulls) {
    const result = await evaluatePull(octokit, target, blobSha, pull);
    if (result.approved) return result;
    firstHeld ??= result;
    if (result.code === 'api-error') return result;
  }
  return firstHeld!;
}

async function evaluatePull(octokit: Octokit, target: ApprovalTarget, blobSha: string, pull: PullInfo): Promise<ApprovalResult> {
  const { owner, repo, path } = target;
  const pr = pull.number;
  const newPr = `Open a new pull request with the intended content of ${path} and have someone other than its author approve it after the last commit.`;

  // 3. The content at the reviewed head must be what will be sent.
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path, ref: pull.headSha });
    const data = res.data as { type?: string; sha?: string };
    if (Array.isArray(res.data) || data.type !== 'file' || typeof data.sha !== 'string') {
      return held('content-changed', `At the head of PR #${pr}, ${path} is not a file.`, newPr, pr);
    }
    if (data.sha.toLowerCase() !== blobSha) {
      return held(
        'content-changed',
        `The content to be sent differs from ${path} as reviewed in PR #${pr} (head ${pull.headSha.slice(0, 7)}): it changed after review, or another merge changed it.`,
        newPr,
        pr,
      );
    }
  } catch (err) {
    if (isNotFound(err)) {
      return held('content-changed', `${path} does not exist at the head of PR #${pr} (${pull.headSha.slice(0, 7)}), so this content was never reviewed there.`, newPr, pr);
    }
    return apiHeld(`Reading ${path} at the head of PR #${pr}`, err, pr);
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
    return apiHeld(`Listing reviews of PR #${pr}`, err, pr);
  }

  const latest = latestDecisive(reviews);
  const changes = latest.filter((r) => r.state === 'CHANGES_REQUESTED').map((r) => r.login);
  if (changes.length > 0) {
    return held(
      'changes-requested',
      `PR #${pr} was merged while ${changes.join(', ')} requested changes.`,
      `Address the requested changes in a new pull request for ${path} and get it approved.`,
      pr,
    );
  }

  const approvals = latest.filter((r) => r.state === 'APPROVED');
  const humansOther = approvals.filter((r) => !isBotUser(r.login, r.type) && !sameLogin(r.login, pull.authorLogin));
  const onHead = humansOther.filter((r) => r.commitId === pull.headSha);

  let headAuthor = '';
  if (onHead.length > 0) {
    try {
      const res = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: pull.headSha });
      headAuthor = res.data.author?.login ?? '';
    } catch (err) {
      return apiHeld(`Reading head commit of PR #${pr}`, err, pr);
    }
  }
  const valid = onHead.filter((r) => headAuthor === '' || !sameLogin(r.login, headAuthor));
  if (valid.length > 0) {
    return { approved: true, pr, approvers: valid.map((r) => r.login).sort(), headSha: pull.headSha };
  }

  const secondReader = `Open a pull request for ${path} and ask someone other than its author to approve it.`;
  if (onHead.length > 0) {
    return held('self-approval', `PR #${pr} was approved only by ${onHead.map((r) => r.login).join(', ')}, who also wrote its last commit.`, secondReader, pr);
  }
  const stale = humansOther.filter((r) => r.commitId !== pull.headSha);
  if (stale.length > 0) {
    return held(
      'stale-approval',
      `PR #${pr} was approved by ${stale.map((r) => r.login).join(', ')} on an earlier commit; commits were pushed after the approval, so its final content (${pull.headSha.slice(0, 7)}) was not approved.`,
      `Open a new pull request for ${path} and have it approved after its last commit.`,
      pr,
    );
  }
  const self = approvals.filter((r) => sameLogin(r.login, pull.authorLogin));
  if (self.length > 0) {
    return held('self-approval', `PR #${pr} was approved only by its author, ${pull.authorLogin}.`, secondReader, pr);
  }
  const bots = approvals.filter((r) => isBotUser(r.login, r.type));
  if (bots.length > 0) {
    return held(
      'bot-approval',
      `PR #${pr} was approved only by ${bots.map((r) => r.login).join(', ')} (a bot); a post needs a human second reader.`,
      `${secondReader} Keep "Allow GitHub Actions to create and approve pull requests" off (copydesk setup github).`,
      pr,
    );
  }
  return held(
    'unapproved-merge',
    `PR #${pr} was merged without an approving review (an admin bypass, or the branch rules were off).`,
    `${secondReader} Run \`copydesk setup github --check\` to see whether the review rule is in force.`,
    pr,
  );
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

function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function held(code: HeldCode, reason: string, action: string, pr?: number): ApprovalResult {
  return pr === undefined ? { approved: false, code, reason, action } : { approved: false, code, reason, action, pr };
}

function apiHeld(what: string, err: unknown, pr?: number): ApprovalResult {
  const failure = describeApiError(err);
  if (failure.status === 404) {
    return held('not-found', formatApiFailure(what, failure), adviceFor(failure), pr);
  }
  return held('api-error', `${formatApiFailure(what, failure)}. Approval could not be verified, so the post is held.`, adviceFor(failure), pr);
}
