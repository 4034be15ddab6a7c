/**
 * One copydesk comment per pull request (the post preview), found again by its hidden marker and
 * edited in place on every push instead of piling up.
 *
 * Endpoints (PR conversation comments are issue comments):
 * - GET /repos/{o}/{r}/issues/{n}/comments (paginated) https://docs.github.com/rest/issues/comments#list-issue-comments
 * - POST /repos/{o}/{r}/issues/{n}/comments https://docs.github.com/rest/issues/comments#create-an-issue-comment
 * - PATCH /repos/{o}/{r}/issues/comments/{id} https://docs.github.com/rest/issues/comments#update-an-issue-comment
 */
import type { Octokit } from '@octokit/rest';
import { apiErrorResult, errorResult, type ErrorResult } from './api-error.ts';
import { createRedactor } from '../publish/redact.ts';
import { capBody } from './cap-body.ts';
import { markerFor, withMarker } from './marker.ts';

/** Options for {@link upsertPrComment}. */
export interface UpsertCommentOptions {
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** Pull request number. */
  pr: number;
  /** Marker name; the comment starts with `<!-- copydesk:<marker> -->`. */
  marker: string;
  /** Comment body (Markdown); cut to GitHub's size limit if longer. */
  body: string;
  /** The run's redactor, applied to the body before it is sent (default: session tokens by shape). */
  redact?: (text: string) => string;
}

/** What {@link upsertPrComment} did. */
export type UpsertCommentResult =
  | {
      /** `created` the comment, `updated` it in place, or left it `unchanged` (no write made). */
      status: 'created' | 'updated' | 'unchanged';
      /** Comment id. */
      id: number;
      /** Web address of the comment. */
      url: string;
      /** One line for people. */
      text: string;
    }
  | ErrorResult;

/** Creates or updates copydesk's marked comment on a pull request. Never throws. */
export async function upsertPrComment(octokit: Octokit, opts: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const m = markerFor(opts.marker);
  if (!m.ok) return errorResult(m.error, 'Pick a marker name made of letters, digits and . _ : / -.');
  if (!Number.isSafeInteger(opts.pr) || opts.pr <= 0) return errorResult(`pull request number ${opts.pr} is not a positive integer`, 'Pass the PR number.');
  const { owner, repo, pr } = opts;
  // This is a writer edge: nothing reaches GitHub without passing the redactor.
  const body = withMarker(m.marker, capBody((opts.redact ?? createRedactor())(opts.body)));

  let existing: { id: number; body: string; url: string } | undefined;
  try {
    const comments = await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: pr, per_page: 100 });
    // The marker opens copydesk's own comment; a person quoting it further down does not count.
    const mine = comments.filter((c) => typeof c.body === 'string' && c.body.startsWith(m.marker)).sort((a, b) => Number(a.id) - Number(b.id))[0];
    if (mine) existing = { id: Number(mine.id), body: mine.body ?? '', url: mine.html_url };
  } catch (err) {
    return apiErrorResult(`Listing comments of PR #${pr}`, err);
  }

  try {
    if (!existing) {
      const res = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: pr, body });
      return { status: 'created', id: Number(res.data.id), url: res.data.html_url, text: `Commented on PR #${pr}: ${res.data.html_url}` };
    }
    if (existing.body === body) {
      return { status: 'unchanged', id: existing.id, url: existing.url, text: `The comment on PR #${pr} is already up to date.` };
    }
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: existing.id, body });
    return { status: 'updated', id: existing.id, url: existing.url, text: `Updated the comment on PR #${pr}: ${existing.url}` };
  } catch (err) {
    return apiErrorResult(`Writing the comment on PR #${pr}`, err);
  }
}
