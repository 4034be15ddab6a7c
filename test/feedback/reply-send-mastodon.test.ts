/**
 * Replies on Mastodon through the real channel against the strict Mastodon fake: private answers
 * stay private, `--off-air` is one action, a freeze stops replies (and the incident exception is
 * narrow), overlapping runs and a kill -9 never make two statuses.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { freezeChange, thawChange } from '../../src/freeze/freeze-apply.ts';
import { readReplyEvents } from '../../src/feedback/reply-log.ts';
import { sendReplies, type ReplySendOptions } from '../../src/feedback/reply-send.ts';
import { OFF_AIR_PUBLIC_TEXT } from '../../src/feedback/reply-target.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import { readLedger } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import { gitFixture } from '../publish/publisher-helpers.ts';
import type { StateStore } from '../../src/state/store.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { startMastodonFake, type FakeStatus, type MastodonFake } from '../fakes/mastodon-fake.ts';
import { approveLine, comment, conversationOf, putConversation, readConversation, replyConfig, seedTeam, user } from './reply-helpers.ts';

const T = Date.parse('2027-03-15T08:00:00Z');
const MIN = 60_000;
const at = (min: number) => new Date(T + min * MIN);
const TOKEN = 'mstdn-replies-SECRET-9f8e7d';
const config = replyConfig();

let gh: GitHubFake;
let masto: MastodonFake;
let dir: string;
let store: StateStore;
let customer: FakeStatus;
let issue: number;

async function setup(visibility: 'public' | 'direct' | 'private' = 'public'): Promise<void> {
  customer = masto.addCustomerStatus({ acct: 'maria@example.social', text: '@copydesk the croissants were stale and the staff was rude', visibility });
  issue = gh.createIssueAs(user('github-actions[bot]'), 'Feedback', '…', ['feedback']);
  await putConversation(store, conversationOf({ network: 'mastodon', id: customer.id, handle: 'maria@example.social', issue, visibility: visibility === 'private' ? 'followers' : visibility }));
}

beforeEach(async () => {
  gh = await startGitHubFake();
  seedTeam(gh);
  masto = await startMastodonFake({ token: TOKEN, now: T });
  dir = await mkdtemp(join(tmpdir(), 'copydesk-reply-masto-'));
  store = createDirStore(dir);
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  expect(masto.violations).toEqual([]);
  await gh.close();
  await masto.close();
  await rm(dir, { recursive: true, force: true });
});

const channel = () => createMastodonChannel({ instance: masto.url, token: TOKEN, timeoutMs: 5_000 });
const send = (now: Date, runId = `run-${now.getTime()}`, extra: Partial<ReplySendOptions> = {}) =>
  sendReplies({ store, channels: () => channel(), config, now: () => now, runId, dryRun: false, log: () => {}, ...extra });
const ours = () => masto.statuses.filter((s) => !s.author);

/** `writer` writes the reply, `approver` approves the exact version. Returns the reply id. */
async function approved(body: string, writer = 'ola', approver = 'piotr', when = at(0)): Promise<string> {
  const { id } = await comment(gh, store, config, user(writer), issue, body, when);
  const r = await comment(gh, store, config, user(approver), issue, approveLine(gh, `c${id}`), new Date(when.getTime() + MIN));
  expect(r.result.status).toBe('approved');
  return `c${id}`;
}

const freeze = (by: string, now: Date, terms: string[] = []) => store.update('freeze', freezeChange({ reason: 'incident: the oven fire', by, at: now, terms, tags: [], source: 'cli' }, () => {}));
const thaw = (by: string, now: Date) => store.update('thaw', thawChange({ by, at: now }, () => {}));

