/**
 * The second reader, attacked: real git histories (merge, squash and rebase merges, crafted merge
 * commits, reverts, resurrected files, forged commit authors, images changed after review) in a
 * bare origin and a full-history checkout, and a strict fake of the GitHub REST routes the gate
 * reads (test/fakes/github-git-fake.ts). Everything goes through the publisher's gate.
 */
import { execFile } from 'node:child_process';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.ts';
import { gitBlobSha } from '../../src/github/blob-sha.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import type { Post } from '../../src/post/post.ts';
import { createApprovalGate } from '../../src/publish/approval-gate.ts';
import type { ApprovalVerdict } from '../../src/publish/publisher.ts';
import { startGitHubGitFake, type GitHubGitFake } from '../fakes/github-git-fake.ts';

const git = promisify(execFile);
const POST = 'posts/2027-01-14-launch.md';
const IMAGE = 'posts/media/launch.png';
const post = (text: string, media = false) =>
  `---\nid: launch\npublish_at: "2027-01-14 09:00"\nchannels: [mastodon]\n${media ? 'media:\n  - path: media/launch.png\n    alt: The new bakery front\n' : ''}---\n${text}\n`;
const V1 = post('We launch on Thursday.');
const V2 = post('We launch on Friday!');
const PNG_A = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 0xff, 0x00]);
const PNG_B = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9, 9, 0xfe, 0x00]);

let fake: GitHubGitFake;

beforeEach(async () => {
  fake = await startGitHubGitFake();
  // alice and bob write posts and review each other; owner is an admin; mallory is a stranger.
  for (const [login, role] of [['alice', 'write'], ['bob', 'write'], ['carol', 'maintain'], ['dave', 'admin'], ['owner', 'admin'], ['alice-alt', 'read'], ['tri', 'triage']] as const) fake.roles.set(login, role);
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  // Verifying approval only ever reads.
  expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  await fake.close();
});

function gateFor() {
  return createApprovalGate({ root: fake.checkout, repository: 'acme/social', branch: 'main', token: 'ghs_test_token_approval', apiUrl: fake.baseUrl });
}

