/**
 * Editing a known issue in place by number (the morning re-read keeps its issue number in the
 * state store, so a person closing it early is respected: the edit never reopens it and never
 * makes a second one). PATCH /repos/{o}/{r}/issues/{n} with title and body:
 * https://docs.github.com/rest/issues/issues#update-an-issue
 */
import type { Octokit } from '@octokit/rest';
import { createRedactor } from '../publish/redact.ts';
import { apiErrorResult, errorResult, type ErrorResult } from './api-error.ts';
import { capBody } from './cap-body.ts';
import { markerFor, withMarker } from './marker.ts';

/** Options for {@link editIssue}. */
export interface EditIssueOptions {
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
  /** Issue number. */
  number: number;
  /** Marker name kept on the body's first line (`<!-- copydesk:<marker> -->`). */
  marker: string;
  /** New title. */
  title: string;
  /** New body (Markdown); the marker is prepended. */
  body: string;
  /** The run's redactor (default: session tokens by shape). */
  redact?: (text: string) => string;
}

/** Replaces the issue's title and body. Never throws. */
export async function editIssue(octokit: Octokit, o: EditIssueOptions): Promise<{ status: 'updated'; text: string } | ErrorResult> {
  const m = markerFor(o.marker);
  if (!m.ok) return errorResult(m.error, 'Pick a marker name made of letters, digits and . _ : / -.');
  const redact = o.redact ?? createRedactor();
  try {
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { owner: o.owner, repo: o.repo, issue_number: o.number, title: redact(o.title), body: withMarker(m.marker, capBody(redact(o.body))) });
  } catch (err) {
    return apiErrorResult(`Updating issue #${o.number}`, err);
  }
  return { status: 'updated', text: `Updated issue #${o.number}: ${redact(o.title)}` };
}
