/**
 * The collector against a REAL local Bluesky network with its AppView (@atproto/dev-env
 * TestNetwork on PostgreSQL + Redis, test/helpers/bluesky-appview.ts): listNotifications,
 * getPostThread and the notification preferences are the AppView's own. One network for the file.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBlueskyReader } from '../../src/feedback/bluesky-notifications.ts';
import { collectFeedback } from '../../src/feedback/collect.ts';
import type { Conversation, SeenLine } from '../../src/feedback/conversation.ts';
import { FILTERS_PATH } from '../../src/feedback/notification-filters.ts';
import type { FilterReport } from '../../src/feedback/notification-filters.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import { parseJsonLines } from '../../src/state/json-lines.ts';
import type { StateStore } from '../../src/state/store.ts';
import { startBlueskyAppView } from '../helpers/bluesky-appview.ts';
import type { AppViewAccount, BlueskyAppView } from '../helpers/bluesky-appview.ts';
import { git, gitFixture, tempDir } from '../publish/publisher-helpers.ts';

let net: BlueskyAppView;
let bakery: AppViewAccount;
let maria: AppViewAccount;
let jan: AppViewAccount;
let kim: AppViewAccount;
const cleanups: (() => Promise<unknown>)[] = [];
/** Every request the readers made, by XRPC method. */
const calls: string[] = [];

beforeAll(async () => {
  net = await startBlueskyAppView('inbox_collect');
  bakery = await net.createAccount('bakery');
  maria = await net.createAccount('maria');
  jan = await net.createAccount('jan');
  kim = await net.createAccount('kim');
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await net?.close();
});

const countingFetch: typeof fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  calls.push(new URL(url).pathname.replace('/xrpc/', ''));
  return fetch(input, init);
};
const reader = () => createBlueskyReader({ service: net.service, identifier: bakery.handle, password: bakery.appPassword, fetch: countingFetch });
const collect = (store: StateStore, runId: string, at = new Date()) => collectFeedback({ store, readers: [reader()], now: at, runId });

async function dirStore(): Promise<StateStore> {
  const dir = await tempDir('inbox-bsky');
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return createDirStore(dir);
}
async function conversations(store: StateStore): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (const p of await store.list('feedback/conversations')) out.push(JSON.parse((await store.read(p))!) as Conversation);
  return out;
}
const seen = async (store: StateStore) => parseJsonLines<SeenLine>(await store.read('feedback/seen/bluesky.jsonl'));
const replyTo = (root: { uri: string; cid: string }, parent: { uri: string; cid: string }) => ({ root: { uri: root.uri, cid: root.cid }, parent: { uri: parent.uri, cid: parent.cid } });

