/**
 * The two readers of a reply, attacked first: who can write a `/reply`, who can `/approve` it, and
 * what an edit does to an approval. GitHub is the strict fake (permissions, comments); the state
 * is a real folder store; sending goes through the real publisher to a counting network.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readReplyEvents } from '../../src/feedback/reply-log.ts';
import { sendReplies } from '../../src/feedback/reply-send.ts';
import { verifyCommentSource } from '../../src/feedback/reply-github.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { countingNetwork, type CountingNetwork } from '../publish/publisher-helpers.ts';
import { approveLine, botComment, comment, conversationOf, eventFor, GH_TOKEN, handle, putConversation, readConversation, replyConfig, seedTeam, user } from './reply-helpers.ts';

const NOW = new Date('2027-03-15T08:00:00Z');
const later = (min: number) => new Date(NOW.getTime() + min * 60_000);
let gh: GitHubFake;
let dir: string;
let store: StateStore;
let net: CountingNetwork;
let issue: number;
const config = replyConfig();
const conv = () => conversationOf({ network: 'mastodon', id: '110000000000000042', handle: 'maria@example.social', issue });

beforeEach(async () => {
  gh = await startGitHubFake();
  seedTeam(gh);
  dir = await mkdtemp(join(tmpdir(), 'copydesk-reply-review-'));
  store = createDirStore(dir);
  issue = gh.createIssueAs(user('github-actions[bot]'), 'Feedback: maria@example.social', 'The customer wrote…', ['feedback']);
  await putConversation(store, conv());
  net = countingNetwork('mastodon');
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

const send = (at: Date, extra: Partial<Parameters<typeof sendReplies>[0]> = {}) =>
  sendReplies({ store, channels: () => net.channel(), config, now: () => at, runId: `run-${at.getTime()}`, dryRun: false, log: () => {}, ...extra });

describe('who can write a reply', () => {
  test.each(['stranger', 'tomek'])('%s (no write access) writes /reply: nothing is recorded, nothing is answered, nothing is sent', async (who) => {
    const { result } = await comment(gh, store, config, user(who), issue, '/reply We are so sorry, here is a refund code: FREE100', NOW);
    expect(result.status).toBe('ignored');
    expect(await store.list('feedback/replies')).toEqual([]);
    expect(gh.comments.filter((c) => c.user.login === 'github-actions[bot]')).toEqual([]);
    await send(later(5));
    expect(net.sends).toBe(0);
  });

  test('a bot (copydesk itself included) writing /reply or /approve does nothing', async () => {
    const { result } = await comment(gh, store, config, { login: 'github-actions[bot]', type: 'Bot' }, issue, '/reply Hello', NOW);
    expect(result.status).toBe('ignored');
    expect(await store.list('feedback/replies')).toEqual([]);
  });
});

describe('who can approve it', () => {
  test('a stranger\'s /approve of the exact hash does nothing, and nothing is sent', async () => {
    const { id } = await comment(gh, store, config, user('ola'), issue, '/reply Sorry about that, Maria. Come by tomorrow and the coffee is on us.', NOW);
    const line = approveLine(gh, `c${id}`);
    const { result } = await comment(gh, store, config, user('stranger'), issue, line, later(1));
    expect(result.status).toBe('ignored');
    expect((await readReplyEvents(store, `c${id}`)).map((e) => e.type)).toEqual(['draft']);
    expect((await send(later(5)))[0]!.status).toBe('waiting');
    expect(net.sends).toBe(0);
  });

  test('the writer approving their own reply does nothing; neither does someone who edited it', async () => {
    const { id } = await comment(gh, store, config, user('ola'), issue, '/reply Sorry about that, Maria.', NOW);
    const self = await comment(gh, store, config, user('ola'), issue, approveLine(gh, `c${id}`), later(1));
    expect(self.result).toMatchObject({ status: 'refused', reason: expect.stringMatching(/ola wrote this reply/) });
    // piotr edits ola's comment (write access lets him), then approves "her" text: he wrote it now.
    gh.editComment(id, '/reply Sorry about that, Maria. We will make it right.');
    await handle(gh, store, config, eventFor(gh, id, 'edited', user('piotr')), later(2));
    const editor = await comment(gh, store, config, user('piotr'), issue, approveLine(gh, `c${id}`), later(3));
    expect(editor.result).toMatchObject({ status: 'refused', reason: expect.stringMatching(/piotr wrote this reply/) });
    expect((await send(later(5)))[0]!.status).toBe('waiting');
    expect(net.sends).toBe(0);
  });

  test('approval then edit: the edit voids it, the old hash no longer approves, nothing is sent until the new version is approved', async () => {
    const { id } = await comment(gh, store, config, user('ola'), issue, '/reply Sorry, Maria, that should not happen.', NOW);
    const oldLine = approveLine(gh, `c${id}`);
    expect((await comment(gh, store, config, user('piotr'), issue, oldLine, later(1))).result.status).toBe('approved');
    gh.editComment(id, '/reply Sorry, Maria, that should not happen. Also: our cakes are the best in town, unlike the competition.');
    await handle(gh, store, config, eventFor(gh, id, 'edited'), later(2));
    expect(botComment(gh, `c${id}`)).toContain('our cakes are the best');
    expect(approveLine(gh, `c${id}`)).not.toBe(oldLine);
    expect((await send(later(3)))[0]!.status).toBe('waiting');
    expect(net.sends).toBe(0);
    const again = await comment(gh, store, config, user('anna'), issue, oldLine, later(4));
    expect(again.result).toMatchObject({ status: 'refused', reason: expect.stringMatching(/edited after the version you approved/) });
    expect(net.sends).toBe(0);
    expect((await comment(gh, store, config, user('anna'), issue, approveLine(gh, `c${id}`), later(5))).result.status).toBe('approved');
    const [out] = await send(later(6));
    expect(out!.status).toBe('sent');
    expect(net.delivered.map((d) => d.text)).toEqual(['@maria@example.social Sorry, Maria, that should not happen. Also: our cakes are the best in town, unlike the competition.']);
  });

  test('a /reply edited into something else, or deleted, is withdrawn: an earlier approval no longer counts, nothing is sent', async () => {
    const { id } = await comment(gh, store, config, user('ola'), issue, '/reply Sorry, Maria.', NOW);
    await comment(gh, store, config, user('piotr'), issue, approveLine(gh, `c${id}`), later(1));
    gh.editComment(id, 'Never mind, I will call her instead.');
    expect(await handle(gh, store, config, eventFor(gh, id, 'edited'), later(2))).toMatchObject({ status: 'refused', reason: 'withdrawn' });
    expect(botComment(gh, `c${id}`)).toMatch(/Withdrawn\*\* by @ola/);
    expect((await send(later(3)))[0]).toMatchObject({ status: 'waiting', reason: expect.stringMatching(/withdrawn by ola/) });
    // Deleted (GitHub sends the comment as it was): withdrawn too.
    const second = await comment(gh, store, config, user('ola'), issue, '/reply Sorry again.', later(4));
    await comment(gh, store, config, user('piotr'), issue, approveLine(gh, `c${second.id}`), later(5));
    expect(await handle(gh, store, config, { ...eventFor(gh, second.id), action: 'deleted' }, later(6))).toMatchObject({ status: 'refused', reason: 'withdrawn' });
    await send(later(7));
    expect(net.sends).toBe(0);
  });

  test('an edit on GitHub that copydesk has not taken in yet (its workflow failed) stops the send: the comment is re-read first', async () => {
    const { id } = await comment(gh, store, config, user('ola'), issue, '/reply Sorry, Maria.', NOW);
    await comment(gh, store, config, user('piotr'), issue, approveLine(gh, `c${id}`), later(1));
    gh.editComment(id, '/reply Sorry, Maria. Honestly your review was stupid.');
    const octokit = createOctokit({ token: GH_TOKEN, baseUrl: gh.baseUrl });
    const [out] = await send(later(2), { verifySource: verifyCommentSource(octokit, gh.owner, gh.repo) });
    expect(out).toMatchObject({ status: 'held', reason: expect.stringMatching(/edited after the approval/) });
    expect(net.sends).toBe(0);
  });

  test('a second team member approves the exact version: it goes out once, as a reply with the mention, and the conversation is answered', async () => {
    const { id } = await comment(gh, store, config, user('ola'), issue, '/reply Sorry about that, Maria. Come by tomorrow and the coffee is on us.', NOW);
    const body = botComment(gh, `c${id}`)!;
    expect(body).toContain('@\u200bmaria@\u200bexample.social Sorry about that'); // quoted, never a live mention on GitHub
    expect(body).toMatch(/visibility `public`/);
    expect((await comment(gh, store, config, user('piotr'), issue, approveLine(gh, `c${id}`), later(1))).result).toMatchObject({ status: 'approved', by: 'piotr' });
    expect(botComment(gh, `c${id}`)).toMatch(/Approved\*\* by @piotr/);
    expect((await send(later(2)))[0]!.status).toBe('sent');
    expect((await send(later(3)))[0]!.status).toBe('already-sent');
    expect(net.sends).toBe(1);
    expect(net.delivered[0]).toMatchObject({ parentId: '110000000000000042', text: '@maria@example.social Sorry about that, Maria. Come by tomorrow and the coffee is on us.' });
    const c = await readConversation(store, conv().id);
    expect(c).toMatchObject({ status: 'answered', answered: { by: `reply:c${id}` } });
    expect(await store.read('feedback/events.jsonl')).toMatch(/"type":"reply-sent".*"by":"ola"/);
    // Approving again after it went out changes nothing.
    const late = await comment(gh, store, config, user('anna'), issue, approveLine(gh, `c${id}`), later(4));
    expect(late.result).toMatchObject({ status: 'refused', reason: expect.stringMatching(/already sent/) });
    await send(later(5));
    expect(net.sends).toBe(1);
  });

  test('errors block: a watch-listed word shows as an error, no /approve line is offered, and an approval of its hash is refused', async () => {
    const cfg = replyConfig({ watchlist: [{ term: 'flood', reason: 'the flood in town' }] });
    const { id, result } = await comment(gh, store, cfg, user('ola'), issue, '/reply Sorry, the flood delayed our delivery.', NOW);
    expect(result).toMatchObject({ status: 'drafted', errors: 1 });
    const body = botComment(gh, `c${id}`)!;
    expect(body).toMatch(/error\*\* `watchlist`/);
    expect(body).not.toMatch(/\/approve [0-9a-f]{12}/);
    const hash = (result as { hash: string }).hash;
    expect((await comment(gh, store, cfg, user('piotr'), issue, `/approve ${hash}`, later(1))).result).toMatchObject({ status: 'refused', reason: expect.stringMatching(/check error/) });
    await sendReplies({ store, channels: () => net.channel(), config: cfg, now: () => later(2), runId: 'r', dryRun: false, log: () => {} });
    expect(net.sends).toBe(0);
  });

  test('the mention copydesk adds counts toward the length (Mastodon counts `@maria@example.social` as `@maria`)', async () => {
    expect((await comment(gh, store, config, user('ola'), issue, `/reply ${'a'.repeat(493)}`, NOW)).result).toMatchObject({ status: 'drafted', errors: 0 }); // 7 + 493 = 500
    expect((await comment(gh, store, config, user('ola'), issue, `/reply ${'a'.repeat(494)}`, NOW)).result).toMatchObject({ status: 'drafted', errors: 1 });
  });
});

describe('flags', () => {
  test('--off-air and --direct on Bluesky are refused with the reason (no direct messages on the PDS)', async () => {
    const n = gh.createIssueAs(user('github-actions[bot]'), 'Feedback: bsky', '…', ['feedback']);
    await putConversation(store, conversationOf({ network: 'bluesky', id: 'at://did:plc:maria/app.bsky.feed.post/3k', cid: 'bafyreib', handle: 'maria.test', issue: n }));
    const { id, result } = await comment(gh, store, config, user('ola'), n, '/reply --off-air So sorry, we will sort it out.', NOW);
    expect(result).toMatchObject({ status: 'refused', reason: expect.stringMatching(/Bluesky has no direct-message API/) });
    expect(botComment(gh, `c${id}`)).toMatch(/Not accepted/);
    expect(await store.list('feedback/replies')).toEqual([]);
  });

  test('an unknown flag is answered (to a team member) with what to write', async () => {
    const { id, result } = await comment(gh, store, config, user('ola'), issue, '/reply --public Hi', NOW);
    expect(result.status).toBe('refused');
    expect(botComment(gh, `c${id}`)).toMatch(/--direct, --off-air or --incident/);
  });
});
