/**
 * The morning re-read against the strict GitHub fake and a real git state store (a bare remote and
 * two clones, as two overlapping publisher runs on two runners would have).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import { rereadCommand } from '../../src/reread/reread-command.ts';
import { claimChange } from '../../src/reread/reread-record.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import { localInstant, rereadToday } from '../../src/reread/reread.ts';
import { describeHold } from '../../src/freeze/freeze-match.ts';
import { freezeMatcher } from '../../src/schedule/freeze-match.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { context, postFile, TEST_CONFIG, writeFiles } from '../helpers/crisis-repo.ts';
import { git, gitFixture } from '../publish/publisher-helpers.ts';

const TOKEN = 'ghs_FAKErereadToken000000000000000';
const CONFIG = `${TEST_CONFIG}repository: acme/social
roster:
  - {name: Anna Nowak, role: owner, github: anna-nowak}
  - {name: Piotr, role: schedule, github: piotr}
  - {name: Ola, role: member}
reread:
  time: "07:30"
`;

let gh: GitHubFake;
let fx: Awaited<ReturnType<typeof gitFixture>>;

beforeEach(async () => {
  gh = await startGitHubFake();
  fx = await gitFixture(2);
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
  await fx.cleanup();
});

const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl, GITHUB_SERVER_URL: 'https://github.com', COPYDESK_STATE: 'git', COPYDESK_SITE_URL: 'https://acme.github.io', COPYDESK_BASE: '/social' });
const POSTS = {
  'posts/rye.md': postFile({ id: 'rye', publish_at: '2027-03-15 09:00', tags: ['menu'] }, 'Rye is back 🍞 @someone #bakery\n::: mastodon\nRye is back 🍞 #bakery #fediverse\n:::'),
  'posts/hours.md': postFile({ id: 'hours', publish_at: '2027-03-15 16:00', channels: ['mastodon'] }, 'Open until 18:00 today.', 'See you!'),
  'posts/tomorrow.md': postFile({ id: 'tomorrow', publish_at: '2027-03-16 09:00' }, 'Tomorrow.'),
};
async function setUp(clone: string, posts: Record<string, string> = POSTS) {
  await writeFiles(clone, { 'copydesk.config.yaml': CONFIG, ...posts });
}
async function reread(clone: string, now: string, extra: Record<string, string> = {}) {
  const run = context(clone, now, { ...env(), ...extra });
  const code = await rereadCommand([], run.ctx);
  return { code, out: run.out(), err: run.err() };
}
const rereadIssues = () => [...gh.issues.values()].filter((i) => i.body.includes('<!-- copydesk:reread:'));
const writes = () => gh.requests.filter((r) => r.method !== 'GET').length;

describe('copydesk reread', () => {
  it('two overlapping ticks open one issue, with every post of the day, the links and the roster', async () => {
    const [a, b] = fx.clones as [string, string];
    await setUp(a);
    await setUp(b);
    // 07:37 Warsaw (CET, UTC+1) is the first tick at or after 07:30.
    const [ra, rb] = await Promise.all([reread(a, '2027-03-15T06:37:00Z', { GITHUB_RUN_ID: '1' }), reread(b, '2027-03-15T06:37:05Z', { GITHUB_RUN_ID: '2' })]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(rereadIssues()).toHaveLength(1);
    const issue = rereadIssues()[0]!;
    expect(issue.state).toBe('open');
    expect(issue.labels).toEqual(['copydesk-reread']);
    expect(issue.title).toBe("Re-read today's posts: 2027-03-15 (2 posts)");
    expect(issue.body.startsWith('<!-- copydesk:reread:2027-03-15 -->\n')).toBe(true);
    expect(issue.body).toContain('@anna-nowak @piotr: please read today\'s 2 posts');
    expect(issue.body).toContain('Nothing here is sent');
    expect(issue.body).not.toContain('tomorrow');
    // Full text, per network when it differs, fenced (the post's @someone mentions nobody).
    expect(issue.body).toContain('### 09:00 · `rye` · bluesky, mastodon');
    expect(issue.body).toContain('On bluesky:\n\n```text\nRye is back 🍞 @someone #bakery\n```');
    expect(issue.body).toContain('On mastodon:\n\n```text\nRye is back 🍞 #bakery #fediverse\n```');
    expect(issue.body).toContain('### 16:00 · `hours` · mastodon');
    expect(issue.body).toContain('Part 2 of 2:\n\n```text\nSee you!\n```');
    // One-tap links: the freeze form, the same form pre-filled to hold one post, the post's page.
    expect(issue.body).toContain('[Freeze everything](https://github.com/acme/social/issues/new?template=freeze.yml&title=Freeze%3A+morning+re-read+2027-03-15');
    expect(issue.body).toContain('[Hold this post](https://github.com/acme/social/issues/new?template=freeze.yml&title=Freeze%3A+hold+rye&reason=');
    expect(issue.body).toContain('&terms=id%3Arye)');
    expect(issue.body).toContain('[Its page](https://acme.github.io/social/posts/rye/)');
    // Both runs agree on the record in the state branch.
    await git(a, 'fetch', '-q', 'origin', 'copydesk-state');
    const rec = JSON.parse(await git(a, 'show', 'origin/copydesk-state:reread/2027-03-15.json'));
    expect(rec).toMatchObject({ date: '2027-03-15', issue: issue.number });
    expect([ra.out, rb.out].join('')).toMatch(/Another run is opening the re-read issue|is up to date/);
  });

  it('a run that finds another run\'s fresh claim opens nothing; a claim left by a run that died is taken over', async () => {
    const [a, b] = fx.clones as [string, string];
    await setUp(a);
    await setUp(b);
    // Run 1 claimed the opening a minute ago and is about to create the issue (or died doing so).
    const other = createGitStore({ repoDir: b, branch: 'copydesk-state', remote: 'origin' });
    await other.update('reread: claim', claimChange('2027-03-15', 'run-1', Date.parse('2027-03-15T06:37:00Z')));
    const waiting = await reread(a, '2027-03-15T06:38:00Z', { GITHUB_RUN_ID: '2' });
    expect(waiting.code).toBe(0);
    expect(waiting.out).toContain('Another run is opening the re-read issue of 2027-03-15');
    expect(gh.requests).toEqual([]);
    // Half an hour later the claim is stale (run 1 never recorded an issue): the next tick opens it.
    const next = await reread(a, '2027-03-15T07:07:00Z', { GITHUB_RUN_ID: '3' });
    expect(next.code).toBe(0);
    expect(rereadIssues()).toHaveLength(1);
  });

  it('a run that died after creating the issue but before recording it: the next run finds it by its marker', async () => {
    const [a] = fx.clones as [string];
    await setUp(a);
    await reread(a, '2027-03-15T06:37:00Z');
    // Forget the record, as if the run had been killed right after GitHub created the issue.
    await git(a, 'fetch', '-q', 'origin', 'copydesk-state');
    const store = createGitStore({ repoDir: a, branch: 'copydesk-state', remote: 'origin' });
    await store.update('forget', async () => ({ 'reread/2027-03-15.json': JSON.stringify({ date: '2027-03-15', claimedBy: 'dead', claimedAt: '2027-03-15T06:00:00Z' }) }));
    await reread(a, '2027-03-15T07:07:00Z');
    expect(rereadIssues()).toHaveLength(1);
  });

  it('a tick with nothing new makes no GitHub call; a changed post edits the issue in place', async () => {
    const [a] = fx.clones as [string];
    await setUp(a);
    expect((await reread(a, '2027-03-15T06:37:00Z')).code).toBe(0);
    const number = rereadIssues()[0]!.number;
    const before = gh.requests.length;
    const idle = await reread(a, '2027-03-15T07:07:00Z');
    expect(idle.out).toContain(`Re-read issue #${number} is up to date.`);
    expect(gh.requests.length).toBe(before);

    await writeFile(join(a, 'posts/hours.md'), postFile({ id: 'hours', publish_at: '2027-03-15 17:00', channels: ['mastodon'] }, 'Open until 19:00 today.'));
    const changed = await reread(a, '2027-03-15T07:37:00Z');
    expect(changed.code).toBe(0);
    expect(rereadIssues()).toHaveLength(1);
    const issue = rereadIssues()[0]!;
    expect(issue.number).toBe(number);
    expect(issue.body).toContain('### 17:00 · `hours` · mastodon');
    expect(issue.body).toContain('Open until 19:00 today.');
    expect(issue.body).not.toContain('16:00');
  });

  it('closes after the day\'s last post, with a comment, and never opens that day again', async () => {
    const [a] = fx.clones as [string];
    await setUp(a);
    await reread(a, '2027-03-15T06:37:00Z');
    const issue = rereadIssues()[0]!;
    // 16:00 Warsaw = 15:00Z: the 15:07Z tick sends the last post; the re-read has nothing left to ask.
    const late = await reread(a, '2027-03-15T15:07:00Z');
    expect(late.code).toBe(0);
    expect(issue.state).toBe('closed');
    expect(gh.comments.filter((c) => c.issue === issue.number).map((c) => c.body)).toEqual(['The posts of 2027-03-15 are out (or the day is over): closing the re-read.']);
    const w = writes();
    await reread(a, '2027-03-15T15:37:00Z');
    expect(writes()).toBe(w);
    expect(rereadIssues()).toHaveLength(1);
  });

  it('closes yesterday\'s issue at the next day\'s opening and opens the new day\'s', async () => {
    const [a] = fx.clones as [string];
    await setUp(a);
    await reread(a, '2027-03-15T06:37:00Z');
    const first = rereadIssues()[0]!;
    await reread(a, '2027-03-16T06:37:00Z');
    expect(first.state).toBe('closed');
    const second = rereadIssues().find((i) => i.number !== first.number)!;
    expect(second).toMatchObject({ state: 'open', title: "Re-read today's posts: 2027-03-16 (1 post)" });
  });

  it('a day with no posts opens nothing and makes no request; before the time neither', async () => {
    const [a] = fx.clones as [string];
    await setUp(a, { 'posts/later.md': postFile({ id: 'later', publish_at: '2027-03-20 09:00' }, 'Later.') });
    const r = await reread(a, '2027-03-15T06:37:00Z');
    expect(r.code).toBe(0);
    expect(r.out).toContain('no post is scheduled on 2027-03-15');
    await setUp(a);
    const early = await reread(a, '2027-03-15T06:07:00Z');
    expect(early.out).toContain('the re-read opens at 07:30 Europe/Warsaw');
    expect(gh.requests).toEqual([]);
    // Nothing was written to the state branch either.
    expect(await git(fx.remote, 'branch', '--list', 'copydesk-state')).toBe('');
  });

  it('says first when publishing is frozen, and edits the issue when a freeze begins', async () => {
    const [a] = fx.clones as [string];
    await setUp(a);
    await reread(a, '2027-03-15T06:37:00Z');
    expect(rereadIssues()[0]!.body).not.toContain('Publishing is frozen');
    const store = createGitStore({ repoDir: a, branch: 'copydesk-state', remote: 'origin' });
    await store.update('freeze', async () => ({ 'freeze.json': JSON.stringify({ active: [{ id: 'issue-9', reason: 'Flooding in town', by: 'anna-nowak', since: '2027-03-15T06:50:00Z', terms: ['id:rye'], tags: [], source: 'issue', issue: 9 }] }) }));
    await reread(a, '2027-03-15T07:07:00Z');
    expect(rereadIssues()).toHaveLength(1);
    expect(rereadIssues()[0]!.body).toContain('> [!WARNING]\n> Publishing is frozen: holds the post rye, since 2027');
  });

  it('GitHub failing to create the issue: exit 2 with what to do, and a later tick opens it', async () => {
    const [a] = fx.clones as [string];
    await setUp(a);
    gh.failures.push({ method: 'POST', path: /\/issues$/, status: 502 });
    const failed = await reread(a, '2027-03-15T06:37:00Z');
    expect(failed.code).toBe(2);
    expect(failed.out).toMatch(/Creating issue "Re-read today's posts: 2027-03-15 \(2 posts\)"/);
    expect(rereadIssues()).toEqual([]);
    const next = await reread(a, '2027-03-15T07:07:00Z');
    expect(next.code).toBe(0);
    expect(rereadIssues()).toHaveLength(1);
  });

  it('the real CLI, as the workflow step runs it, opens the issue', async () => {
    const [a] = fx.clones as [string];
    await setUp(a);
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'copydesk.ts'), 'reread'], { cwd: a, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env(), COPYDESK_ROOT: a, COPYDESK_NOW: '2027-03-15T06:37:00Z' } }, (err, out) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: out }));
    });
    expect(stdout).toContain("Opened issue #1: Re-read today's posts: 2027-03-15 (2 posts)");
    expect(code).toBe(0);
    expect(rereadIssues()).toHaveLength(1);
  });

  it('--dry-run prints the issue and touches nothing; without a token it says what is missing', async () => {
    const [a] = fx.clones as [string];
    await setUp(a);
    const run = context(a, '2027-03-15T06:37:00Z', {});
    expect(await rereadCommand(['--dry-run'], run.ctx)).toBe(0);
    expect(run.out()).toContain("# Re-read today's posts: 2027-03-15 (2 posts)");
    const none = context(a, '2027-03-15T06:37:00Z', {});
    expect(await rereadCommand([], none.ctx)).toBe(2);
    expect(none.err()).toContain('GITHUB_TOKEN');
    expect(gh.requests).toEqual([]);
  });
});

describe('the re-read in the team zone', () => {
  const config = (yaml = 'timezone: Europe/Warsaw\nreread:\n  time: "07:30"\n') => {
    const r = parseConfig(yaml);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.config;
  };
  const post = (id: string, at: string) => {
    const r = parsePost({ file: `posts/${id}.md`, root: '/repo', bytes: new TextEncoder().encode(`---\nid: ${id}\npublish_at: "${at}"\nchannels: [bluesky]\n---\nHello.\n`), config: config() });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.post;
  };

  it('opens at 07:30 local on both sides of the spring DST change, with local times', () => {
    const c = config();
    // Saturday 27 March 2027: CET (UTC+1), 07:30 = 06:30Z. Sunday 28 March: CEST (UTC+2), 07:30 = 05:30Z.
    expect(new Date(localInstant('2027-03-27', '07:30', 'Europe/Warsaw')).toISOString()).toBe('2027-03-27T06:30:00.000Z');
    expect(new Date(localInstant('2027-03-28', '07:30', 'Europe/Warsaw')).toISOString()).toBe('2027-03-28T05:30:00.000Z');
    const posts = [post('sat', '2027-03-27 09:00'), post('sun', '2027-03-28 09:00')];
    const at = (iso: string) => rereadToday({ now: Date.parse(iso), config: c, posts, links: {} });
    expect(at('2027-03-27T06:07:00Z').kind).toBe('none');
    expect(at('2027-03-27T06:37:00Z')).toMatchObject({ kind: 'open', date: '2027-03-27', items: [{ id: 'sat', localTime: '09:00' }] });
    expect(at('2027-03-28T05:07:00Z').kind).toBe('none');
    const sunday = at('2027-03-28T05:37:00Z');
    expect(sunday).toMatchObject({ kind: 'open', date: '2027-03-28', items: [{ id: 'sun', localTime: '09:00' }] });
    if (sunday.kind === 'open') expect(sunday.body).toContain('(times in Europe/Warsaw)');
    // A time the clocks skip is read an hour later; on the autumn night it happens twice, the first.
    expect(new Date(localInstant('2027-03-28', '02:30', 'Europe/Warsaw')).toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(new Date(localInstant('2027-10-31', '02:30', 'Europe/Warsaw')).toISOString()).toBe('2027-10-31T00:30:00.000Z');
  });

  it('a post of the local day just after midnight UTC belongs to the local day, not the UTC one', () => {
    const c = config('timezone: America/New_York\n');
    const posts = [post('evening', '2027-03-15T20:30:00-04:00')];
    // 20:30 New York on 15 March is 00:30Z on the 16th: still the 15th's list.
    expect(rereadToday({ now: Date.parse('2027-03-15T12:00:00Z'), config: c, posts, links: {} })).toMatchObject({ kind: 'open', date: '2027-03-15' });
  });

  it('reads reread: from the config and refuses a bad time at its line', () => {
    expect(defaultConfig().reread).toEqual({ enabled: true, time: '07:30' });
    expect(config('reread: false\n').reread.enabled).toBe(false);
    const bad = parseConfig('timezone: UTC\nreread:\n  time: 7.30\n');
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]).toMatchObject({ line: 3, ruleId: 'config', message: expect.stringContaining('`reread.time` must be a local time like "07:30"') });
  });

  it('the hold link\'s `id:` term holds exactly that post', () => {
    const m = freezeMatcher({ id: 'issue-1', reason: 'x', by: 'anna', since: '2027-03-15T06:40:00Z', terms: ['id:rye'], tags: [], source: 'issue' });
    expect(m(post('rye', '2027-03-15 09:00'))).toBe(true);
    expect(m(post('rye-2', '2027-03-15 09:00'))).toBe(false);
    expect(describeHold({ terms: ['id:rye', 'flood'], tags: [] })).toBe('the post `rye`, and posts mentioning "flood"');
  });
});
