/**
 * The inbox's GitHub edge: the few REST calls that show conversations as issues, through the
 * Octokit client built in src/github/ (timeouts, no retries, every write redacted). Nothing here
 * decides anything; ./inbox-sync.ts and ./comment-event.ts do.
 *
 * - GET /repos/{o}/{r} (`private`) https://docs.github.com/rest/repos/repos#get-a-repository
 * - GET /repos/{o}/{r}/issues?labels=feedback&state=all https://docs.github.com/rest/issues/issues#list-repository-issues
 * - POST /repos/{o}/{r}/issues, PATCH /repos/{o}/{r}/issues/{n} (title, body, state, state_reason)
 *   https://docs.github.com/rest/issues/issues#update-an-issue
 * - POST /repos/{o}/{r}/issues/{n}/comments https://docs.github.com/rest/issues/comments#create-an-issue-comment
 */
import { apiErrorResult, type ErrorResult } from '../github/api-error.ts';
import { capBody } from '../github/cap-body.ts';
import { markerFor, withMarker } from '../github/marker.ts';
import type { Octokit } from '../github/octokit.ts';
import { FEEDBACK_LABEL, feedbackMarkerName, type FeedbackIssueView } from './feedback-issue.ts';

/** A failed call: GitHub's answer reduced to what a person can act on (`text`). */
export type Failed = ErrorResult & { ok: false };

function fail(what: string, err: unknown): Failed {
  return { ...apiErrorResult(what, err), ok: false };
}

/** A repository and the client to reach it. */
export interface FeedbackGitHub {
  octokit: Octokit;
  owner: string;
  repo: string;
}

/** Marker of a conversation's issue, as it appears in the body. */
export function feedbackMarker(conversationId: string): string {
  const m = markerFor(feedbackMarkerName(conversationId));
  // The name is `feedback:` and hex digits: always a valid marker.
  return m.ok ? m.marker : '<!-- copydesk:feedback -->';
}

/** Does GitHub say the repository is private? */
export async function repositoryIsPrivate(gh: FeedbackGitHub): Promise<{ ok: true; private: boolean } | Failed> {
  try {
    const res = await gh.octokit.request('GET /repos/{owner}/{repo}', { owner: gh.owner, repo: gh.repo });
    return { ok: true, private: (res.data as { private?: unknown }).private === true };
  } catch (err) {
    return fail(`Reading whether ${gh.owner}/${gh.repo} is private`, err);
  }
}

/**
 * Issues already carrying a conversation marker (open or closed), marker → issue number: finds the
 * issue a run created before it died, so a conversation never gets a second one.
 */
export async function listFeedbackIssues(gh: FeedbackGitHub): Promise<Map<string, number> | Failed> {
  try {
    const issues = await gh.octokit.paginate('GET /repos/{owner}/{repo}/issues', { owner: gh.owner, repo: gh.repo, state: 'all', labels: FEEDBACK_LABEL, per_page: 100 });
    const found = new Map<string, number>();
    for (const i of issues) {
      // Only issues the workflow's token opened (a bot): a person cannot plant a look-alike.
      if (i.pull_request || typeof i.body !== 'string' || i.user?.type !== 'Bot') continue;
      const m = /^<!-- copydesk:(feedback:[0-9a-f]{24}) -->/.exec(i.body);
      // The oldest wins when a race made two: it is the one kept.
      if (m && (!found.has(m[1]!) || found.get(m[1]!)! > i.number)) found.set(m[1]!, i.number);
    }
    return found;
  } catch (err) {
    return fail(`Listing the ${FEEDBACK_LABEL} issues of ${gh.owner}/${gh.repo}`, err);
  }
}

/** Opens the conversation's issue (label `feedback`); closed at once when the view is closed. */
export async function createFeedbackIssue(gh: FeedbackGitHub, conversationId: string, view: FeedbackIssueView): Promise<{ ok: true; number: number; url: string } | Failed> {
  try {
    const res = await gh.octokit.request('POST /repos/{owner}/{repo}/issues', {
      owner: gh.owner, repo: gh.repo, title: view.title, body: withMarker(feedbackMarker(conversationId), capBody(view.body)), labels: [FEEDBACK_LABEL],
    });
    return { ok: true, number: res.data.number, url: res.data.html_url };
  } catch (err) {
    return fail(`Opening the issue of conversation ${conversationId}`, err);
  }
}

/** Writes title, body and state of the conversation's issue in one request. */
export async function writeFeedbackIssue(gh: FeedbackGitHub, number: number, conversationId: string, view: FeedbackIssueView): Promise<{ ok: true } | Failed> {
  try {
    await gh.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      owner: gh.owner, repo: gh.repo, issue_number: number,
      title: view.title,
      body: withMarker(feedbackMarker(conversationId), capBody(view.body)),
      state: view.state,
      ...(view.stateReason ? { state_reason: view.stateReason } : {}),
    });
    return { ok: true };
  } catch (err) {
    return fail(`Updating issue #${number}`, err);
  }
}

/** Closes an issue a lost race created, pointing at the one kept. */
export async function closeAsDuplicate(gh: FeedbackGitHub, number: number, kept: number): Promise<void> {
  try {
    await gh.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: gh.owner, repo: gh.repo, issue_number: number, body: `Duplicate of #${kept} (two runs opened an issue for the same conversation at once; #${kept} is the one kept up to date).` });
    await gh.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { owner: gh.owner, repo: gh.repo, issue_number: number, state: 'closed', state_reason: 'not_planned' });
  } catch {
    // A stray duplicate is noise, not harm: it says nothing the kept issue does not.
  }
}

/** Is a comment carrying `marker` already on the issue? (`null`: GitHub could not say.) */
export async function hasMarkedComment(gh: FeedbackGitHub, number: number, marker: string): Promise<boolean | null> {
  try {
    const comments = await gh.octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: gh.owner, repo: gh.repo, issue_number: number, per_page: 100 });
    return comments.some((c) => typeof c.body === 'string' && c.body.startsWith(marker));
  } catch {
    return null;
  }
}

/** Comments on an issue. */
export async function commentOnIssue(gh: FeedbackGitHub, number: number, body: string): Promise<{ ok: true } | Failed> {
  try {
    await gh.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: gh.owner, repo: gh.repo, issue_number: number, body: capBody(body) });
    return { ok: true };
  } catch (err) {
    return fail(`Commenting on issue #${number}`, err);
  }
}
