/**
 * The collector against the strict Mastodon fake: threading, visibility, Link pagination, the
 * team's reply on the network, the notification policy, and the ledger discipline (overlapping
 * runs, a lost cursor, idle runs on a real git state branch with a bare remote).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { collectFeedback } from '../../src/feedback/collect.ts';
import { conversationPath } from '../../src/feedback/conversation.ts';
import type { Conversation, SeenLine } from '../../src/feedback/conversation.ts';
import { createMastodonReader } from '../../src/feedback/mastodon-notifications.ts';
import { FILTERS_PATH } from '../../src/feedback/notification-filters.ts';
import type { FilterReport } from '../../src/feedback/notification-filters.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { parseJsonLines } from '../../src/state/json-lines.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import type { MastodonFake } from '../fakes/mastodon-fake.ts';
import { git, gitFixture, tempDir } from '../publish/publisher-helpers.ts';

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function fake(): Promise<MastodonFake> {
  const f = await startMastodonFake();
  cleanups.push(async () => {
    expect(f.violations).toEqual([]);
    await f.close();
  });
  return f;
}

async function dirStore(): Promise<StateStore> {
  const dir = await tempDir('inbox');
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return createDirStore(dir);
}

const reader = (f: MastodonFake, extra: Partial<Parameters<typeof createMastodonReader>[0]> = {}) => createMastodonReader({ instance: f.url, token: f.token, ...extra });
const now = (f: MastodonFake) => new Date(f.now);
const collect = (store: StateStore, f: MastodonFake, runId = 'run-1', extra: Partial<Parameters<typeof createMastodonReader>[0]> = {}) =>
  collectFeedback({ store, readers: [reader(f, extra)], now: now(f), runId });

async function conversations(store: StateStore): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (const p of await store.list('feedback/conversations')) out.push(JSON.parse((await store.read(p))!) as Conversation);
  return out;
}
const seen = async (store: StateStore) => parseJsonLines<SeenLine>(await store.read('feedback/seen/mastodon.jsonl'));

/** The team posts, and a customer answers; returns the team's status id. */
async function teamPost(f: MastodonFake, text: string): Promise<string> {
  const res = await fetch(`${f.url}/api/v1/statuses`, { method: 'POST', headers: { Authorization: `Bearer ${f.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': `k-${text}` }, body: JSON.stringify({ status: text }) });
  return ((await res.json()) as { id: string }).id;
}

describe('collecting Mastodon mentions', () => {
  test('a chain of replies is one conversation, oldest first, in plain text; a direct message keeps direct', async () => {
    const f = await fake();
    const store = await dirStore();
    const maria = f.addAccount('maria', { displayName: 'Maria' });
    const jan = f.addAccount('jan@other.example');
    const root = await teamPost(f, 'New sourdough today!');
    const first = f.receiveMention(maria, '@copydesk The bread was stale.\n\nSee https://example.com/photos/bread-stale-photo-2025', { inReplyTo: root, language: 'en' });
    f.now += 60_000;
    f.receiveMention(maria, '@copydesk Still waiting for an answer', { inReplyTo: first.id });
    f.now += 60_000;
    f.receiveMention(jan, '@copydesk I got food poisoning, please call me', { visibility: 'direct' });

    const r = await collect(store, f);
    expect(r.problems).toEqual([]);
    expect(r.outcome.added).toEqual({ mastodon: 3 });
    const convs = await conversations(store);
    expect(convs).toHaveLength(2);
    const thread = convs.find((c) => c.root.id === root)!;
    expect(thread.id).toBe(`mastodon:${root}`);
    expect(thread.messages.map((m) => m.text)).toEqual(['@copydesk The bread was stale.\n\nSee https://example.com/photos/bread-stale-photo-2025', '@copydesk Still waiting for an answer']);
    expect(thread.messages[0]).toMatchObject({ reason: 'reply', visibility: 'public', lang: 'en', author: { handle: `maria@${new URL(f.url).host}`, name: 'Maria' } });
    expect(thread.messages[1]!.parent).toEqual({ id: first.id });
    expect(thread.status).toBe('open');
    const dm = convs.find((c) => c.root.id !== root)!;
    expect(dm.visibility).toBe('direct');
    expect(dm.messages[0]).toMatchObject({ visibility: 'direct', author: { handle: 'jan@other.example' } });
    // Every notification request asked for mentions including the filtered ones.
    const asked = f.requests.filter((q) => q.path === '/api/v1/notifications');
    expect(asked.length).toBeGreaterThan(0);
    for (const q of asked) expect(q.query).toMatchObject({ 'types[]': 'mention', include_filtered: 'true' });
  });

  test('follows every Link page from the stored id; a bounded read stops and the next run goes on, nothing lost', async () => {
    const f = await fake();
    const store = await dirStore();
    const maria = f.addAccount('maria');
    f.receiveMention(maria, '@copydesk first');
    await collect(store, f);
    for (let i = 0; i < 130; i++) f.receiveMention(maria, `@copydesk number ${i}`);

    const bounded = await collect(store, f, 'run-2', { maxPages: 2 });
    expect(bounded.truncated).toEqual(['mastodon']);
    expect(bounded.outcome.added.mastodon).toBe(80);
    const rest = await collect(store, f, 'run-3', { maxPages: 10 });
    expect(rest.truncated).toEqual([]);
    expect(rest.outcome.added.mastodon).toBe(50);
    const texts = (await conversations(store)).flatMap((c) => c.messages.map((m) => m.text));
    expect(texts).toHaveLength(131);
    expect(new Set(texts).size).toBe(131);
    // After the first run every read started from the stored id (min_id), never from the top.
    const reads = f.requests.filter((q) => q.path === '/api/v1/notifications');
    expect(reads.slice(1).every((q) => q.query.min_id !== undefined)).toBe(true);
  });

  test('a lost cursor restarts from the ledger of notifications taken in: nothing twice, nothing skipped', async () => {
    const f = await fake();
    const store = await dirStore();
    const maria = f.addAccount('maria');
    for (let i = 0; i < 5; i++) f.receiveMention(maria, `@copydesk hello ${i}`);
    await collect(store, f);
    const dir = (store.description.match(/folder (.*)$/)?.[1] ?? '').trim();
    expect(dir).not.toBe('');
    await rm(join(dir, 'feedback/cursor/mastodon.json'));
    // More than a page arrives meanwhile: the read starts from the newest id in `seen`, so none is skipped.
    for (let i = 0; i < 45; i++) f.receiveMention(maria, `@copydesk more ${i}`);
    const again = await collect(store, f, 'run-2');
    expect(again.outcome.added).toEqual({ mastodon: 45 });
    expect((await seen(store)).map((l) => l.notificationId)).toEqual(f.notifications.map((n) => n.id));
    expect((await conversations(store)).flatMap((c) => c.messages)).toHaveLength(50);
  });

  test('the team replying on the network marks the conversation answered on the next collect', async () => {
    const f = await fake();
    const store = await dirStore();
    const maria = f.addAccount('maria');
    const root = await teamPost(f, 'Open on Sunday');
    const complaint = f.receiveMention(maria, '@copydesk You were closed!', { inReplyTo: root });
    await collect(store, f);
    expect((await conversations(store))[0]!.status).toBe('open');
    // A team post elsewhere in the thread that answers nobody does not count.
    await teamPost(f, 'Unrelated');
    f.now += 10 * 60_000;
    const res = await fetch(`${f.url}/api/v1/statuses`, { method: 'POST', headers: { Authorization: `Bearer ${f.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'answer' }, body: JSON.stringify({ status: '@maria Sorry, we sent you a message', in_reply_to_id: complaint.id }) });
    const answer = (await res.json()) as { id: string };
    const r = await collect(store, f, 'run-2');
    expect(r.outcome.answered).toBe(1);
    const c = (await conversations(store))[0]!;
    expect(c.status).toBe('answered');
    expect(c.answered).toMatchObject({ by: 'network', at: f.now, ref: { id: answer.id } });
    // Answered conversations are no longer checked: the next run makes no context call.
    const before = f.requests.filter((q) => q.path.endsWith('/context')).length;
    await collect(store, f, 'run-3');
    expect(f.requests.filter((q) => q.path.endsWith('/context')).length).toBe(before);
  });

  test('the customer writing again after the answer reopens the conversation; only a later team reply answers it again', async () => {
    const f = await fake();
    const store = await dirStore();
    const maria = f.addAccount('maria');
    const root = await teamPost(f, 'New rye on Friday');
    const ask = f.receiveMention(maria, '@copydesk Is it vegan?', { inReplyTo: root });
    await collect(store, f);
    f.now += 10 * 60_000;
    const reply = (text: string, to: string, key: string) => fetch(`${f.url}/api/v1/statuses`, { method: 'POST', headers: { Authorization: `Bearer ${f.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify({ status: text, in_reply_to_id: to }) }).then(async (res) => ((await res.json()) as { id: string }).id);
    const first = await reply('@maria Yes, no milk or eggs', ask.id, 'a1');
    await collect(store, f, 'run-2');
    const answeredAt = f.now;
    expect((await conversations(store))[0]).toMatchObject({ status: 'answered', answered: { ref: { id: first } } });

    // An hour later she asks again under the team's answer.
    f.now += 60 * 60_000;
    const again = f.receiveMention(maria, '@copydesk And is there sesame in it?', { inReplyTo: first });
    const r = await collect(store, f, 'run-3');
    expect(r.outcome.reopened).toBe(1);
    let c = (await conversations(store))[0]!;
    expect(c.status).toBe('open');
    expect(c.reopenedAt).toBe(f.now);
    expect(c.messages.map((m) => m.text)).toEqual(['@copydesk Is it vegan?', '@copydesk And is there sesame in it?']);
    // The earlier answer is kept, and it does not answer the new question.
    expect(c.answered).toMatchObject({ at: answeredAt, ref: { id: first } });
    f.now += 5 * 60_000;
    expect((await collect(store, f, 'run-4')).outcome.answered).toBe(0);
    expect((await conversations(store))[0]!.status).toBe('open');

    // The team answers the new question: answered again, by that reply.
    f.now += 5 * 60_000;
    const second = await reply('@maria Yes, on the crust', again.id, 'a2');
    expect((await collect(store, f, 'run-5')).outcome.answered).toBe(1);
    c = (await conversations(store))[0]!;
    expect(c).toMatchObject({ status: 'answered', answered: { at: f.now, ref: { id: second } } });
    // Taken in once: running again changes nothing.
    expect((await collect(store, f, 'run-6')).outcome).toMatchObject({ reopened: 0, answered: 0 });
  });

  test('the notification policy: filtered mentions are collected and marked, dropped ones warned about', async () => {
    const f = await fake();
    const store = await dirStore();
    const stranger = f.addAccount('newbie', { createdAt: new Date(f.now - 86_400_000).toISOString() });
    f.policy = { ...f.policy, for_new_accounts: 'filter', for_not_following: 'drop' };
    f.receiveMention(stranger, '@copydesk my cake was mouldy', { policy: 'filter' });
    f.receiveMention(stranger, '@copydesk hello?', { policy: 'drop' });
    const r = await collect(store, f);
    expect(r.outcome.filtersChanged).toBe(true);
    const msgs = (await conversations(store)).flatMap((c) => c.messages);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ text: '@copydesk my cake was mouldy', filtered: true });
    expect(msgs[0]!.author.createdAt).toBe(f.now - 86_400_000);
    const report = JSON.parse((await store.read(FILTERS_PATH))!) as FilterReport;
    expect(report.warnings.map((w) => [w.setting, w.value, w.effect])).toEqual([
      ['for_new_accounts', 'filter', 'hidden'],
      ['for_not_following', 'drop', 'lost'],
    ]);
    expect(report.warnings[1]!.text).toMatch(/people you don't follow.*customers won't reach you/);
    // Settings put right: the warnings go.
    f.policy = { ...f.policy, for_new_accounts: 'accept', for_not_following: 'accept' };
    await collect(store, f, 'run-2');
    expect((JSON.parse((await store.read(FILTERS_PATH))!) as FilterReport).warnings).toEqual([]);
  });

  test('a server without a notification policy (before 4.3) gives no warning and no error', async () => {
    const f = await fake();
    f.policyUnsupported = true;
    const r = await collect(await dirStore(), f);
    expect(r.problems).toEqual([]);
  });

  test('a revoked token is one plain problem; nothing is written', async () => {
    const f = await fake();
    const store = await dirStore();
    f.revokeToken();
    const r = await collect(store, f);
    expect(r.wrote).toBe(false);
    expect(r.problems[0]).toMatch(/token was refused \(HTTP 401\).*read:notifications/);
    expect(await store.list('feedback')).toEqual([]);
  });
});

describe('on the git state branch', () => {
  test('two overlapping runs take each notification in once; an idle run makes no commit', async () => {
    const f = await fake();
    const fx = await gitFixture(2);
    cleanups.push(fx.cleanup);
    const stores = fx.clones.map((c) => createGitStore({ repoDir: c, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} }));
    const maria = f.addAccount('maria');
    const root = await teamPost(f, 'Croissants!');
    let parent = root;
    for (let i = 0; i < 6; i++) parent = f.receiveMention(maria, `@copydesk message ${i}`, { inReplyTo: parent }).id;
    f.receiveMention(f.addAccount('ola'), '@copydesk separate', { visibility: 'private' });

    const [a, b] = await Promise.all([collect(stores[0]!, f, 'run-a'), collect(stores[1]!, f, 'run-b')]);
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    const check = createGitStore({ repoDir: fx.clones[0]!, branch: 'copydesk-state', remote: 'origin' });
    await check.refresh();
    const lines = await seen(check);
    expect(lines.map((l) => l.notificationId).sort()).toEqual(f.notifications.map((n) => n.id).sort());
    const convs = await conversations(check);
    expect(convs).toHaveLength(2);
    const thread = convs.find((c) => c.root.id === root)!;
    expect(thread.messages.map((m) => m.text)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `@copydesk message ${i}`));
    expect(convs.find((c) => c.root.id !== root)!.visibility).toBe('followers');

    const tip = await git(fx.remote, 'rev-parse', 'copydesk-state');
    const idle = await collect(stores[0]!, f, 'run-idle');
    expect(idle.wrote).toBe(false);
    expect(await git(fx.remote, 'rev-parse', 'copydesk-state')).toBe(tip);
  });
});

describe('killed with SIGKILL mid-way', () => {
  async function runChild(env: Record<string, string>): Promise<string> {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(import.meta.dirname, 'collect-crash-child.ts')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const signal = await new Promise((res) => child.on('exit', (_code, sig) => res(sig)));
    expect(output).not.toContain('survived');
    expect(signal, output).toBe('SIGKILL');
    return output;
  }

  async function scenario(f: MastodonFake) {
    const maria = f.addAccount('maria');
    const root = await teamPost(f, 'Hot cross buns');
    let parent = root;
    for (let i = 0; i < 3; i++) parent = f.receiveMention(maria, `@copydesk reply ${i}`, { inReplyTo: parent }).id;
    f.receiveMention(f.addAccount('ola'), '@copydesk a DM', { visibility: 'direct' });
    return root;
  }

  async function expectComplete(store: StateStore, f: MastodonFake, root: string) {
    const r = await collect(store, f, 'rerun');
    expect(r.problems).toEqual([]);
    await store.refresh();
    const convs = await conversations(store);
    expect(convs).toHaveLength(2);
    expect(convs.find((c) => c.root.id === root)!.messages.map((m) => m.text)).toEqual(['@copydesk reply 0', '@copydesk reply 1', '@copydesk reply 2']);
    expect(convs.find((c) => c.root.id !== root)!.visibility).toBe('direct');
    expect((await seen(store)).map((l) => l.notificationId).sort()).toEqual(f.notifications.map((n) => n.id).sort());
  }

  for (const crash of ['after-request:3', 'mid-write']) {
    test(`folder state, killed ${crash}: the rerun loses nothing and doubles nothing`, async () => {
      const f = await fake();
      const dir = await tempDir('inbox-crash');
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const root = await scenario(f);
      await runChild({ CRASH: crash, STATE_DIR: dir, FAKE_URL: f.url, FAKE_TOKEN: f.token, NOW: now(f).toISOString() });
      const store = createDirStore(dir);
      if (crash === 'mid-write') {
        // The crash left the seen ledger written and no conversation: the worst half-state.
        expect((await seen(store)).length).toBe(4);
        expect(await store.list('feedback/conversations')).toEqual([]);
      }
      await expectComplete(store, f, root);
    });
  }

  test('git state, killed before the commit: nothing was pushed, the rerun takes everything in once', async () => {
    const f = await fake();
    const fx = await gitFixture(1);
    cleanups.push(fx.cleanup);
    const root = await scenario(f);
    await runChild({ CRASH: 'before-push', GIT_REPO: fx.clones[0]!, FAKE_URL: f.url, FAKE_TOKEN: f.token, NOW: now(f).toISOString() });
    await expect(git(fx.remote, 'rev-parse', '--verify', '-q', 'copydesk-state')).rejects.toThrow();
    await expectComplete(createGitStore({ repoDir: fx.clones[0]!, branch: 'copydesk-state', remote: 'origin' }), f, root);
  });
});
