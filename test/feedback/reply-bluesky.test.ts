/**
 * A reply on Bluesky against a real local PDS (`@atproto/dev-env`'s TestNetworkNoAppView, as in
 * test/publish/): approved on the (fake) GitHub issue, sent by `sendReplies` through the real
 * Bluesky channel, landing as a reply to the exact customer post with the thread's root, once,
 * also when the answer to the first attempt was lost.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpAgent, AtUri } from '@atproto/api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sendReplies } from '../../src/feedback/reply-send.ts';
import type { Channel } from '../../src/publish/channel.ts';
import { createBlueskyChannel } from '../../src/publish/bluesky.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { startBlueskyServer, type BlueskyServer } from '../helpers/bluesky-server.ts';
import { approveLine, comment, conversationOf, putConversation, readConversation, replyConfig, seedTeam, user } from './reply-helpers.ts';

let server: BlueskyServer;
let gh: GitHubFake;
const config = replyConfig();

beforeAll(async () => {
  server = await startBlueskyServer('bakery');
  gh = await startGitHubFake();
  seedTeam(gh);
}, 120_000);
afterAll(async () => {
  expect(gh?.violations).toEqual([]);
  await gh?.close();
  await server?.close();
});

async function records(agent: AtpAgent, did: string) {
  const res = await agent.com.atproto.repo.listRecords({ repo: did, collection: 'app.bsky.feed.post', limit: 100 });
  return res.data.records as { uri: string; cid: string; value: { text: string; reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } } } }[];
}

test('an approved reply lands as a reply to the exact customer post (reply.parent) in the thread of the shop\'s post (reply.root), once, even after a lost answer', async () => {
  // The shop posted; Maria answered it: the conversation's root is the shop's post, the parent Maria's.
  const shopPost = await server.agent.post({ text: 'Fresh rye bread today!', createdAt: new Date().toISOString() });
  const maria = await server.createAccount('maria');
  const mariaAgent = new AtpAgent({ service: server.service });
  await mariaAgent.login({ identifier: maria.handle, password: maria.appPassword });
  const mariaPost = await mariaAgent.post({
    text: 'It was stale when I bought it at noon.', createdAt: new Date().toISOString(),
    reply: { root: { uri: shopPost.uri, cid: shopPost.cid }, parent: { uri: shopPost.uri, cid: shopPost.cid } },
  });

  const dir = await mkdtemp(join(tmpdir(), 'copydesk-reply-bsky-'));
  try {
    const store = createDirStore(dir);
    const issue = gh.createIssueAs(user('github-actions[bot]'), 'Feedback: maria.test', '…', ['feedback']);
    const conv = conversationOf({ network: 'bluesky', id: mariaPost.uri, cid: mariaPost.cid, handle: maria.handle, issue, root: { id: shopPost.uri, cid: shopPost.cid } });
    await putConversation(store, conv);
    const now = new Date();
    const { id } = await comment(gh, store, config, user('ola'), issue, '/reply So sorry, Maria. Come by and we will swap it for a fresh loaf.', now);
    expect((await comment(gh, store, config, user('piotr'), issue, approveLine(gh, `c${id}`), now)).result.status).toBe('approved');

    // The first run's answer is lost after the PDS accepted the record.
    const real = createBlueskyChannel({ service: server.service, identifier: server.handle, password: server.password });
    const losing: Channel = { name: 'bluesky', find: (p) => real.find(p), send: async (p) => ((await real.send(p)).status === 'sent' ? { status: 'unknown', error: 'connection reset after the request' } : { status: 'unknown', error: 'x' }) };
    const first = await sendReplies({ store, channels: () => losing, config, now: () => now, runId: 'run-1', dryRun: false, log: () => {} });
    expect(first[0]!.status).toBe('held');
    const later = new Date(now.getTime() + 10 * 60_000);
    const second = await sendReplies({ store, channels: () => createBlueskyChannel({ service: server.service, identifier: server.handle, password: server.password }), config, now: () => later, runId: 'run-2', dryRun: false, log: () => {} });
    expect(second[0]!.status).toBe('sent');

    const mine = (await records(server.agent, server.did)).filter((r) => r.value.reply);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.value.text).toBe('So sorry, Maria. Come by and we will swap it for a fresh loaf.');
    expect(mine[0]!.value.reply).toEqual({ root: { uri: shopPost.uri, cid: shopPost.cid }, parent: { uri: mariaPost.uri, cid: mariaPost.cid } });
    expect(new AtUri(mine[0]!.uri).host).toBe(server.did);
    const answered = await readConversation(store, conv.id);
    expect(answered).toMatchObject({ status: 'answered', answered: { by: `reply:c${id}`, ref: { id: mine[0]!.uri, cid: mine[0]!.cid } } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
