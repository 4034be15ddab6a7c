/**
 * One issue per concern (a failed publish, a watchdog alarm), found again by a hidden marker and
 * edited in place, so a problem that lasts a day makes one issue, not 288.
 *
 * Endpoints:
 * - GET /repos/{o}/{r}/issues?state=open&labels= (lists pull requests too; they carry `pull_request`)
 *   https://docs.github.com/rest/issues/issues#list-repository-issues
 * - POST /repos/{o}/{r}/issues, PATCH /repos/{o}/{r}/issues/{n}
 *   https://docs.github.com/rest/issues/issues#create-an-issue
 * - POST /repos/{o}/{r}/issues/{n}/comments https://docs.github.com/rest/issues/comments#create-an-issue-comment
 */
import type { Octokit } from '@octokit/rest';
import { apiErrorResult, errorResult, type ErrorResult } from './api-error.ts';
import { createRedactor } from '../publish/redact.ts';
import { capBody } from './cap-body.ts';
import { markerFor, withMarker } from './marker.ts';

/** Options for {@link upsertIssueByMarker}. */
export interface UpsertIssueOptions {
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** Marker name; the issue body carries `<!-- copydesk:<marker> -->`. */
  marker: string;
  /** Issue title. */
  title: string;
  /** Issue body (Markdown); the marker is prepended. */
  body: string;
  /** Labels the issue must carry; the first one is also used to find the issue quickly. */
  labels?: string[];
  /** The run's redactor, applied to the title and body before they are sent (default: session tokens by shape). */
  redact?: (text: string) => string;
}

/** Options for {@link closeIssueByMarker}. */
export interface CloseIssueOptions {
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** Marker name of the issue to close. */
  marker: string;
  /** Comment left on the issue before closing it, saying why all is well again. */
  comment: string;
  /** Label to search by first (the one the issue was created with). */
  label?: string;
  /** The run's redactor, applied to the comment (default: session tokens by shape). */
  redact?: (text: string) => string;
}

/** What {@link upsertIssueByMarker} did. */
export type UpsertIssueResult =
  | {
      /** `created` a new issue, `updated` the open one, or left it `unchanged` (no write made). */
      status: 'created' | 'updated' | 'unchanged';
      /** Issue number. */
      number: number;
      /** Web address of the issue. */
      url: string;
      /** One line for people. */
      text: string;
    }
  | ErrorResult;

/** What {@link closeIssueByMarker} did. */
export type CloseIssueResult =
  | { status: 'closed'; /** Issue number. */ number: number; /** Web address. */ url: string; /** One line for people. */ text: string }
  | { status: 'none'; /** One line for people. */ text: string }
  | ErrorResult;

interface FoundIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  url: string;
}

/** Creates the marked issue, or updates the open one in place. Never throws. */
export async function upsertIssueByMarker(octokit: Octokit, opts: UpsertIssueOptions): Promise<UpsertIssueResult> {
  const m = markerFor(opts.marker);
  if (!m.ok) return errorResult(m.error, 'Pick a marker name made of letters, digits and . _ : / -.');
  const { owner, repo } = opts;
  const labels = [...new Set(opts.labels ?? [])];
  // This is a writer edge: nothing reaches GitHub without passing the redactor.
  const redact = opts.redact ?? createRedactor();
  const body = withMarker(m.marker, capBody(redact(opts.body)));
  const title = redact(opts.title);

  let found: FoundIssue | null;
  try {
    found = await findOpenIssue(octokit, owner, repo, m.marker, labels[0]);
  } catch (err) {
    return apiErrorResult(`Listing open issues of ${owner}/${repo}`, err);
  }

  if (!found) {
    try {
      const res = await octokit.request('POST /repos/{owner}/{repo}/issues', { owner, repo, title, body, labels });
      return { status: 'created', number: res.data.number, url: res.data.html_url, text: `Opened issue #${res.data.number}: ${title}` };
    } catch (err) {
      return apiErrorResult(`Creating issue "${title}"`, err);
    }
  }

  const missingLabels = labels.filter((l) => !found.labels.some((have) => have.toLowerCase() === l.toLowerCase()));
  if (found.title === title && found.body === body && missingLabels.length === 0) {
    return { status: 'unchanged', number: found.number, url: found.url, text: `Issue #${found.number} is already up to date.` };
  }
  try {
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      owner,
      repo,
      issue_number: found.number,
      title,
      body,
      ...(missingLabels.length > 0 ? { labels: [...found.labels, ...missingLabels] } : {}),
    });
    return { status: 'updated', number: found.number, url: found.url, text: `Updated issue #${found.number}: ${title}` };
  } catch (err) {
    return apiErrorResult(`Updating issue #${found.number}`, err);
  }
}

/** Closes the open marked issue with a comment, if there is one. Never throws. */
export async function closeIssueByMarker(octokit: Octokit, opts: CloseIssueOptions): Promise<CloseIssueResult> {
  const m = markerFor(opts.marker);
  if (!m.ok) return errorResult(m.error, 'Pick a marker name made of letters, digits and . _ : / -.');
  const { owner, repo } = opts;
  let found: FoundIssue | null;
  try {
    found = await findOpenIssue(octokit, owner, repo, m.marker, opts.label);
  } catch (err) {
    return apiErrorResult(`Listing open issues of ${owner}/${repo}`, err);
  }
  if (!found) return { status: 'none', text: `No open issue for ${opts.marker}; nothing to close.` };
  try {
    await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: found.number, body: capBody((opts.redact ?? createRedactor())(opts.comment)) });
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { owner, repo, issue_number: found.number, state: 'closed', state_reason: 'completed' });
  } catch (err) {
    return apiErrorResult(`Closing issue #${found.number}`, err);
  }
  return { status: 'closed', number: found.number, url: found.url, text: `Closed issue #${found.number}.` };
}

/**
 * Finds the oldest open issue whose body carries the marker. Searches by label first (one small
 * request); falls back to all open issues in case someone removed the label.
 */
async function findOpenIssue(octokit: Octokit, owner: string, repo: string, marker: string, label: string | undefined): Promise<FoundIssue | null> {
  if (label) {
    const byLabel = await listOpen(octokit, owner, repo, marker, label);
    if (byLabel) return byLabel;
  }
  return listOpen(octokit, owner, repo, marker, undefined);
}

async function listOpen(octokit: Octokit, owner: string, repo: string, marker: string, label: string | undefined): Promise<FoundIssue | null> {
  const issues = await octokit.paginate('GET /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    state: 'open',
    per_page: 100,
    ...(label ? { labels: label } : {}),
  });
  const matches = issues
    .filter((i) => !i.pull_request && typeof i.body === 'string' && i.body.includes(marker))
    .sort((a, b) => a.number - b.number);
  const first = matches[0];
  if (!first) return null;
  return {
    number: first.number,
    title: first.title,
    body: first.body ?? '',
    labels: first.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((n) => n !== ''),
    url: first.html_url,
  };
}