describe('private stays private', () => {
  test('a direct message gets a direct answer, replying to that exact status and mentioning the customer', async () => {
    await setup('direct');
    const id = await approved('/reply So sorry, Maria. Could you tell us which shop?');
    expect((await send(at(5)))[0]!.status).toBe('sent');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ visibility: 'direct', in_reply_to_id: customer.id, text: '@maria@example.social So sorry, Maria. Could you tell us which shop?' });
    expect(await readConversation(store, `mastodon:${customer.id}`)).toMatchObject({ status: 'answered', answered: { by: `reply:${id}` } });
  });

  test('a followers-only message gets a followers-only answer, never a public one', async () => {
    await setup('private');
    await approved('/reply Thank you, we will look into it.');
    await send(at(5));
    expect(ours().map((s) => s.visibility)).toEqual(['private']);
  });

  test('--off-air is one action: the direct message first, then the public "we\'ve sent you a message", both replies to the customer', async () => {
    await setup('public');
    const id = await approved('/reply --off-air Maria, we are so sorry. Please send us your order number and we will refund it.');
    const [out] = await send(at(5));
    expect(out!.status).toBe('sent');
    expect(ours().map((s) => [s.visibility, s.in_reply_to_id, s.text])).toEqual([
      ['direct', customer.id, '@maria@example.social Maria, we are so sorry. Please send us your order number and we will refund it.'],
      ['public', customer.id, `@maria@example.social ${OFF_AIR_PUBLIC_TEXT}`],
    ]);
    expect(out!.refs).toMatchObject({ direct: { id: ours()[0]!.id }, public: { id: ours()[1]!.id } });
    expect((await send(at(6)))[0]!.status).toBe('already-sent');
    expect(ours()).toHaveLength(2);
    expect((await readReplyEvents(store, id)).filter((e) => e.type === 'outcome')).toHaveLength(1);
  });
});

describe('a freeze stops replies too', () => {
  test('approved, then frozen: not sent and recorded missed; not sent after the thaw until approved again; then once', async () => {
    await setup();
    const id = await approved('/reply Sorry, Maria, we will replace it.');
    await freeze('anna', at(2));
    const [held] = await send(at(5));
    expect(held).toMatchObject({ status: 'missed' });
    expect(ours()).toHaveLength(0);
    expect((await readLedger(store)).map((e) => e.state)).toEqual(['missed']);
    await thaw('anna', at(30));
    expect((await send(at(35)))[0]).toMatchObject({ status: 'waiting', reason: expect.stringMatching(/approve it again/) });
    expect(ours()).toHaveLength(0);
    // A team member approves it again, after the thaw: a new attempt, sent once.
    await comment(gh, store, config, user('kasia'), issue, approveLine(gh, id), at(40));
    expect((await send(at(41)))[0]!.status).toBe('sent');
    expect((await send(at(42)))[0]!.status).toBe('already-sent');
    expect(ours()).toHaveLength(1);
  });

  test('a freeze stored while the publisher claims the intent wins (read inside the compare-and-swap): nothing goes out', async () => {
    await setup();
    await approved('/reply Sorry, Maria.');
    let frozeNow = false;
    const racing: StateStore = {
      ...store,
      refresh: () => store.refresh(),
      read: (p) => store.read(p),
      list: (d) => store.list(d),
      async update(m, c) {
        if (!frozeNow && m.includes('(intent')) {
          frozeNow = true;
          await freeze('ola', at(5));
        }
        return store.update(m, c);
      },
    };
    const [out] = await sendReplies({ store: racing, channels: () => channel(), config, now: () => at(5), runId: 'r', dryRun: false, log: () => {} });
    expect(frozeNow).toBe(true);
    expect(out!.status).toBe('missed');
    expect(ours()).toHaveLength(0);
  });

  test('an --incident reply during a freeze approved by someone who did not freeze is held; approved by the person who froze it is sent', async () => {
    await setup();
    await freeze('ola', at(0));
    const id = await approved('/reply --incident We are so sorry. Everyone is safe and we are closed today.', 'piotr', 'kasia', at(1));
    const [held] = await send(at(5));
    expect(held).toMatchObject({ status: 'held', reason: expect.stringMatching(/approved by whoever froze \(ola\) or the owner \(@anna\)/) });
    expect(ours()).toHaveLength(0);
    expect(await readLedger(store)).toEqual([]); // held, not missed: it waits for the right approval
    await comment(gh, store, config, user('ola'), issue, approveLine(gh, id), at(6));
    expect((await send(at(7)))[0]!.status).toBe('sent');
    expect(ours()).toHaveLength(1);
  });

  test('the owner in the roster may approve an incident reply through anyone\'s freeze; a second freeze by someone else still holds one the freezer approved', async () => {
    await setup();
    await freeze('ola', at(0));
    await approved('/reply --incident We are closed today, sorry.', 'piotr', 'anna', at(1));
    expect((await send(at(5)))[0]!.status).toBe('sent');

    const second = masto.addCustomerStatus({ acct: 'jan@example.social', text: 'are you open?' });
    issue = gh.createIssueAs(user('github-actions[bot]'), 'Feedback 2', '…', ['feedback']);
    await putConversation(store, conversationOf({ network: 'mastodon', id: second.id, handle: 'jan@example.social', issue }));
    await freeze('kasia', at(6));
    await approved('/reply --incident Closed today, Jan, sorry.', 'piotr', 'ola', at(7));
    expect((await send(at(10)))[1]).toMatchObject({ status: 'held', reason: expect.stringMatching(/ola, kasia/) });
    expect(ours()).toHaveLength(1);
  });

  test('a reply that is not marked --incident is missed during a freeze even when the freezer approves it', async () => {
    await setup();
    await freeze('ola', at(0));
    await approved('/reply Sorry!', 'piotr', 'ola', at(1));
    expect((await send(at(5)))[0]!.status).toBe('missed');
    expect(ours()).toHaveLength(0);
  });
});

