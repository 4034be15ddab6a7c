import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyApproval, type ApprovalResult } from '../../src/github/approval.ts';
import { gitBlobSha as blobShaOf } from '../../src/github/blob-sha.ts';
import { createOctokit, type Octokit } from '../../src/github/octokit.ts';
import { gitBlobSha, startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';

const POST = 'posts/2027-01-14-launch.md';
const V1 = '---\nid: launch\n---\nWe launch on Thursday.\n';
const V2 = '---\nid: launch\n---\nWe launch on Friday!\n';

let fake: GitHubFake;
let octokit: Octokit;

beforeEach(async () => {
  fake = await startGitHubFake();
  octokit = createOctokit({ token: 'ghs_test_token', baseUrl: fake.baseUrl });
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  // Verifying approval only ever reads.
  expect(fake.writes()).toEqual([]);
  await fake.close();
});

function verify(content: string): Promise<ApprovalResult> {
  return verifyApproval(octokit, { owner: 'acme', repo: 'social', branch: 'main', path: POST, blobSha: blobShaOf(content) });
}

function expectHeld(result: ApprovalResult, code: string): asserts result is Extract<ApprovalResult, { approved: false }> {
  expect(result.approved).toBe(false);
  if (result.approved) return;
  expect(result.code).toBe(code);
  expect(result.reason.length).toBeGreaterThan(10);
  expect(result.action.length).toBeGreaterThan(10);
}

describe('git blob ids', () => {
  it('match git hash-object, in copydesk and in the fake (the empty blob is e69de29…)', () => {
    for (const f of [blobShaOf, gitBlobSha]) {
      expect(f('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
      expect(f('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    }
    expect(blobShaOf(new TextEncoder().encode('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

describe('verifyApproval holds', () => {
  it('a post pushed straight to main (no pull request)', async () => {
    fake.pushCommit('main', { [POST]: V1 }, 'alice');
    const r = await verify(V1);
    expectHeld(r, 'direct-push');
    expect(r.reason).toMatch(/direct push or an admin bypass/);
  });

  it('a post merged through a PR nobody approved (admin bypass)', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, { user: 'bob', state: 'COMMENTED' });
    fake.mergePull(pr, 'merge', 'admin');
    const r = await verify(V1);
    expectHeld(r, 'unapproved-merge');
    expect(r.pr).toBe(pr);
  });

  it('a PR approved only by its author', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, { user: 'Alice', state: 'APPROVED' });
    fake.mergePull(pr, 'squash');
    expectHeld(await verify(V1), 'self-approval');
  });

  it('a PR approved by a reviewer who wrote its last commit', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.pushToPull(pr, { [POST]: V2 }, 'bob');
    fake.review(pr, { user: 'bob', state: 'APPROVED' });
    fake.mergePull(pr, 'merge');
    const r = await verify(V2);
    expectHeld(r, 'self-approval');
    expect(r.reason).toMatch(/bob/);
  });

  it('a PR approved only by bots (by type, or by an app login)', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, { user: 'github-actions[bot]', state: 'APPROVED' });
    fake.review(pr, { user: { login: 'approver-app', type: 'Bot' }, state: 'APPROVED' });
    fake.review(pr, { user: { login: 'renovate[bot]', type: 'User' }, state: 'APPROVED' });
    fake.mergePull(pr, 'merge');
    const r = await verify(V1);
    expectHeld(r, 'bot-approval');
    expect(r.reason).toMatch(/github-actions\[bot\]/);
  });

  it('an approval followed by a later commit (stale)', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, { user: 'bob', state: 'APPROVED' });
    fake.pushToPull(pr, { [POST]: V2 });
    fake.mergePull(pr, 'merge');
    const r = await verify(V2);
    expectHeld(r, 'stale-approval');
    expect(r.reason).toMatch(/bob/);
  });

  it('an approval later dismissed', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, { user: 'bob', state: 'APPROVED' });
    fake.review(pr, { user: 'bob', state: 'DISMISSED' });
    fake.mergePull(pr, 'merge');
    expectHeld(await verify(V1), 'unapproved-merge');
  });

  it('changes requested after an approval', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, { user: 'bob', state: 'APPROVED' });
    fake.review(pr, { user: 'bob', state: 'CHANGES_REQUESTED' });
    fake.review(pr, { user: 'carol', state: 'APPROVED' });
    fake.mergePull(pr, 'merge');
    const r = await verify(V1);
    expectHeld(r, 'changes-requested');
    expect(r.reason).toMatch(/bob/);
  });

  it('content that differs from what was reviewed', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, { user: 'bob', state: 'APPROVED' });
    fake.mergePull(pr, 'merge');
    expectHeld(await verify(V2), 'content-changed');
  });

  it('when GitHub fails, without throwing', async () => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, { user: 'bob', state: 'APPROVED' });
    fake.mergePull(pr, 'merge');
    fake.failures.push({ method: 'GET', path: /\/reviews$/, status: 502 });
    const r = await verify(V1);
    expectHeld(r, 'api-error');
    expect(r.reason).toMatch(/502/);
    expect(JSON.stringify(r)).not.toContain('ghs_test_token');
  });

  it('a malformed blob sha without asking GitHub', async () => {
    const r = await verifyApproval(octokit, { owner: 'acme', repo: 'social', branch: 'main', path: POST, blobSha: 'not-a-sha' });
    expectHeld(r, 'bad-input');
    expect(fake.requests).toEqual([]);
  });
});

