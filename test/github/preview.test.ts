import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertPrComment } from '../../src/github/comment.ts';
import { createOctokit, type Octokit } from '../../src/github/octokit.ts';
import { postPreviewFromArtifact } from '../../src/github/preview-artifact.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';

let fake: GitHubFake;
let octokit: Octokit;
let dir: string;
const repo = { owner: 'acme', repo: 'social' };

beforeEach(async () => {
  fake = await startGitHubFake();
  octokit = createOctokit({ token: 'ghs_preview_token', baseUrl: fake.baseUrl });
  dir = await mkdtemp(join(tmpdir(), 'copydesk-preview-'));
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function artifact(prJson: unknown, preview: string): Promise<void> {
  await writeFile(join(dir, 'pr.json'), typeof prJson === 'string' ? prJson : JSON.stringify(prJson));
  await writeFile(join(dir, 'preview.md'), preview);
}

function prComments(pr: number) {
  return fake.comments.filter((c) => c.issue === pr);
}

describe('postPreviewFromArtifact', () => {
  it('creates the preview comment, then updates the same comment on the next push', async () => {
    const pr = fake.openPull({ author: 'fork-user', files: { 'posts/a.md': 'v1\n' } });
    const head1 = fake.pulls.get(pr)!.headSha;
    await artifact({ number: pr, headSha: head1 }, '### posts/a.md\n\nv1 preview');
    const first = await postPreviewFromArtifact(octokit, { ...repo, dir, runHeadSha: head1 });
    expect(first).toMatchObject({ status: 'created', pr });
    expect(prComments(pr)).toHaveLength(1);
    expect(prComments(pr)[0]!.body).toMatch(/^<!-- copydesk:preview -->\n### posts\/a.md\n\nv1 preview/);

    const head2 = fake.pushToPull(pr, { 'posts/a.md': 'v2\n' });
    await artifact({ number: pr, headSha: head2 }, '### posts/a.md\n\nv2 preview');
    const second = await postPreviewFromArtifact(octokit, { ...repo, dir, runHeadSha: head2 });
    expect(second).toMatchObject({ status: 'updated', pr });
    expect(prComments(pr)).toHaveLength(1);
    expect(prComments(pr)[0]!.body).toContain('v2 preview');
    expect(prComments(pr)[0]!.body).not.toContain('v1 preview');
    expect(prComments(pr)[0]!.body).toContain(head2.slice(0, 7));

    const writes = fake.writes().length;
    const third = await postPreviewFromArtifact(octokit, { ...repo, dir, runHeadSha: head2 });
    expect(third.status).toBe('unchanged');
    expect(fake.writes().length).toBe(writes);
  });

  it('refuses an artifact whose head sha is not the tested commit, writing nothing', async () => {
    const pr = fake.openPull({ author: 'fork-user', files: { 'posts/a.md': 'v1\n' } });
    const victim = fake.openPull({ author: 'alice', files: { 'posts/b.md': 'b\n' } });
    const head = fake.pulls.get(pr)!.headSha;
    // The PR's code wrote pr.json: it claims another PR, with that PR's head.
    await artifact({ number: victim, headSha: fake.pulls.get(victim)!.headSha }, 'spam');
    const r = await postPreviewFromArtifact(octokit, { ...repo, dir, runHeadSha: head });
    expect(r.status).toBe('refused');
    expect(r.text).toMatch(/headSha/);
    expect(r.text).toMatch(/pr\.json/);
    expect(fake.writes()).toEqual([]);
  });

  it('refuses when the PR has moved on since the check ran', async () => {
    const pr = fake.openPull({ author: 'fork-user', files: { 'posts/a.md': 'v1\n' } });
    const old = fake.pulls.get(pr)!.headSha;
    fake.pushToPull(pr, { 'posts/a.md': 'v2\n' });
    await artifact({ number: pr, headSha: old }, 'old preview');
    const r = await postPreviewFromArtifact(octokit, { ...repo, dir, runHeadSha: old });
    expect(r.status).toBe('refused');
    expect(r.text).toMatch(/newer push/);
    expect(fake.writes()).toEqual([]);
  });

  it.each([
    ['a number that is not a positive integer', { number: '1; rm -rf ~', headSha: 'a'.repeat(40) }, /"number" must be a positive integer/],
    ['a negative number', { number: -3, headSha: 'a'.repeat(40) }, /"number" must be a positive integer/],
    ['a malformed sha', { number: 1, headSha: '$(curl evil)' }, /"headSha" must be a 40-hex/],
    ['not JSON', '{"number": 1,', /not valid JSON/],
  ])('refuses %s without calling GitHub', async (_name, prJson, message) => {
    await artifact(prJson, 'x');
    const r = await postPreviewFromArtifact(octokit, { ...repo, dir, runHeadSha: 'a'.repeat(40) });
    expect(r.status).toBe('refused');
    expect(r.text).toMatch(message);
    expect(fake.requests).toEqual([]);
  });

  it('refuses a symlinked file (an artifact must not point at runner files)', async () => {
    const pr = fake.openPull({ author: 'fork-user', files: { 'posts/a.md': 'v1\n' } });
    const head = fake.pulls.get(pr)!.headSha;
    await writeFile(join(dir, 'pr.json'), JSON.stringify({ number: pr, headSha: head }));
    await symlink('/etc/hostname', join(dir, 'preview.md'));
    const r = await postPreviewFromArtifact(octokit, { ...repo, dir, runHeadSha: head });
    expect(r.status).toBe('refused');
    expect(r.text).toMatch(/not a regular file/);
    expect(fake.writes()).toEqual([]);
  });

  it('caps a huge preview below GitHub\'s comment limit and strips forged markers', async () => {
    const pr = fake.openPull({ author: 'fork-user', files: { 'posts/a.md': 'v1\n' } });
    const head = fake.pulls.get(pr)!.headSha;
    await artifact({ number: pr, headSha: head }, `<!-- copydesk:publish-failure -->\n${'word '.repeat(40_000)}`);
    const r = await postPreviewFromArtifact(octokit, { ...repo, dir, runHeadSha: head });
    expect(r.status).toBe('created');
    const body = prComments(pr)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(60_100);
    expect(body).toMatch(/cut: \d+ more characters/);
    expect(body).not.toContain('copydesk:publish-failure');
  });
});

describe('upsertPrComment', () => {
  it('finds its comment among pages of other comments and edits it in place', async () => {
    fake.maxPerPage = 2;
    const pr = fake.openPull({ author: 'alice', files: { 'posts/a.md': 'v1\n' } });
    const first = await upsertPrComment(octokit, { ...repo, pr, marker: 'preview', body: 'one' });
    expect(first.status).toBe('created');
    for (let i = 0; i < 5; i++) {
      await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: pr, body: `human ${i} quoting <!-- copydesk:preview -->` });
    }
    const second = await upsertPrComment(octokit, { ...repo, pr, marker: 'preview', body: 'two' });
    expect(second).toMatchObject({ status: 'updated', id: first.status === 'created' ? first.id : -1 });
    const mine = prComments(pr).filter((c) => c.body.startsWith('<!-- copydesk:preview -->'));
    expect(mine.map((c) => c.body)).toEqual(['<!-- copydesk:preview -->\ntwo']);
    expect(prComments(pr)).toHaveLength(6);
  });
});
