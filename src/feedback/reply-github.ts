/**
 * The reply's GitHub edge: who may write and approve (the permission API, src/github/write-access.ts),
 * copydesk's one comment per reply draft (src/github/comment.ts, found by its marker and edited in
 * place), and the re-read of a `/reply` comment right before it is sent.
 *
 * - GET /repos/{o}/{r}/issues/comments/{id} https://docs.github.com/rest/issues/comments#get-an-issue-comment
 */
import type { Octokit } from '../github/octokit.ts';
import { describeApiError } from '../github/api-error.ts';
import { upsertPrComment } from '../github/comment.ts';
import { createWriteAccessLookup } from '../github/write-access.ts';
import type { ReplyGitHub } from './reply-comment.ts';
import { parseReplyCommand } from './reply-parse.ts';
import type { VerifySource } from './reply-send.ts';

export function replyGitHub(octokit: Octokit, owner: string, repo: string, redact?: (t: string) => string): ReplyGitHub {
  return {
    writeAccess: createWriteAccessLookup(octokit, owner, repo),
    async upsertComment(issue, marker, body) {
      const r = await upsertPrComment(octokit, { owner, repo, pr: issue, marker, body, ...(redact ? { redact } : {}) });
      if (r.status === 'error') throw new Error(r.error);
    },
  };
}

/** The comment as it reads now must still say exactly what was approved (text and flags). */
export function verifyCommentSource(octokit: Octokit, owner: string, repo: string): VerifySource {
  return async (draft) => {
    if (draft.source.kind !== 'comment') return { ok: true, hash: draft.hash };
    try {
      const res = await octokit.request('GET /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: draft.source.commentId });
      const cmd = parseReplyCommand(String(res.data.body ?? ''));
      const same = cmd.kind === 'reply' && cmd.text === draft.text && cmd.flags.direct === draft.flags.direct && cmd.flags.offAir === draft.flags.offAir && cmd.flags.incident === draft.flags.incident;
      return { ok: true, hash: same ? draft.hash : 'changed' };
    } catch (e) {
      const f = describeApiError(e);
      if (f.status === 404) return { ok: false, reason: `the /reply comment ${draft.source.commentId} was deleted; nothing is sent` };
      return { ok: false, reason: `could not re-read the /reply comment ${draft.source.commentId} (${f.message}); nothing sent, tried again next run` };
    }
  };
}
