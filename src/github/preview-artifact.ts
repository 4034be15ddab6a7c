/**
 * Fork-safe PR preview, second half. The `check` workflow runs on `pull_request` with a read-only
 * token (PR code is untrusted) and uploads an artifact `copydesk-preview` holding `preview.md` and
 * `pr.json` (`{"number": N, "headSha": "…"}`). The `preview-comment` workflow runs on
 * `workflow_run` with trusted default-branch code and a write token, downloads that artifact as
 * plain data and calls this function, which trusts nothing in it:
 * - pr.json must name a positive PR number and the head sha the workflow_run reports, and that PR
 *   must be open with exactly that head on GitHub (so an artifact cannot aim at another PR);
 * - files must be regular files (no symlinks) of bounded size;
 * - the Markdown is cut to GitHub's comment limit and stripped of copydesk markers.
 * https://docs.github.com/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#workflow_run
 * https://docs.github.com/rest/pulls/pulls#get-a-pull-request
 */
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { apiErrorResult, type ErrorResult, isNotFound } from './api-error.ts';
import { capBody, MAX_BODY_CHARS } from './cap-body.ts';
import { upsertPrComment } from './comment.ts';
import { stripMarkers } from './marker.ts';

/** Marker name of the preview comment (`<!-- copydesk:preview -->`). */
export const PREVIEW_MARKER = 'preview';

/** pr.json is a few dozen bytes; anything bigger is not ours. */
const MAX_PR_JSON_BYTES = 4096;

const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Options for {@link postPreviewFromArtifact}. */
export interface PreviewFromArtifactOptions {
  /** Repository owner (from `GITHUB_REPOSITORY`, trusted). */
  owner: string;
  /** Repository name (from `GITHUB_REPOSITORY`, trusted). */
  repo: string;
  /** Folder the artifact was downloaded into; holds `pr.json` and `preview.md`. */
  dir: string;
  /** `github.event.workflow_run.head_sha`: the commit the check run tested (from GitHub, trusted). */
  runHeadSha: string;
  /** Largest preview body in characters (default {@link MAX_BODY_CHARS}). */
  maxChars?: number;
}

/** What {@link postPreviewFromArtifact} did. */
export type PreviewResult =
  | {
      /** The preview comment was `created`, `updated` in place, or already `unchanged`. */
      status: 'created' | 'updated' | 'unchanged';
      /** The pull request commented on. */
      pr: number;
      /** Web address of the comment. */
      url: string;
      /** One line for people. */
      text: string;
    }
  | {
      /** Nothing was written: the artifact failed validation, or it no longer matches the PR. */
      status: 'refused';
      /** `invalid`: the artifact is malformed or points elsewhere (suspicious); `stale`: the PR moved on or closed since the check ran (harmless). */
      kind: 'invalid' | 'stale';
      /** Why, naming the file and field. */
      reason: string;
      /** `reason` ready to print. */
      text: string;
    }
  | ErrorResult;

/** Validates the downloaded preview artifact and upserts the PR's preview comment. Never throws. */
export async function postPreviewFromArtifact(octokit: Octokit, opts: PreviewFromArtifactOptions): Promise<PreviewResult> {
  const { owner, repo } = opts;
  const runHeadSha = opts.runHeadSha.trim().toLowerCase();
  if (!SHA_RE.test(runHeadSha)) return refuse(`runHeadSha "${opts.runHeadSha}" is not a commit sha; pass github.event.workflow_run.head_sha.`);

  const prJsonPath = join(opts.dir, 'pr.json');
  const prText = await readBounded(prJsonPath, MAX_PR_JSON_BYTES);
  if (!prText.ok) return refuse(prText.error);
  let parsed: unknown;
  try {
    parsed = JSON.parse(prText.text);
  } catch (err) {
    return refuse(`${prJsonPath}: not valid JSON (${(err as Error).message}); expected {"number": N, "headSha": "<40 hex>"}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return refuse(`${prJsonPath}: expected an object {"number": N, "headSha": "<40 hex>"}.`);
  }
  const { number, headSha } = parsed as { number?: unknown; headSha?: unknown };
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
    return refuse(`${prJsonPath}: field "number" must be a positive integer, got ${JSON.stringify(number) ?? 'nothing'}.`);
  }
  if (typeof headSha !== 'string' || !SHA_RE.test(headSha.toLowerCase())) {
    return refuse(`${prJsonPath}: field "headSha" must be a 40-hex commit sha, got ${JSON.stringify(headSha)?.slice(0, 80) ?? 'nothing'}.`);
  }
  if (headSha.toLowerCase() !== runHeadSha) {
    return refuse(`${prJsonPath}: headSha ${headSha.slice(0, 12)} is not the commit the check run tested (${runHeadSha.slice(0, 12)}); refusing to comment.`);
  }

  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: number });
    if (res.data.state !== 'open') return refuse(`PR #${number} is ${res.data.state}; no preview posted.`, 'stale');
    if (res.data.head.sha.toLowerCase() !== runHeadSha) {
      return refuse(`PR #${number}'s head is now ${res.data.head.sha.slice(0, 12)}, not the tested ${runHeadSha.slice(0, 12)}: a newer push will post its own preview.`, 'stale');
    }
  } catch (err) {
    if (isNotFound(err)) return refuse(`${prJsonPath}: PR #${number} does not exist in ${owner}/${repo}.`);
    return apiErrorResult(`Reading PR #${number}`, err);
  }

  const maxChars = opts.maxChars ?? MAX_BODY_CHARS;
  const previewPath = join(opts.dir, 'preview.md');
  // Read a little more than the cap (UTF-8 may use up to 4 bytes a character) and cut by characters.
  const preview = await readBounded(previewPath, maxChars * 4, true);
  if (!preview.ok) return refuse(preview.error);

  const footer = `\n\n---\n<sub>Preview of ${runHeadSha.slice(0, 7)} by copydesk. It is updated on every push; the post goes out only after review and merge.</sub>`;
  const content = capBody(stripMarkers(preview.text), Math.max(0, maxChars - footer.length - 64));
  const result = await upsertPrComment(octokit, { owner, repo, pr: number, marker: PREVIEW_MARKER, body: content + footer });
  if (result.status === 'error') return result;
  return { status: result.status, pr: number, url: result.url, text: result.text };
}

type ReadResult = { ok: true; text: string } | { ok: false; error: string };

/**
 * Reads a regular file of at most `maxBytes` (or its first `maxBytes` when `truncate`), refusing
 * symlinks and anything else an artifact should not hold.
 */
async function readBounded(path: string, maxBytes: number, truncate = false): Promise<ReadResult> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    return { ok: false, error: `${path}: missing from the artifact (expected the check workflow to upload it).` };
  }
  if (!info.isFile()) return { ok: false, error: `${path}: not a regular file (symlinks and folders are refused).` };
  if (info.size > maxBytes && !truncate) return { ok: false, error: `${path}: ${info.size} bytes, more than the ${maxBytes} allowed.` };
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    return { ok: false, error: `${path}: could not be opened (${(err as Error).message}).` };
  }
  try {
    const buf = Buffer.alloc(Math.min(info.size, maxBytes));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return { ok: true, text: new TextDecoder('utf-8', { fatal: false }).decode(buf.subarray(0, bytesRead)) };
  } catch (err) {
    return { ok: false, error: `${path}: could not be read (${(err as Error).message}).` };
  } finally {
    await handle.close();
  }
}

function refuse(reason: string, kind: 'invalid' | 'stale' = 'invalid'): PreviewResult {
  return { status: 'refused', kind, reason, text: `Preview not posted: ${reason}` };
}
