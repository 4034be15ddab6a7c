/**
 * The second-reader gate for the publisher: before a post's first part goes to a real network,
 * GitHub must show that the exact bytes about to be sent (the post file and each media file) were
 * approved in a merged pull request (`verifyApproval` in src/github/approval.ts).
 *
 * Here, on the publisher's checkout: each file is hashed as git would (`gitBlobShaOfFile`, never
 * through a symbolic link), and the commit that last set the post's content is found in full
 * history (`lastChange`). Media paths are the post parser's (`PostMedia.repoPath`, relative to the
 * post file), the same paths the check and the channels use.
 */
import type { Post } from '../post/post.ts';
import { MEDIA_RULES } from '../check/lengths.ts';
import { MAX_POST_BYTES } from '../post/parse-post.ts';
import { describeFileProblem, gitBlobShaOfFile } from '../github/blob-sha.ts';
import type { ApprovalLookups, SentFile } from '../github/approval.ts';
import type { Octokit } from '../github/octokit.ts';
import { lastChange, readHistory } from './last-change.ts';
import type { ApprovalVerdict } from './publisher.ts';

export interface ApprovalGateOptions {
  /** Repository root: the publisher's checkout (a shallow one is deepened when a post is due). */
  root: string;
  /** `owner/repo`. */
  repository: string;
  /** The branch posts are published from. */
  branch: string;
  /** GitHub token (read-only use: pulls, reviews, contents, permissions, activity). Never printed. */
  token: string;
  /** API root (GHES), default api.github.com. */
  apiUrl?: string;
  /** Environment for git. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The largest file any network accepts: nothing larger is hashed (or sent). */
const MAX_MEDIA_BYTES = Math.max(...Object.values(MEDIA_RULES).flatMap((r) => Object.values(r.types)));

/** A gate for one run: history is read once, each reviewer's permission and each head's pusher asked once. */
export function createApprovalGate(o: ApprovalGateOptions): (post: Post) => Promise<ApprovalVerdict> {
  const [owner, repo] = o.repository.split('/');
  let history: ReturnType<typeof readHistory> | undefined;
  let github: Promise<{ octokit: Octokit; lookups: ApprovalLookups }> | undefined;
  return async (post) => {
    if (!owner || !repo) return { approved: false, reason: `${post.file}: GITHUB_REPOSITORY "${o.repository}" is not owner/repo, so the approval cannot be checked.`, action: 'Run the publisher from GitHub Actions, or set GITHUB_REPOSITORY=owner/repo.' };

    const postBlob = await gitBlobShaOfFile(o.root, post.file, post.absPath, MAX_POST_BYTES);
    if (!postBlob.ok) return { approved: false, reason: `${post.file}: ${describeFileProblem(post.file, postBlob)}, so it is not sent.`, action: `Restore ${post.file} as a regular file through a reviewed pull request.` };
    const media: SentFile[] = [];
    for (const m of post.media) {
      if (media.some((x) => x.path === m.repoPath)) continue;
      const r = await gitBlobShaOfFile(o.root, m.repoPath, m.absPath, MAX_MEDIA_BYTES);
      if (!r.ok) {
        return {
          approved: false,
          reason: `${post.file}: the media file ${describeFileProblem(m.repoPath, r)}, so the post is not sent.`,
          action: `Put the image itself at ${m.repoPath} (a regular file inside the repository) in a pull request that also touches ${post.file}, and have it approved.`,
        };
      }
      media.push({ path: m.repoPath, blobSha: r.sha });
    }

    history ??= readHistory(o.root, o.env);
    const change = await lastChange(o.root, post.file, o.env, await history);
    if (!change.ok) {
      if (change.code === 'shallow') {
        return { approved: false, reason: `${post.file}: ${change.detail}; copydesk must see every commit to know which pull request last changed the post.`, action: 'Let the publisher fetch the history: keep the checkout\'s credentials (actions/checkout `persist-credentials`, the default), or check out with `fetch-depth: 0`.' };
      }
      if (change.code === 'untracked') {
        return { approved: false, reason: `${post.file}: ${change.detail}; only committed, reviewed content is sent.`, action: `Commit ${post.file} through a reviewed pull request into ${o.branch}.` };
      }
      return { approved: false, reason: `${post.file}: its history could not be read (${change.detail}).`, action: 'Run the publisher again; check that the checkout is a git repository with full history.' };
    }

    // Loaded on first use: an idle tick never loads Octokit nor calls GitHub.
    const { verifyApproval, createApprovalLookups } = await import('../github/approval.ts');
    github ??= import('../github/octokit.ts').then((m) => {
      const octokit = m.createOctokit({ token: o.token, ...(o.apiUrl ? { baseUrl: o.apiUrl } : {}) });
      return { octokit, lookups: createApprovalLookups(octokit, owner, repo) };
    });
    const { octokit, lookups } = await github;
    const v = await verifyApproval(octokit, { owner, repo, branch: o.branch, path: post.file, blobSha: postBlob.sha, lastChange: change.commit, media }, lookups);
    return v.approved ? { approved: true } : { approved: false, reason: v.reason, action: v.action };
  };
}