describe('verifyApproval approves', () => {
  it.each(['merge', 'squash', 'rebase'] as const)('a PR approved on its final head by someone else (%s merge)', async (method) => {
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    const head = fake.pushToPull(pr, { [POST]: V2, 'posts/other.md': 'x\n' });
    fake.review(pr, { user: 'bob', state: 'COMMENTED' });
    fake.review(pr, { user: 'bob', state: 'APPROVED' });
    fake.mergePull(pr, method);
    // Someone else's unrelated merge afterwards does not matter.
    const other = fake.openPull({ author: 'carol', files: { 'posts/unrelated.md': 'y\n' } });
    fake.mergePull(other, 'merge');
    expect(fake.fileAt('main', POST)).toBe(V2);

    const r = await verify(V2);
    expect(r).toEqual({ approved: true, pr, approvers: ['bob'], headSha: head });
  });

  it('when reviews span several pages', async () => {
    fake.maxPerPage = 2;
    const pr = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    for (let i = 0; i < 4; i++) fake.review(pr, { user: `commenter${i}`, state: 'COMMENTED' });
    fake.review(pr, { user: 'dave', state: 'APPROVED' });
    fake.mergePull(pr, 'squash');
    const r = await verify(V1);
    expect(r).toMatchObject({ approved: true, approvers: ['dave'] });
    expect(fake.requests.filter((q) => q.path.endsWith('/reviews')).length).toBe(3);
  });
});

describe('two PRs touched the same file', () => {
  it('the latest approved PR counts', async () => {
    const first = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(first, { user: 'bob', state: 'APPROVED' });
    fake.mergePull(first, 'merge');
    const second = fake.openPull({ author: 'carol', files: { [POST]: V2 } });
    fake.review(second, { user: 'dave', state: 'APPROVED' });
    fake.mergePull(second, 'rebase');
    expect(await verify(V2)).toMatchObject({ approved: true, pr: second, approvers: ['dave'] });
  });

  it('an older approved PR does not approve newer unreviewed content', async () => {
    const first = fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(first, { user: 'bob', state: 'APPROVED' });
    fake.mergePull(first, 'squash');
    const second = fake.openPull({ author: 'alice', files: { [POST]: V2 } });
    fake.mergePull(second, 'squash', 'admin');

    const newer = await verify(V2);
    expectHeld(newer, 'unapproved-merge');
    expect(newer.pr).toBe(second);
    // Sending the older, approved text is no way around it either: main has moved on.
    const older = await verify(V1);
    expectHeld(older, 'content-changed');
    expect(older.pr).toBe(second);
  });
});
