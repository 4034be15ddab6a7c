/**
 * `copydesk inbox comment` and `copydesk inbox send` end to end, as the feedback and publish
 * workflows run them: the event file GitHub writes, the strict GitHub fake, the local state folder,
 * and (no credentials, not in Actions) the outbox. Also the workflow files' shape and their bill.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { inboxCommand } from '../../src/feedback/inbox-command.ts';
import { monthBill, workflowBilling } from '../../src/minutes/actions-minutes.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { startGitHubFake, type FakeUser, type GitHubFake } from '../fakes/github-fake.ts';
import { context, tempRepo } from '../helpers/crisis-repo.ts';
import { conversationOf, GH_TOKEN, putConversation, seedTeam, user } from './reply-helpers.ts';

let gh: GitHubFake;
let root: string;
let cleanup: () => Promise<void>;
let issue: number;
const NOW = '2027-03-15T08:00:00Z';

beforeEach(async () => {
  gh = await startGitHubFake();
  seedTeam(gh);
  ({ root, cleanup } = await tempRepo({}));
  issue = gh.createIssueAs(user('github-actions[bot]'), 'Feedback', '…', ['feedback']);
  await putConversation(createDirStore(join(root, '.copydesk/state')), conversationOf({ network: 'mastodon', id: '110000000000000099', handle: 'maria@example.social', issue }));
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
  await cleanup();
});

/** Runs `copydesk inbox comment` for a comment `who` writes now, with the payload GitHub sends. */
async function deliver(who: FakeUser, body: string): Promise<{ code: number; out: string; output: string }> {
  const id = gh.commentAs(who, issue, body);
  const c = gh.comments.find((x) => x.id === id)!;
  const payload = { action: 'created', issue: { number: issue, labels: [{ name: 'feedback' }] }, comment: { id, body: c.body, user: { login: who.login, type: who.type } }, sender: { login: who.login, type: who.type } };
  const eventPath = join(root, '..', `event-${id}.json`);
  const outputPath = join(root, '..', `output-${id}.txt`);
  await writeFile(eventPath, JSON.stringify(payload));
  await writeFile(outputPath, '');
  const run = context(root, NOW, { GITHUB_TOKEN: GH_TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl, GITHUB_EVENT_PATH: eventPath, GITHUB_OUTPUT: outputPath });
  const code = await inboxCommand(['comment', '--from-event'], run.ctx);
  return { code, out: run.out() + run.err(), output: await readFile(outputPath, 'utf8') };
}

test('a /reply, a stranger\'s /approve (nothing), a team member\'s /approve (publisher started), then `inbox send` writes the reply to the outbox once', async () => {
  const draft = await deliver(user('ola'), '/reply Sorry, Maria! Come by, the coffee is on us.');
  expect(draft.code).toBe(0);
  const hash = /drafted \(c\d+ ([0-9a-f]{12})\)/.exec(draft.out)?.[1];
  expect(hash, draft.out).toBeTruthy();

  const stranger = await deliver(user('stranger'), `/approve ${hash}`);
  expect(stranger.out).toMatch(/ignored: stranger has no write access/);
  expect(stranger.output).toBe('');

  const ok = await deliver(user('piotr'), `/approve ${hash}`);
  expect(ok.out).toMatch(/^approved/m);
  expect(ok.output).toBe('approved=true\n');

  const env = { GITHUB_TOKEN: GH_TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl };
  const dry = context(root, '2027-03-15T08:04:00Z', env);
  expect(await inboxCommand(['send', '--dry-run'], dry.ctx)).toBe(0);
  expect(dry.out()).toMatch(/reply c\d+: would-send/);
  await expect(readdir(join(root, 'outbox'))).rejects.toThrow();
  const send = context(root, '2027-03-15T08:05:00Z', env);
  expect(await inboxCommand(['send'], send.ctx)).toBe(0);
  expect(send.out()).toMatch(/reply c\d+: sent/);
  const json = (await readdir(join(root, 'outbox/mastodon'))).filter((f) => f.endsWith('.json'));
  expect(json).toHaveLength(1);
  const files = await readFile(join(root, 'outbox/mastodon', json[0]!), 'utf8');
  expect(JSON.parse(files)).toMatchObject({ inReplyTo: '110000000000000099', visibility: 'public', text: '@maria@example.social Sorry, Maria! Come by, the coffee is on us.' });

  const again = context(root, '2027-03-15T08:35:00Z', env);
  expect(await inboxCommand(['send'], again.ctx)).toBe(0);
  expect(again.out()).toBe('inbox: no reply to send\n');
});

test('in Actions, `inbox send` refuses to run without the token that re-reads the /reply comments', async () => {
  const run = context(root, NOW, { GITHUB_ACTIONS: 'true' });
  expect(await inboxCommand(['send'], run.ctx)).toBe(1);
  expect(run.err()).toMatch(/needs GITHUB_TOKEN and GITHUB_REPOSITORY; nothing sent/);
});

const workflow = async (f: string) => parseYaml(await readFile(join(import.meta.dirname, '../../.github/workflows', f), 'utf8'));