describe('collecting Bluesky notifications from the AppView', () => {
  let announcement: { uri: string; cid: string };
  let first: { uri: string; cid: string };
  let store: StateStore;

  beforeAll(async () => {
    announcement = await bakery.agent.post({ text: 'New rye bread from Monday!' });
    await net.settle();
    first = await maria.agent.post({ text: 'The rye was burnt, not happy', langs: ['en'], reply: replyTo(announcement, announcement) });
    await net.settle();
    await maria.agent.post({ text: 'Hello? Anyone there?', reply: replyTo(announcement, first) });
    await jan.agent.post({ text: '@bakery.test do you deliver to Gdańsk?', facets: [{ index: { byteStart: 0, byteEnd: 12 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: bakery.did }] }] });
    await kim.agent.post({ text: 'Look at this', embed: { $type: 'app.bsky.embed.record', record: { uri: announcement.uri, cid: announcement.cid } } });
    await net.settle();
    store = await dirStore();
  });

  test('a reply chain is one conversation, a mention and a quote each their own; one login per run', async () => {
    calls.length = 0;
    const r = await collect(store, 'run-1');
    expect(r.problems).toEqual([]);
    expect(r.outcome.added).toEqual({ bluesky: 4 });
    const convs = await conversations(store);
    expect(convs).toHaveLength(3);
    const thread = convs.find((c) => c.root.id === announcement.uri)!;
    expect(thread.id).toBe(`bluesky:${announcement.uri}`);
    expect(thread.root.cid).toBe(announcement.cid);
    expect(thread.messages.map((m) => [m.text, m.reason, m.author.handle])).toEqual([
      ['The rye was burnt, not happy', 'reply', 'maria.test'],
      ['Hello? Anyone there?', 'reply', 'maria.test'],
    ]);
    expect(thread.messages[0]).toMatchObject({ lang: 'en', visibility: 'public', author: { accountId: maria.did } });
    expect(thread.messages[1]!.parent).toMatchObject({ id: first.uri, cid: first.cid });
    expect(convs.find((c) => c.messages[0]!.author.handle === 'jan.test')!.messages[0]!.reason).toBe('mention');
    expect(convs.find((c) => c.messages[0]!.author.handle === 'kim.test')!.messages[0]!.reason).toBe('quote');
    expect(calls.filter((c) => c === 'com.atproto.server.createSession')).toHaveLength(1);
    expect(calls.filter((c) => c === 'app.bsky.notification.updateSeen')).toEqual([]);
  });

  test('a lost cursor reads the newest page again and adds nothing twice; new ones still come', async () => {
    const dir = store.description.replace(/^folder /, '');
    await rm(`${dir}/feedback/cursor/bluesky.json`);
    await maria.agent.post({ text: 'Third time asking', reply: replyTo(announcement, first) });
    await net.settle();
    const r = await collect(store, 'run-2');
    expect(r.outcome.added).toEqual({ bluesky: 1 });
    expect((await seen(store)).map((l) => l.notificationId)).toHaveLength(5);
    expect(new Set((await seen(store)).map((l) => l.notificationId)).size).toBe(5);
  });

  test("the team's reply on the network marks the conversation answered on the next collect", async () => {
    const answer = await bakery.agent.post({ text: "We're so sorry, Maria: we've sent you a message", reply: replyTo(announcement, first) });
    await net.settle();
    const r = await collect(store, 'run-3');
    expect(r.problems).toEqual([]);
    expect(r.outcome.answered).toBe(1);
    const thread = (await conversations(store)).find((c) => c.root.id === announcement.uri)!;
    expect(thread.status).toBe('answered');
    expect(thread.answered).toMatchObject({ by: 'network', ref: { id: answer.uri, cid: answer.cid } });
    // The others are still open: the team did not reply to them.
    expect((await conversations(store)).filter((c) => c.status === 'open')).toHaveLength(2);
  });

  test('"follows only" notification preferences become warnings; put right, they go', async () => {
    await bakery.agent.app.bsky.notification.putPreferencesV2({ mention: { include: 'follows', list: true, push: true }, reply: { include: 'all', list: false, push: false } });
    const r = await collect(store, 'run-4');
    expect(r.outcome.filtersChanged).toBe(true);
    const report = JSON.parse((await store.read(FILTERS_PATH))!) as FilterReport;
    expect(report.warnings.map((w) => [w.setting, w.value, w.effect])).toEqual([
      ['mention.include', 'follows', 'lost'],
      ['reply.list', 'false', 'lost'],
    ]);
    expect(report.warnings[0]!.text).toMatch(/customers you don't follow won't reach you/);
    await bakery.agent.app.bsky.notification.putPreferencesV2({ mention: { include: 'all', list: true, push: true }, reply: { include: 'all', list: true, push: true } });
    await collect(store, 'run-5');
    expect((JSON.parse((await store.read(FILTERS_PATH))!) as FilterReport).warnings).toEqual([]);
  });

  test('on the git branch: two overlapping runs take each notification in once, and an idle run makes no commit', async () => {
    const fx = await gitFixture(2);
    cleanups.push(fx.cleanup);
    const stores = fx.clones.map((c) => createGitStore({ repoDir: c, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} }));
    const [a, b] = await Promise.all([collect(stores[0]!, 'run-a'), collect(stores[1]!, 'run-b')]);
    expect([...a.problems, ...b.problems]).toEqual([]);
    await stores[1]!.refresh();
    const lines = await seen(stores[1]!);
    expect(lines).toHaveLength(5);
    expect(new Set(lines.map((l) => l.notificationId)).size).toBe(5);
    const msgs = (await conversations(stores[1]!)).flatMap((c) => c.messages);
    expect(msgs).toHaveLength(5);

    // This state branch is new: its conversations were only checked for a team reply from the
    // next run on, which finds the one already answered on the network.
    const next = await collect(stores[0]!, 'run-c');
    expect(next.outcome).toMatchObject({ added: {}, answered: 1 });

    const tip = await git(fx.remote, 'rev-parse', 'copydesk-state');
    const idle = await collect(stores[0]!, 'run-idle');
    expect(idle.problems).toEqual([]);
    expect(idle.wrote).toBe(false);
    expect(await git(fx.remote, 'rev-parse', 'copydesk-state')).toBe(tip);
  });

  test('a wrong app password is one plain problem, without the password; nothing written', async () => {
    const s = await dirStore();
    const bad = createBlueskyReader({ service: net.service, identifier: bakery.handle, password: 'wrong-app-password-1234' });
    const r = await collectFeedback({ store: s, readers: [bad], now: new Date(), runId: 'bad' });
    expect(r.wrote).toBe(false);
    expect(r.problems.join('\n')).not.toContain('wrong-app-password-1234');
    expect(r.problems[0]).toMatch(/^bluesky: Bluesky/);
  });
});