describe('exactly once', () => {
  test('two overlapping sends: one status', async () => {
    await setup();
    await approved('/reply Sorry, Maria.');
    const [a, b] = await Promise.all([send(at(5), 'run-a'), send(at(5), 'run-b')]);
    expect([a[0]!.status, b[0]!.status].sort()).toContain('sent');
    await send(at(20), 'run-c');
    expect(ours()).toHaveLength(1);
  });

  test('two runners with their own clones of the git state branch, sending at the same moment: one status, one outcome', async () => {
    const f = await gitFixture(2);
    try {
      const [a, b] = f.clones.map((repoDir) => createGitStore({ repoDir, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} }));
      store = a!;
      await setup();
      const id = await approved('/reply Sorry, Maria, we will replace it.');
      const run = (s: StateStore, runId: string) => sendReplies({ store: s, channels: () => channel(), config, now: () => at(5), runId, dryRun: false, log: () => {} });
      const [ra, rb] = await Promise.all([run(a!, 'runner-a'), run(b!, 'runner-b')]);
      expect([ra[0]!.status, rb[0]!.status]).toContain('sent');
      await run(b!, 'runner-c');
      expect(ours()).toHaveLength(1);
      await b!.refresh();
      const events = await readReplyEvents(b!, id);
      expect(events.filter((e) => e.type === 'attempt')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'outcome')).toHaveLength(1);
    } finally {
      await f.cleanup();
    }
  });

  async function crash(): Promise<void> {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'reply-crash-child.ts')], {
      env: { ...process.env, FAKE_URL: masto.url, FAKE_TOKEN: TOKEN, STATE_DIR: dir, NOW: at(5).toISOString() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const signal = await new Promise((res) => child.on('exit', (_code, sig) => res(sig)));
    expect(signal, output).toBe('SIGKILL');
    expect(ours()).toHaveLength(1);
    expect((await readLedger(store)).map((e) => e.state)).toEqual(['intent']);
  }

  test('kill -9 between the intent and the result: the next run reads back, finds it, never sends twice', async () => {
    await setup();
    const id = await approved('/reply Sorry, Maria, we will replace it.');
    await crash();
    masto.now = T + 3 * 60 * MIN; // the instance's idempotency memory is gone: only the read-back saves us
    const [out] = await send(at(15));
    expect(out!.status).toBe('sent');
    expect(ours()).toHaveLength(1);
    expect((await readLedger(store)).at(-1)).toMatchObject({ state: 'sent', ref: { id: ours()[0]!.id } });
    expect(await readConversation(store, `mastodon:${customer.id}`)).toMatchObject({ answered: { by: `reply:${id}` } });
  });

  test('kill -9 on a direct answer: within the idempotency window the resend returns the same status; later, a person looks (nothing resent)', async () => {
    await setup('direct');
    await approved('/reply Sorry, Maria.');
    await crash();
    // Mastodon does not list direct statuses in the account's timeline: the read-back says absent.
    const [soon] = await send(at(15));
    expect(soon!.status).toBe('sent');
    expect(ours()).toHaveLength(1); // the same Idempotency-Key: the instance answered with the first status

    // Same crash, read back after the window: never resent blind.
    await rm(dir, { recursive: true, force: true });
    dir = await mkdtemp(join(tmpdir(), 'copydesk-reply-masto-'));
    store = createDirStore(dir);
    masto.statuses.splice(0, masto.statuses.length, customer);
    await putConversation(store, conversationOf({ network: 'mastodon', id: customer.id, handle: 'maria@example.social', issue, visibility: 'direct' }));
    await approved('/reply Sorry again, Maria.');
    await crash();
    masto.now = T + 3 * 60 * MIN;
    const [late] = await send(at(120));
    expect(late).toMatchObject({ status: 'held', action: expect.stringMatching(/direct messages/) });
    expect(ours()).toHaveLength(1);
  });
});