test('the feedback workflow: least privilege, no secrets, untrusted text only through the event file, the publisher started after an approval', async () => {
  const text = await readFile(join(import.meta.dirname, '../../.github/workflows/feedback.yml'), 'utf8');
  const wf = await workflow('feedback.yml');
  expect(wf.on).toEqual({ issue_comment: { types: ['created', 'edited', 'deleted'] } });
  expect(wf.permissions).toEqual({});
  expect(wf.jobs.command.permissions).toEqual({ actions: 'write', contents: 'write', issues: 'write' });
  expect(text).not.toMatch(/\$\{\{\s*secrets\./);
  expect(text).not.toMatch(/\$\{\{\s*github\.event\.comment\.body\s*\}\}/); // only in `if:`, never in a script
  for (const s of wf.jobs.command.steps) if (s.run) expect(s.run).not.toMatch(/github\.event/);
  expect(wf.jobs.command.if).toMatch(/pull_request == null/);
  expect(wf.jobs.command.steps.at(-1).run).toMatch(/gh workflow run publish\.yml/);
  const publish = await workflow('publish.yml');
  const step = publish.jobs.publish.steps.find((s: { name?: string }) => s.name === 'Send approved replies');
  expect(step.run).toMatch(/inbox send/);
  expect(step.if).toBe('${{ !cancelled() }}');
});

test('the bill: one run per inbox command, one publisher run per approval, nothing for other comments', async () => {
  const feedback = workflowBilling('feedback.yml', await workflow('feedback.yml'), { pages: false });
  const from = Date.UTC(2027, 3, 1);
  const until = Date.UTC(2027, 4, 1);
  const idle = monthBill([feedback], { postPullRequests: 0, recordingPublishRuns: 0 }, from, until, {});
  expect(idle.total).toBe(0);
  const busy = monthBill([feedback], { postPullRequests: 0, recordingPublishRuns: 0, commandComments: 60, inboxApprovals: 30 }, from, until, {});
  expect(busy.workflows.find((w) => w.file === 'feedback.yml')!.runs).toBe(60);
  expect(busy.workflows).toHaveLength(1); // publish.yml is billed from its own file; here only the dispatch count matters
});

test('a reply file (`reply_to:` in posts/) passes the check, is never published as a post, and `inbox send` sends it once as a reply', async () => {
  const { writeFiles } = await import('../helpers/crisis-repo.ts');
  const { checkCommand } = await import('../../src/check/check-command.ts');
  const { publishCommand } = await import('../../src/publish/publish-command.ts');
  await writeFiles(root, { 'posts/reply-maria.md': '---\nid: reply-maria\nchannels: [mastodon]\nreply_to: "mastodon:110000000000000099"\n---\nSorry, Maria. The next loaf is on us.\n' });
  const check = context(root, NOW);
  expect(await checkCommand(['posts/reply-maria.md'], check.ctx), check.out() + check.err()).toBe(0);

  const pub = context(root, '2027-03-15T08:05:00Z');
  await publishCommand([], pub.ctx);
  expect(pub.out()).not.toMatch(/reply-maria/);

  const send = context(root, '2027-03-15T08:05:00Z');
  expect(await inboxCommand(['send'], send.ctx)).toBe(0);
  expect(send.out()).toMatch(/reply p\.reply-maria: sent/);
  const json = (await readdir(join(root, 'outbox/mastodon'))).filter((f) => f.endsWith('.json'));
  expect(json).toHaveLength(1);
  expect(JSON.parse(await readFile(join(root, 'outbox/mastodon', json[0]!), 'utf8'))).toMatchObject({ inReplyTo: '110000000000000099', text: '@maria@example.social Sorry, Maria. The next loaf is on us.' });
  const again = context(root, '2027-03-15T08:35:00Z');
  await inboxCommand(['send'], again.ctx);
  expect((await readdir(join(root, 'outbox/mastodon'))).filter((f) => f.endsWith('.json'))).toHaveLength(1);
});

test('reply_to is validated by the one parser: one network, the conversation\'s, one part, no media, a readable target', async () => {
  const { parsePost } = await import('../../src/post/parse-post.ts');
  const { defaultConfig } = await import('../../src/config/config.ts');
  const config = { ...defaultConfig(), channels: { ...defaultConfig().channels, enabled: ['bluesky', 'mastodon'] as ('bluesky' | 'mastodon')[] } };
  const parse = (fm: string, body = 'Sorry!') => parsePost({ file: 'posts/r.md', root: '/repo', bytes: new TextEncoder().encode(`---\nid: r\n${fm}\n---\n${body}\n`), config });
  expect(parse('channels: [mastodon]\nreply_to: "mastodon:1100"')).toMatchObject({ ok: true, post: { replyTo: 'mastodon:1100' } });
  expect(parse('channels: [bluesky]\nreply_to: "https://bsky.app/profile/maria.test/post/3k"')).toMatchObject({ ok: true });
  const messages = (r: ReturnType<typeof parse>) => r.problems.map((p) => `${p.line}: ${p.message}`).join('\n');
  expect(messages(parse('channels: [bluesky, mastodon]\nreply_to: "mastodon:1100"'))).toMatch(/3: a reply goes to one network, the conversation's \(mastodon\)/);
  expect(messages(parse('channels: [bluesky]\nreply_to: "mastodon:1100"'))).toMatch(/must list exactly that one/);
  expect(messages(parse('channels: [mastodon]\nreply_to: "javascript:alert(1)"'))).toMatch(/4: `reply_to` "javascript:alert\(1\)" is neither/);
  expect(messages(parse('channels: [mastodon]\nreply_to: "mastodon:1100"', 'one\n---\ntwo'))).toMatch(/a reply is one message/);
  expect(messages(parse('channels: [mastodon]'))).toMatch(/`publish_at` is missing/);
});
