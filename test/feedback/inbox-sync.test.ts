/**
 * `copydesk inbox sync` and the feedback workflow against the strict GitHub fake, with the
 * conversations on a real git state branch pushed to a local bare remote: one issue per
 * conversation, created once and updated in place across runs; closed when answered; the overdue
 * mention exactly once with two overlapping runs; commands from a team member applied and a
 * stranger's ignored without a word; the bot's own comment never retriggers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Conversation } from '../../src/feedback/conversation.ts';
import { readInboxEvents } from '../../src/feedback/conversation-store.ts';
import { inboxCommand } from '../../src/feedback/inbox-command.ts';
import { syncInbox } from '../../src/feedback/inbox-sync.ts';
import { githubFromEnv } from '../../src/github/github-env.ts';
import { openStateStore } from '../../src/state/open-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { clonesWithOrigin, context, TEST_CONFIG } from '../helpers/crisis-repo.ts';
import { evaluateIf } from '../freeze/workflow-if.ts';
import { conversation, getConversation, message, putConversations } from './conversations.ts';

const TOKEN = 'ghs_FAKEtokenForInboxSync0123456789abcdef';
const WORKFLOW = parseYaml(await readFile(join(import.meta.dirname, '../../.github/workflows/feedback.yml'), 'utf8')) as { jobs: { command: { if: string } } };
const CONFIG = `${TEST_CONFIG}roster:
  - {name: Anna Nowak, role: owner, github: anna-nowak}
  - {name: Piotr Zieliński, role: backup, github: piotr-z}
  - {name: Ola Wiśniewska, role: schedule, github: ola}
feedback:
  business_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00"}
  first_response_hours: 2
`;

let gh: GitHubFake;
let roots: string[];
let cleanup: () => Promise<void>;

beforeEach(async () => {
  gh = await startGitHubFake();
  gh.roles.set('ola', 'write');
  gh.roles.set('stranger', 'none');
  gh.roles.set('triager', 'triage');
  ({ clones: roots, cleanup } = await clonesWithOrigin(2, { 'copydesk.config.yaml': CONFIG }));
});

afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
  await cleanup();
});

const ENV = () => ({ COPYDESK_STATE: 'git', GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl });

async function store(i = 0): Promise<StateStore> {
  return openStateStore(context(roots[i]!, new Date(), ENV()).ctx);
}

async function sync(now: string, i = 0): Promise<{ code: number; out: string; err: string }> {
  const run = context(roots[i]!, now, ENV());
  const code = await inboxCommand(['sync'], run.ctx);
  return { code, out: run.out(), err: run.err() };
}

// Wednesday 10 March 2027, 10:00 in Warsaw (CET, UTC+1).
const WED_10 = Date.parse('2027-03-10T09:00:00Z');
const issuesPosted = () => gh.requests.filter((r) => r.method === 'POST' && r.path === '/repos/acme/social/issues');
const commentsOn = (n: number) => gh.comments.filter((c) => c.issue === n);

describe('inbox sync: one issue per conversation', () => {
  it('opens the issue once, updates it in place on every run, closes it when answered', async () => {
    const c = conversation([message('The croissants were stale and the staff was rude. Never again.', { at: WED_10, handle: 'maria@mastodon.example', name: 'Maria' })]);
    await putConversations(await store(), [c]);

    const first = await sync('2027-03-10T09:30:00Z');
    expect(first.code, first.err).toBe(0);
    expect(issuesPosted()).toHaveLength(1);
    const [issue] = [...gh.issues.values()];
    expect(issue!.labels).toEqual(['feedback']);
    expect(issue!.title).toBe('🔴 negative · maria@mastodon.example on Mastodon: The croissants were stale and the staff was rude. Never aga…');
    expect(issue!.body).toContain('Time left: 1 h 30 min** of 2 h');
    expect(issue!.body).toContain('The croissants were stale');
    expect(issue!.body).toContain('[original](https://mastodon.example/@maria/');
    expect(issue!.body).toContain('| **Visibility** | public |');
    expect((await getConversation(await store(), c.id)).issue).toBe(issue!.number);
    expect((await getConversation(await store(), c.id)).tone.level).toBe('negative');

    // Two more ticks, from the other clone: the same issue, edited in place; no second issue.
    await sync('2027-03-10T10:00:00Z', 1);
    await sync('2027-03-10T10:30:00Z', 1);
    expect(issuesPosted()).toHaveLength(1);
    expect(gh.issues.size).toBe(1);
    expect(issue!.body).toContain('Time left: 30 min** of 2 h');

    // The collector saw the team's reply on the network: closed, and then left alone.
    const s = await store();
    await s.update('test: answered', async (read) => {
      const cur = JSON.parse((await read(`feedback/conversations/${encodeURIComponent(c.id)}.json`))!) as Conversation;
      return { [`feedback/conversations/${encodeURIComponent(c.id)}.json`]: JSON.stringify({ ...cur, status: 'answered', answered: { at: Date.parse('2027-03-10T10:40:00Z'), by: 'network' } }) };
    });
    await sync('2027-03-10T11:00:00Z');
    expect(issue!.state).toBe('closed');
    expect(issue!.state_reason).toBe('completed');
    expect(issue!.body).toContain('✅ answered');
    const writes = gh.writes().length;
    await sync('2027-03-10T11:30:00Z', 1);
    expect(gh.writes().length).toBe(writes); // a closed, unchanged conversation costs no API write
  });

  it('a run that dies after opening the issue (before recording it) never makes a second one', async () => {
    const c = conversation([message('Where is my order?', { at: WED_10 })]);
    await putConversations(await store(), [c]);
    const loaded = await loadConfig(roots[0]!);
    if (!loaded.ok) throw new Error('config');
    const s = await store();
    const dying: StateStore = { ...s, refresh: () => s.refresh(), read: (p) => s.read(p), list: (d) => s.list(d), update: () => Promise.reject(new Error('killed')) };
    const client = githubFromEnv(ENV());
    if (!client.ok) throw new Error(client.error);
    await expect(syncInbox({ store: dying, gh: client, config: loaded.config, now: WED_10 + 60_000 })).rejects.toThrow('killed');
    expect(gh.issues.size).toBe(1);
    const again = await sync('2027-03-10T09:30:00Z');
    expect(again.code, again.err).toBe(0);
    expect(issuesPosted()).toHaveLength(1);
    expect((await getConversation(await store(), c.id)).issue).toBe([...gh.issues.keys()][0]);
  });

  it('a private message on a public repository: no words, no handle, only that it arrived and the link', async () => {
    const secret = 'My card number is on the receipt, and I am allergic to sesame';
    const c = conversation([message(secret, { at: WED_10, handle: 'quiet.person@mastodon.example', name: 'Quiet Person', visibility: 'direct' })]);
    await putConversations(await store(), [c]);
    // Even with private_repository in the config: GitHub says this repository is public.
    await writeFile(join(roots[0]!, 'copydesk.config.yaml'), `${CONFIG}  private_repository: true\n`);
    const r = await sync('2027-03-10T09:30:00Z');
    expect(r.code, r.err).toBe(0);
    const [issue] = [...gh.issues.values()];
    for (const leaked of ['card number', 'sesame', 'quiet.person', 'Quiet Person']) {
      expect(issue!.body).not.toContain(leaked);
      expect(issue!.title).not.toContain(leaked);
    }
    expect(issue!.title).toBe('🚨 urgent · private message on Mastodon');
    expect(issue!.body).toContain('A private message arrived');
    expect(issue!.body).toContain("[the account's notifications on Mastodon](https://mastodon.example/notifications)");
    // Made private (and configured so): the words are shown on the next sync.
    gh.repoPrivate = true;
    await sync('2027-03-10T10:00:00Z');
    expect(issue!.body).toContain('allergic to sesame');
  });

  it('hostile words cannot mention, link, close the fence or forge a marker', async () => {
    const evil = 'hi @anna-nowak ```\n<!-- copydesk:feedback:000000000000000000000000 --> [click](javascript:alert(1)) <img src=x>';
    const c = conversation([message(evil, { at: WED_10, handle: '@evil`x@mastodon.example' })]);
    await putConversations(await store(), [c]);
    await sync('2027-03-10T09:30:00Z');
    const [issue] = [...gh.issues.values()];
    expect(issue!.body).not.toContain('copydesk:feedback:000000000000000000000000');
    expect(issue!.body).toContain('````text\nhi @anna-nowak ```'); // inside a longer fence: inert
    expect(issue!.body.match(/<!-- copydesk:/g)).toHaveLength(1);
  });
});

describe('inbox sync: the overdue mention', () => {
  it('mentions the owner and backup exactly once, with two runs overlapping', async () => {
    const c = conversation([message('Still waiting for an answer about my refund', { at: WED_10 })]);
    await putConversations(await store(), [c]);
    await sync('2027-03-10T09:30:00Z'); // opens the issue, 1 h 30 min left
    const number = [...gh.issues.keys()][0]!;
    expect(commentsOn(number)).toHaveLength(0);

    // 12:30 in Warsaw: overdue. Two publisher runs at once, from two machines.
    const [a, b] = await Promise.all([sync('2027-03-10T11:30:00Z', 0), sync('2027-03-10T11:31:00Z', 1)]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    const mentions = commentsOn(number).filter((x) => x.body.includes('@anna-nowak'));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]!.body).toContain('@anna-nowak and @piotr-z');
    expect(mentions[0]!.body).not.toContain('@ola');
    expect(gh.issues.get(number)!.body).toContain('Overdue');

    // Later runs: still overdue, never mentioned again.
    await sync('2027-03-10T12:00:00Z', 1);
    await sync('2027-03-11T08:00:00Z', 0);
    expect(commentsOn(number).filter((x) => x.body.includes('@anna-nowak'))).toHaveLength(1);
    const events = await readInboxEvents(await store());
    expect(events.filter((e) => e.kind === 'overdue-notified')).toHaveLength(1);
  });

  it('a run killed after its claim (kill -9): a later run takes the stale claim over and mentions once', async () => {
    const c = conversation([message('Hello, anyone there?', { at: WED_10 })]);
    await putConversations(await store(), [c]);
    await sync('2027-03-10T09:30:00Z');
    const number = [...gh.issues.keys()][0]!;
    const loaded = await loadConfig(roots[0]!);
    const client = githubFromEnv(ENV());
    if (!loaded.ok || !client.ok) throw new Error('setup');
    const dies = () => Promise.reject(new Error('killed'));
    await expect(syncInbox({ store: await store(), gh: client, config: loaded.config, now: Date.parse('2027-03-10T12:00:00Z'), afterClaim: dies })).rejects.toThrow('killed');
    const mentions = () => commentsOn(number).filter((x) => x.body.includes('@anna-nowak'));
    expect(mentions()).toHaveLength(0);
    expect((await getConversation(await store(), c.id)).overdueNotifiedAt).toBe(Date.parse('2027-03-10T12:00:00Z'));
    // The next tick (10 minutes on) leaves the fresh claim alone: its run might still be alive.
    await sync('2027-03-10T12:10:00Z', 1);
    expect(mentions()).toHaveLength(0);
    // Past STALE_CLAIM_MS: two runs at once take it over; one mentions.
    await Promise.all([sync('2027-03-10T12:30:00Z', 0), sync('2027-03-10T12:30:30Z', 1)]);
    expect(mentions()).toHaveLength(1);
    expect((await getConversation(await store(), c.id)).overdueCommentedAt).toBeDefined();
  });

  it('a run killed after commenting but before confirming: the take-over finds its comment and posts none', async () => {
    const c = conversation([message('Hello?', { at: WED_10 })]);
    await putConversations(await store(), [c]);
    await sync('2027-03-10T09:30:00Z');
    await sync('2027-03-10T12:00:00Z');
    const number = [...gh.issues.keys()][0]!;
    const mentions = () => commentsOn(number).filter((x) => x.body.includes('@anna-nowak'));
    expect(mentions()).toHaveLength(1);
    // As if the run died right after its comment: the confirmation never reached the store.
    const s = await store();
    const path = `feedback/conversations/${encodeURIComponent(c.id)}.json`;
    await s.update('test: lose the confirmation', async (read) => {
      const { overdueCommentedAt: _x, ...rest } = JSON.parse((await read(path))!) as Conversation;
      return { [path]: JSON.stringify(rest) };
    });
    const r = await sync('2027-03-10T12:30:00Z', 1);
    expect(r.out).toContain('already there');
    expect(mentions()).toHaveLength(1);
    expect((await getConversation(await store(), c.id)).overdueCommentedAt).toBe(Date.parse('2027-03-10T12:30:00Z'));
  });

  it('a failed comment gives the claim back: the next run mentions them', async () => {
    const c = conversation([message('Hello?', { at: WED_10 })]);
    await putConversations(await store(), [c]);
    await sync('2027-03-10T09:30:00Z');
    const number = [...gh.issues.keys()][0]!;
    gh.failures.push({ method: 'POST', path: /\/issues\/\d+\/comments$/, status: 502 });
    const failed = await sync('2027-03-10T12:00:00Z');
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('the next run tries again');
    expect((await getConversation(await store(), c.id)).overdueNotifiedAt).toBeUndefined();
    await sync('2027-03-10T12:30:00Z');
    expect(commentsOn(number).filter((x) => x.body.includes('@anna-nowak'))).toHaveLength(1);
  });
});

describe('commands on the issue (feedback workflow)', () => {
  interface Delivery { started: boolean; code?: number; out?: string; err?: string }

  /** Delivers an issue_comment event as GitHub would: the job `if:`, then the command. */
  async function deliver(number: number, login: string, type: 'User' | 'Bot', body: string, at: string): Promise<Delivery> {
    const payload = {
      action: 'created',
      issue: { ...gh.issuePayload(number), author_association: 'NONE' },
      comment: { id: 1, body, user: { login, type }, author_association: 'NONE' },
      repository: { full_name: 'acme/social', private: false },
      sender: { login, type },
    };
    if (!evaluateIf(WORKFLOW.jobs.command.if, { github: { event_name: 'issue_comment', event: payload } })) return { started: false };
    const path = join(roots[0]!, '..', `comment-${Date.parse(at)}.json`);
    await writeFile(path, JSON.stringify(payload));
    const run = context(roots[0]!, at, { ...ENV(), GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: path });
    const code = await inboxCommand(['comment', '--from-event'], run.ctx);
    return { started: true, code, out: run.out(), err: run.err() };
  }

  async function openOne(text = 'The bread was stale'): Promise<{ c: Conversation; number: number }> {
    const c = conversation([message(text, { at: WED_10 })]);
    await putConversations(await store(), [c]);
    await sync('2027-03-10T09:30:00Z');
    return { c, number: [...gh.issues.keys()][0]! };
  }

  it('a team member sets the tone; the bot answers; the bot\'s own comment does not retrigger', async () => {
    const { c, number } = await openOne();
    const r = await deliver(number, 'ola', 'User', '/tone urgent customer says her child was sick', '2027-03-10T09:40:00Z');
    expect(r).toMatchObject({ started: true, code: 0 });
    const saved = await getConversation(await store(), c.id);
    expect(saved.tone).toMatchObject({ level: 'urgent', override: { by: 'ola', reason: 'customer says her child was sick' } });
    expect(gh.issues.get(number)!.title).toMatch(/^🚨 urgent/);
    const answers = commentsOn(number);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.user.type).toBe('Bot');

    // GitHub delivers the bot's comment as an issue_comment event too: no runner starts.
    const echo = await deliver(number, answers[0]!.user.login, 'Bot', answers[0]!.body, '2027-03-10T09:41:00Z');
    expect(echo.started).toBe(false);
    // Even a bot comment that starts with "/" is skipped by the job's if.
    expect((await deliver(number, 'github-actions[bot]', 'Bot', '/reopen', '2027-03-10T09:42:00Z')).started).toBe(false);
    expect(commentsOn(number)).toHaveLength(1);

    // The sync keeps the person's tone.
    await sync('2027-03-10T10:00:00Z');
    expect((await getConversation(await store(), c.id)).tone.level).toBe('urgent');
  });

  it('a stranger\'s /no-reply-needed (and a triager\'s) changes nothing and gets no answer', async () => {
    const { c, number } = await openOne();
    const before = await getConversation(await store(), c.id);
    const writes = gh.writes().length;
    for (const who of ['stranger', 'triager', 'nobody-at-all']) {
      const r = await deliver(number, who, 'User', '/no-reply-needed spam', '2027-03-10T09:40:00Z');
      expect(r).toMatchObject({ started: true, code: 0 });
      expect(r.out).toContain('Nothing to do');
    }
    expect(gh.writes().length).toBe(writes); // no comment, no reaction, no edit
    expect(gh.issues.get(number)!.state).toBe('open');
    expect(await getConversation(await store(), c.id)).toEqual(before);
  });

  it('/no-reply-needed closes it with the reason; /reopen restarts the clock; ordinary comments start no runner', async () => {
    const { c, number } = await openOne();
    expect((await deliver(number, 'ola', 'User', 'I will call her this afternoon', '2027-03-10T09:35:00Z')).started).toBe(false);
    expect((await deliver(number, 'ola', 'User', '/no-reply-needed', '2027-03-10T09:39:00Z')).code).toBe(0);
    expect(commentsOn(number).at(-1)!.body).toContain('Write it as `/no-reply-needed <reason>');
    await deliver(number, 'ola', 'User', '/no-reply-needed spam bot, same text on 40 accounts', '2027-03-10T09:40:00Z');
    let saved = await getConversation(await store(), c.id);
    expect(saved).toMatchObject({ status: 'no-reply-needed', noReplyNeeded: { by: 'ola', reason: 'spam bot, same text on 40 accounts' } });
    expect(gh.issues.get(number)).toMatchObject({ state: 'closed', state_reason: 'not_planned' });

    await deliver(number, 'ola', 'User', '/reopen', '2027-03-10T13:00:00Z'); // 14:00 in Warsaw
    saved = await getConversation(await store(), c.id);
    expect(saved.status).toBe('open');
    expect(saved.reopenedAt).toBe(Date.parse('2027-03-10T13:00:00Z'));
    expect(gh.issues.get(number)!.state).toBe('open');
    expect(gh.issues.get(number)!.body).toContain('Time left: 2 h** of 2 h');
    const kinds = (await readInboxEvents(await store())).map((e) => `${e.kind}:${e.by}`);
    expect(kinds).toEqual(['no-reply-needed:ola', 'reopen:ola']);
  });
});
