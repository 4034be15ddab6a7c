import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeIssueByMarker, upsertIssueByMarker } from '../../src/github/issue.ts';
import { createOctokit, type Octokit } from '../../src/github/octokit.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';

let fake: GitHubFake;
let octokit: Octokit;
const repo = { owner: 'acme', repo: 'social' };

beforeEach(async () => {
  fake = await startGitHubFake();
  octokit = createOctokit({ token: 'ghs_issue_token', baseUrl: fake.baseUrl });
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

function openIssues() {
  return [...fake.issues.values()].filter((i) => i.state === 'open');
}

describe('upsertIssueByMarker', () => {
  it('creates one issue, leaves it alone when nothing changed, then edits it in place', async () => {
    // Noise the search must skip: an open PR (listed by the issues endpoint) and another copydesk issue.
    fake.openPull({ author: 'alice', files: { 'posts/a.md': 'a\n' } });
    const other = await upsertIssueByMarker(octokit, { ...repo, marker: 'watchdog', title: 'Watchdog', body: 'late', labels: ['copydesk-watchdog'] });
    expect(other.status).toBe('created');

    const opts = { ...repo, marker: 'publish-failure', title: 'Publishing failed', body: 'Mastodon answered 401.', labels: ['copydesk-failure'] };
    const first = await upsertIssueByMarker(octokit, opts);
    expect(first).toMatchObject({ status: 'created' });
    if (first.status !== 'created') return;
    const issue = fake.issues.get(first.number)!;
    expect(issue.body).toBe('<!-- copydesk:publish-failure -->\nMastodon answered 401.');
    expect(issue.labels).toEqual(['copydesk-failure']);

    const writesBefore = fake.writes().length;
    const again = await upsertIssueByMarker(octokit, opts);
    expect(again).toMatchObject({ status: 'unchanged', number: first.number });
    expect(fake.writes().length).toBe(writesBefore);

    const updated = await upsertIssueByMarker(octokit, { ...opts, body: 'Mastodon answered 503 three times.' });
    expect(updated).toMatchObject({ status: 'updated', number: first.number });
    expect(openIssues().length).toBe(2);
    expect(fake.issues.get(first.number)!.body).toContain('503 three times');
    expect(fake.issues.get(other.status === 'created' ? other.number : -1)!.body).toContain('late');
  });

  it('finds its issue again after someone removed the label, and puts the label back', async () => {
    const opts = { ...repo, marker: 'publish-failure', title: 'Publishing failed', body: 'x', labels: ['copydesk-failure'] };
    const first = await upsertIssueByMarker(octokit, opts);
    if (first.status !== 'created') throw new Error(first.text);
    fake.issues.get(first.number)!.labels = [];
    const again = await upsertIssueByMarker(octokit, opts);
    expect(again).toMatchObject({ status: 'updated', number: first.number });
    expect(openIssues().length).toBe(1);
    expect(fake.issues.get(first.number)!.labels).toEqual(['copydesk-failure']);
  });

  it('finds its issue among many pages of issues', async () => {
    fake.maxPerPage = 3;
    const target = await upsertIssueByMarker(octokit, { ...repo, marker: 'm1', title: 'Target', body: 'old' });
    for (let i = 0; i < 8; i++) await upsertIssueByMarker(octokit, { ...repo, marker: `noise-${i}`, title: `Noise ${i}`, body: 'n' });
    const again = await upsertIssueByMarker(octokit, { ...repo, marker: 'm1', title: 'Target', body: 'new' });
    expect(again).toMatchObject({ status: 'updated', number: target.status === 'created' ? target.number : -1 });
    expect(openIssues().length).toBe(9);
  });

  it('refuses a marker that could break out of its HTML comment, without calling GitHub', async () => {
    const r = await upsertIssueByMarker(octokit, { ...repo, marker: 'x --> <b>', title: 't', body: 'b' });
    expect(r.status).toBe('error');
    expect(r.text).toMatch(/marker/);
    expect(fake.requests).toEqual([]);
  });

  it('reports a refused token without printing it', async () => {
    fake.failures.push({ method: 'GET', path: /\/issues$/, status: 401 });
    const r = await upsertIssueByMarker(octokit, { ...repo, marker: 'm', title: 't', body: 'b' });
    expect(r.status).toBe('error');
    expect(r.text).toMatch(/401/);
    expect(r.text).toMatch(/token was refused/);
    expect(r.text).not.toContain('ghs_issue_token');
  });
});

describe('closeIssueByMarker', () => {
  it('closes the marked issue with a comment, and then has nothing to close', async () => {
    const created = await upsertIssueByMarker(octokit, { ...repo, marker: 'watchdog', title: 'Publisher late', body: 'No run for 2 hours', labels: ['copydesk-watchdog'] });
    const keep = await upsertIssueByMarker(octokit, { ...repo, marker: 'publish-failure', title: 'Failure', body: 'x' });
    if (created.status !== 'created' || keep.status !== 'created') throw new Error('setup failed');

    const closed = await closeIssueByMarker(octokit, { ...repo, marker: 'watchdog', label: 'copydesk-watchdog', comment: 'The publisher ran again at 10:05.' });
    expect(closed).toMatchObject({ status: 'closed', number: created.number });
    const issue = fake.issues.get(created.number)!;
    expect(issue.state).toBe('closed');
    expect(issue.state_reason).toBe('completed');
    expect(fake.comments.filter((c) => c.issue === created.number).map((c) => c.body)).toEqual(['The publisher ran again at 10:05.']);
    expect(fake.issues.get(keep.number)!.state).toBe('open');

    const writes = fake.writes().length;
    const none = await closeIssueByMarker(octokit, { ...repo, marker: 'watchdog', label: 'copydesk-watchdog', comment: 'again' });
    expect(none.status).toBe('none');
    expect(fake.writes().length).toBe(writes);
  });
});
