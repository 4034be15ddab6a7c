/**
 * The second-reader gate for the publisher: before a post's first part goes to a real network,
 * GitHub must show that the exact bytes about to be sent were approved in a merged pull request
 * (`verifyApproval` in src/github/approval.ts). The blob id is computed with `git hash-object`
 * over the file as it is now, the same id GitHub shows for the reviewed content.
 */
import { execFile } from 'node:child_process';
import type { Post } from '../post/post.ts';
import type { ApprovalVerdict } from './publisher.ts';

export interface ApprovalGateOptions {
  /** Repository root (for `git hash-object`). */
  root: string;
  /** `owner/repo`. */
  repository: string;
  /** The branch posts are published from. */
  branch: string;
  /** GitHub token (read-only use: commits, pulls, reviews, contents). Never printed. */
  token: string;
  /** API root (GHES), default api.github.com. */
  apiUrl?: string;
  /** Environment for git. */
  env?: Readonly<Record<string, string | undefined>>;
}

export function gitBlobSha(root: string, absPath: string, env?: Readonly<Record<string, string | undefined>>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['hash-object', '--', absPath], { cwd: root, ...(env ? { env: env as NodeJS.ProcessEnv } : {}) }, (err, stdout) => (err ? reject(new Error(`git hash-object failed: ${err.message}`)) : resolve(stdout.trim())));
  });
}

export function createApprovalGate(o: ApprovalGateOptions): (post: Post) => Promise<ApprovalVerdict> {
  const [owner, repo] = o.repository.split('/');
  let octokit: Promise<unknown> | undefined;
  return async (post) => {
    if (!owner || !repo) return { approved: false, reason: `GITHUB_REPOSITORY "${o.repository}" is not owner/repo`, action: 'Run the publisher from GitHub Actions, or set GITHUB_REPOSITORY=owner/repo.' };
    // Loaded on first use: an idle tick never loads Octokit nor calls GitHub.
    octokit ??= import('../github/octokit.ts').then((m) => m.createOctokit({ token: o.token, ...(o.apiUrl ? { baseUrl: o.apiUrl } : {}) }));
    const { verifyApproval } = await import('../github/approval.ts');
    const blobSha = await gitBlobSha(o.root, post.absPath, o.env);
    const v = await verifyApproval((await octokit) as Parameters<typeof verifyApproval>[0], { owner, repo, branch: o.branch, path: post.file, blobSha });
    return v.approved ? { approved: true } : { approved: false, reason: v.reason, action: v.action };
  };
}