async function parsed(file = POST): Promise<Post> {
  const r = parsePost({ file, root: fake.checkout, bytes: await readFile(join(fake.checkout, file)), config: defaultConfig() });
  if (!r.ok) throw new Error(`test post does not parse: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.post;
}

/** Syncs the publisher's checkout to main and asks the gate, as one publisher run would. */
async function verify(file = POST): Promise<ApprovalVerdict> {
  await fake.syncCheckout();
  return gateFor()(await parsed(file));
}

function expectHeld(v: ApprovalVerdict, reason: RegExp): asserts v is Extract<ApprovalVerdict, { approved: false }> {
  expect(v).toMatchObject({ approved: false });
  if (v.approved) return;
  expect(v.reason).toMatch(reason);
  // Written for people: the post, and what to do.
  expect(v.reason).toContain(POST);
  expect(v.action.length).toBeGreaterThan(20);
  expect(JSON.stringify(v)).not.toContain('ghs_test_token');
}

/** alice writes `files` in a PR, `approver` approves it, owner merges it. */
async function approvedPull(files: Record<string, string | Uint8Array | null>, method: 'merge' | 'squash' | 'rebase' = 'merge', approver = 'bob'): Promise<number> {
  const pr = await fake.openPull({ author: 'alice', files });
  fake.review(pr, approver, 'APPROVED');
  await fake.mergePull(pr, method);
  return pr;
}

describe('git blob ids', () => {
  it('match git hash-object (the empty blob is e69de29…)', async () => {
    expect(gitBlobSha('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    await writeFile(join(fake.checkout, 'bytes.bin'), PNG_A);
    const { stdout } = await git('git', ['-C', fake.checkout, 'hash-object', '--no-filters', 'bytes.bin']);
    expect(gitBlobSha(PNG_A)).toBe(stdout.trim());
  });
});

describe('approves', () => {
  it.each(['merge', 'squash', 'rebase'] as const)('a post approved on its final head by a writer who did not push it (%s merge)', async (method) => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    await fake.pushToPull(pr, { [POST]: V2, 'posts/other.md': 'x\n' }, 'alice');
    fake.review(pr, 'bob', 'COMMENTED');
    fake.review(pr, 'bob', 'APPROVED');
    await fake.mergePull(pr, method);
    // Someone else's reviewed merge afterwards does not matter.
    await approvedPull({ 'posts/unrelated.md': 'y\n' }, 'merge', 'carol');
    expect(await verify()).toEqual({ approved: true });
  });

  it('a post with an image, both approved together; a maintainer counts (permission write)', async () => {
    await approvedPull({ [POST]: post('Our new front.', true), [IMAGE]: PNG_A }, 'squash', 'carol');
    expect(await verify()).toEqual({ approved: true });
  });

  it('a post with a photo larger than 1 MB (compared by blob id, never downloaded)', async () => {
    const photo = new Uint8Array(1_500_000).map((_, i) => (i * 7) % 251);
    await approvedPull({ [POST]: post('Our new front.', true), [IMAGE]: photo }, 'merge');
    expect(await verify()).toEqual({ approved: true });
  });

  it('after an unrelated pull request that branched before the post changed is merged with a merge commit', async () => {
    await approvedPull({ [POST]: V1 }, 'squash');
    const unrelated = await fake.openPull({ author: 'carol', files: { 'posts/other.md': 'o\n' } });
    await approvedPull({ [POST]: V2 }, 'merge');
    fake.review(unrelated, 'dave', 'APPROVED');
    await fake.mergePull(unrelated, 'merge');
    expect(await verify()).toEqual({ approved: true });
  });

  it('when the pull request branch was brought up to date with main before approval', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    await approvedPull({ 'posts/other.md': 'o\n' }, 'merge', 'carol');
    await fake.updateBranch(pr, 'alice');
    fake.review(pr, 'bob', 'APPROVED');
    await fake.mergePull(pr, 'merge');
    expect(await verify()).toEqual({ approved: true });
  });

  it('when reviews and activity span several pages', async () => {
    fake.maxPerPage = 2;
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    for (let i = 0; i < 3; i++) await fake.pushToPull(pr, { [`posts/n${i}.md`]: `${i}\n` }, 'alice');
    for (let i = 0; i < 4; i++) fake.review(pr, `commenter${i}`, 'COMMENTED');
    fake.review(pr, 'dave', 'APPROVED');
    await fake.mergePull(pr, 'squash');
    expect(await verify()).toEqual({ approved: true });
    expect(fake.requests.filter((q) => q.path.endsWith('/reviews')).length).toBe(3);
  });
});

describe('attack 1: only reviews from people with write access count', () => {
  it('a stranger\'s approval does not send', async () => {
    await approvedPull({ [POST]: V1 }, 'merge', 'mallory');
    const v = await verify();
    expectHeld(v, /mallory.*(no|without) write access/);
  });

  it('an approval from a second account of the author (read access) does not send', async () => {
    await approvedPull({ [POST]: V1 }, 'squash', 'alice-alt');
    expectHeld(await verify(), /alice-alt.*(no|without) write access/);
  });

  it('triage is not enough to approve', async () => {
    await approvedPull({ [POST]: V1 }, 'squash', 'tri');
    expectHeld(await verify(), /\btri, who has no write access/);
  });

  it('a stranger\'s "Request changes" does not hold an approved post', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, 'bob', 'APPROVED');
    fake.review(pr, 'mallory', 'CHANGES_REQUESTED');
    await fake.mergePull(pr, 'merge');
    expect(await verify()).toEqual({ approved: true });
  });

  it('a writer\'s "Request changes" still holds', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, 'bob', 'APPROVED');
    fake.review(pr, 'carol', 'CHANGES_REQUESTED');
    await fake.mergePull(pr, 'merge');
    expectHeld(await verify(), /carol requested changes/);
  });

  it('holds (fail closed) when the permission lookup fails, and names the reviewer', async () => {
    await approvedPull({ [POST]: V1 });
    fake.failures.push({ method: 'GET', path: /\/collaborators\/bob\/permission$/, status: 502 });
    expectHeld(await verify(), /bob.*502/);
  });

  it('asks each reviewer\'s permission once per run', async () => {
    await approvedPull({ [POST]: V1 });
    await approvedPull({ 'posts/second.md': V1.replace('id: launch', 'id: second') });
    await fake.syncCheckout();
    const gate = gateFor();
    expect(await gate(await parsed())).toEqual({ approved: true });
    expect(await gate(await parsed('posts/second.md'))).toEqual({ approved: true });
    expect(fake.requests.filter((q) => q.path.endsWith('/collaborators/bob/permission')).length).toBe(1);
  });
});

describe('attack 2: the last push must be approved by someone other than its pusher, from GitHub\'s record', () => {
  it('a reviewer who pushed the last commit under a forged author cannot approve it', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    // bob pushes new text but sets the commit author to alice, then approves "alice's" change.
    await fake.pushToPull(pr, { [POST]: V2 }, 'bob', { author: 'alice' });
    fake.review(pr, 'bob', 'APPROVED');
    await fake.mergePull(pr, 'merge');
    expectHeld(await verify(), /bob pushed/);
  });

  it('a commit authored in the reviewer\'s name but pushed by the author does not hold', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 }, commitAuthor: 'bob' });
    fake.review(pr, 'bob', 'APPROVED');
    await fake.mergePull(pr, 'rebase');
    expect(await verify()).toEqual({ approved: true });
  });

  it('holds when GitHub shows no push of the approved head (a pull request from a fork)', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 }, fork: true });
    fake.review(pr, 'bob', 'APPROVED');
    await fake.mergePull(pr, 'squash');
    expectHeld(await verify(), /who pushed/);
  });

  it('holds when the activity lookup fails', async () => {
    await approvedPull({ [POST]: V1 });
    fake.failures.push({ method: 'GET', path: /\/activity$/, status: 500 });
    expectHeld(await verify(), /who pushed.*500/);
  });
});

describe('attack 3: content restored from an older approved pull request', () => {
  it('a crafted merge commit that brings back the old approved text', async () => {
    const first = await approvedPull({ [POST]: V1 });
    await approvedPull({ [POST]: V2 }, 'merge', 'carol');
    await fake.craftMerge(fake.pulls.get(first)!.headSha, [POST], 'owner');
    const v = await verify();
    expect(await readFile(join(fake.checkout, POST), 'utf8')).toBe(V1);
    expectHeld(v, /without a merged pull request/);
  });

  it('the same crafted merge with its parents swapped (main\'s tip second)', async () => {
    const first = await approvedPull({ [POST]: V1 });
    await approvedPull({ [POST]: V2 }, 'merge', 'carol');
    await fake.craftMerge(fake.pulls.get(first)!.headSha, [POST], 'owner', { otherFirst: true });
    const v = await verify();
    expect(await readFile(join(fake.checkout, POST), 'utf8')).toBe(V1);
    expectHeld(v, /without a merged pull request/);
  });

  it('a merge that resolves the post to superseded text from a stale branch', async () => {
    await approvedPull({ [POST]: V1 }, 'squash');
    // A branch cut while V1 was current, then V2 is approved and merged on main.
    const stale = await fake.commit('stale-work', { 'posts/notes.md': 'n\n' }, 'alice');
    await approvedPull({ [POST]: V2 }, 'squash', 'carol');
    await fake.craftMerge(stale, [POST, 'posts/notes.md'], 'dave');
    const v = await verify();
    expect(await readFile(join(fake.checkout, POST), 'utf8')).toBe(V1);
    expectHeld(v, /without a merged pull request/);
  });

  it('a revert pushed straight to main', async () => {
    await approvedPull({ [POST]: V1 }, 'squash');
    const second = await approvedPull({ [POST]: V2 }, 'merge', 'carol');
    await fake.revert(fake.pulls.get(second)!.mergeCommitSha!, 'owner');
    expectHeld(await verify(), /without a merged pull request/);
  });

  it('a deleted post resurrected by a crafted merge', async () => {
    const first = await approvedPull({ [POST]: V1 });
    await approvedPull({ [POST]: null }, 'squash', 'carol');
    await fake.craftMerge(fake.pulls.get(first)!.headSha, [POST], 'owner');
    const v = await verify();
    expect(await readFile(join(fake.checkout, POST), 'utf8')).toBe(V1);
    expectHeld(v, /without a merged pull request/);
  });

  it('a shallow checkout (the publisher checks out one commit) is deepened from origin when a post is due, then verified', async () => {
    await approvedPull({ [POST]: V1 });
    await fake.syncCheckout();
    await git('git', ['-C', fake.checkout, 'fetch', '-q', '--depth=1', 'origin', 'main']);
    await git('git', ['-C', fake.checkout, 'reset', '-q', '--hard', 'origin/main']);
    expect((await git('git', ['-C', fake.checkout, 'rev-parse', '--is-shallow-repository'])).stdout.trim()).toBe('true');
    const v = await gateFor()(await parsed());
    expect(v).toEqual({ approved: true });
    expect((await git('git', ['-C', fake.checkout, 'rev-parse', '--is-shallow-repository'])).stdout.trim()).toBe('false');
  });

  it('holds on a shallow checkout whose history cannot be fetched, never guessing', async () => {
    await approvedPull({ [POST]: V1 });
    await fake.syncCheckout();
    await git('git', ['-C', fake.checkout, 'fetch', '-q', '--depth=1', 'origin', 'main']);
    await git('git', ['-C', fake.checkout, 'reset', '-q', '--hard', 'origin/main']);
    await git('git', ['-C', fake.checkout, 'remote', 'set-url', 'origin', join(fake.checkout, 'no-such-remote')]);
    const v = await gateFor()(await parsed());
    expectHeld(v, /shallow/);
    expect(v.action).toMatch(/fetch-depth: 0/);
  });
});

describe('attack 4: media is part of what was approved', () => {
  it('an image changed by a direct push after approval', async () => {
    await approvedPull({ [POST]: post('Our new front.', true), [IMAGE]: PNG_A });
    await fake.directPush({ [IMAGE]: PNG_B }, 'owner');
    const v = await verify();
    expectHeld(v, new RegExp(`${IMAGE}.*differs`));
  });

  it('an image that differs in the checkout from what was reviewed', async () => {
    await approvedPull({ [POST]: post('Our new front.', true), [IMAGE]: PNG_A });
    await fake.syncCheckout();
    await fake.editCheckout(IMAGE, PNG_B);
    expectHeld(await gateFor()(await parsed()), new RegExp(IMAGE));
  });

  it('an image replaced by a symbolic link after approval', async () => {
    await approvedPull({ [POST]: post('Our new front.', true), [IMAGE]: PNG_A });
    await fake.directPush({ [IMAGE]: { symlink: '../../.git/config' } }, 'owner');
    expectHeld(await verify(), new RegExp(`${IMAGE}.*symbolic link`));
  });

  it('an image reached through a symlinked directory in the checkout', async () => {
    await approvedPull({ [POST]: post('Our new front.', true), [IMAGE]: PNG_A });
    await fake.syncCheckout();
    // Same bytes, but read through posts/media -> elsewhere: never followed.
    await git('git', ['-C', fake.checkout, 'mv', 'posts/media', 'elsewhere']);
    await symlink('../elsewhere', join(fake.checkout, 'posts/media'));
    expectHeld(await gateFor()(await parsed()), new RegExp(`${IMAGE}.*symbolic link`));
  });

  it('an image that was never in the approved pull request', async () => {
    await approvedPull({ [POST]: post('Our new front.', true) });
    await fake.directPush({ [IMAGE]: PNG_A }, 'owner');
    expectHeld(await verify(), new RegExp(`${IMAGE}.*not.*in the pull request|${IMAGE}.*does not exist at the head`));
  });
});

describe('still holds', () => {
  it('a post pushed straight to main (no pull request)', async () => {
    await fake.directPush({ [POST]: V1 }, 'alice');
    expectHeld(await verify(), /without a merged pull request/);
  });

  it('a post merged through a PR nobody approved (admin bypass)', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, 'bob', 'COMMENTED');
    await fake.mergePull(pr, 'merge', 'owner');
    expectHeld(await verify(), /without an approving review/);
  });

  it('a PR approved only by its author', async () => {
    await approvedPull({ [POST]: V1 }, 'squash', 'alice');
    expectHeld(await verify(), /only by its author, alice/);
  });

  it('a PR approved only by bots', async () => {
    fake.roles.set('github-actions[bot]', 'write');
    await approvedPull({ [POST]: V1 }, 'merge', 'github-actions[bot]');
    expectHeld(await verify(), /github-actions\[bot\].*bot/);
  });

  it('an approval followed by a later commit (stale)', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, 'bob', 'APPROVED');
    await fake.pushToPull(pr, { [POST]: V2 }, 'alice');
    await fake.mergePull(pr, 'merge');
    expectHeld(await verify(), /bob on an earlier commit/);
  });

  it('an approval later dismissed', async () => {
    const pr = await fake.openPull({ author: 'alice', files: { [POST]: V1 } });
    fake.review(pr, 'bob', 'APPROVED');
    fake.review(pr, 'bob', 'DISMISSED');
    await fake.mergePull(pr, 'merge');
    expectHeld(await verify(), /without an approving review/);
  });

  it('content in the checkout that differs from what was reviewed', async () => {
    await approvedPull({ [POST]: V1 });
    await fake.syncCheckout();
    await fake.editCheckout(POST, V2);
    expectHeld(await gateFor()(await parsed()), /differs from what was reviewed/);
  });

  it('newer unreviewed content, even though an older PR was approved', async () => {
    await approvedPull({ [POST]: V1 }, 'squash');
    const second = await fake.openPull({ author: 'alice', files: { [POST]: V2 } });
    await fake.mergePull(second, 'squash', 'owner');
    expectHeld(await verify(), new RegExp(`#${second} was merged without an approving review`));
  });

  it('when GitHub fails, without throwing or leaking the token', async () => {
    await approvedPull({ [POST]: V1 });
    fake.failures.push({ method: 'GET', path: /\/reviews$/, status: 502 });
    expectHeld(await verify(), /502/);
  });
});
