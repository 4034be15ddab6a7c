/**
 * End to end: `node scripts/copydesk.ts publish` (and `plan`) as a subprocess on a throwaway
 * repository, the way a person on a fresh clone or the publish workflow runs it.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startGitHubFake } from '../fakes/github-fake.ts';
import { startGitHubGitFake } from '../fakes/github-git-fake.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import { at, git, gitFixture, reviewedCheckout, tempDir } from './publisher-helpers.ts';

const CLI = join(import.meta.dirname, '../../scripts/copydesk.ts');
const SECRET = 'mstdn-e2e-SECRET-0a1b2c3d';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

function cli(root: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', COPYDESK_ROOT: root, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function repo(root: string): Promise<void> {
  await mkdir(join(root, 'posts'), { recursive: true });
  await writeFile(join(root, 'copydesk.config.yaml'), ['timezone: Europe/Warsaw', 'channels:', '  bluesky:', '    identifier: shop.bsky.social', '  mastodon:', '    instance: https://mastodon.example', 'publish:', '  max_lateness_minutes: 120', ''].join('\n'));
  await writeFile(join(root, 'posts/thread.md'), '---\nid: thread\npublish_at: "2027-03-15 09:00"\nchannels: [bluesky, mastodon]\n---\nRye is out of the oven.\n---\nCome before ten.\n');
  await writeFile(join(root, 'posts/later.md'), '---\nid: later\npublish_at: "2027-03-16 09:00"\nchannels: [mastodon]\n---\nTomorrow: buns.\n');
  await writeFile(join(root, 'posts/old.md'), '---\nid: old\npublish_at: "2027-03-15 05:00"\nchannels: [mastodon]\n---\nToo late now.\n');
}

describe('copydesk publish (subprocess)', () => {
  test('a fresh clone without credentials publishes to the outbox, once', async () => {
    const root = await tempDir('e2e');
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await repo(root);
    const summary = join(root, 'summary.md');
    const env = { COPYDESK_NOW: '2027-03-15T08:05:00Z', GITHUB_STEP_SUMMARY: summary };

    const first = await cli(root, ['publish'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('mastodon: outbox (no credentials for mastodon; writing to outbox/mastodon/ instead)');
    expect(first.stdout).toContain('approval: not checked (outbox only');
    expect(first.stdout).toMatch(/2 sent, 0 already sent, 1 missed/);
    expect((await readdir(join(root, 'outbox/mastodon'))).sort()).toEqual(['thread.0.json', 'thread.0.txt', 'thread.1.json', 'thread.1.txt']);
    const part2 = JSON.parse(await readFile(join(root, 'outbox/mastodon/thread.1.json'), 'utf8'));
    expect(part2).toMatchObject({ text: 'Come before ten.', inReplyTo: 'mastodon/thread.0', scheduledAt: '2027-03-15T08:00:00.000Z' });
    expect(await readFile(join(root, 'outbox/bluesky/thread.0.txt'), 'utf8')).toContain('Rye is out of the oven.');
    const lastRun = JSON.parse(await readFile(join(root, '.copydesk/state/runs/last-run.json'), 'utf8'));
    expect(lastRun.counts).toEqual({ sent: 2, alreadySent: 0, missed: 1, expired: 0, held: 0, failed: 0 });
    expect(await readFile(join(root, '.copydesk/state/runs/last-success.json'), 'utf8')).toBe(JSON.stringify(lastRun, null, 2) + '\n');
    const md = await readFile(summary, 'utf8');
    expect(md).toContain('| sent | `thread` (posts/thread.md) | mastodon |');
    expect(md).toContain('| missed | `old` (posts/old.md) | mastodon |');

    const second = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T08:10:00Z' });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 sent, 2 already sent, 1 missed/);
    expect(await readdir(join(root, 'outbox/mastodon'))).toHaveLength(4);

    const plan = await cli(root, ['plan', '--format', 'json'], { COPYDESK_NOW: '2027-03-15T08:10:00Z' });
    const decisions = JSON.parse(plan.stdout).decisions.map((d: { postId: string; network: string; kind: string }) => `${d.postId}/${d.network}/${d.kind}`);
    expect(decisions).toEqual(['old/mastodon/missed', 'thread/bluesky/sent', 'thread/mastodon/sent', 'later/mastodon/wait']);
    const human = await cli(root, ['plan'], { COPYDESK_NOW: '2027-03-15T08:10:00Z' });
    expect(human.stdout).toContain('2027-03-16 09:00 Europe/Warsaw (UTC+01:00), in 23 h 50 min · later (posts/later.md)');
  });

  test('in GitHub Actions: state on the branch, no outbox, missing secrets named, the token never printed', async () => {
    const f = await gitFixture(1);
    cleanups.push(f.cleanup);
    const root = f.clones[0]!;
    await repo(root);
    await git(root, 'add', '-A');
    await git(root, 'commit', '-q', '-m', 'posts');
    const env = { COPYDESK_NOW: '2027-03-15T08:05:00Z', GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '4242', MASTODON_TOKEN: SECRET };

    const dry = await cli(root, ['publish', '--dry-run'], env);
    expect(dry.code).toBe(0);
    await expect(git(f.remote, 'rev-parse', '--verify', '--quiet', 'copydesk-state')).rejects.toThrow();

    const r = await cli(root, ['publish'], env);
    expect(r.code).toBe(0);
    const all = r.stdout + r.stderr + dry.stdout + dry.stderr;
    expect(all).not.toContain(SECRET);
    expect(r.stdout).toContain('state in git branch copydesk-state on origin');
    expect(r.stdout).toContain('no credentials for bluesky: add the secret BLUESKY_APP_PASSWORD to the publish environment');
    // Mastodon has a token, but no approval can be checked without GITHUB_TOKEN: held, not sent.
    expect(r.stdout).toMatch(/thread \(mastodon\).*approval cannot be checked/);
    await expect(readdir(join(root, 'outbox'))).rejects.toThrow();
    expect(await git(root, 'status', '--porcelain')).toBe('');
    const files = (await git(f.remote, 'ls-tree', '-r', '--name-only', 'copydesk-state')).trim().split('\n');
    expect(files).toEqual(['ledger/old.jsonl', 'runs/last-run.json', 'runs/last-success.json']);
    expect(JSON.parse(await git(f.remote, 'show', 'copydesk-state:runs/last-run.json'))).toMatchObject({ runId: '4242', counts: { held: 2, missed: 1, sent: 0 } });
  });

  test('in Actions with secrets: the approved post goes out once, the unapproved one opens the failures issue, then it closes', async () => {
    const GH_TOKEN = 'ghs_e2eSECRETtoken5566';
    const mastodon = await startMastodonFake({ token: SECRET, now: at('2027-03-15T08:05:00Z') });
    const gh = await startGitHubFake();
    // GitHub over a real git history: approvals are read from it, everything else (issues) from gh.
    const hub = await startGitHubGitFake({ fallback: gh.baseUrl });
    cleanups.push(() => mastodon.close(), () => hub.close(), () => gh.close());
    hub.roles.set('alice', 'write');
    hub.roles.set('bob', 'write');
    const approved = '---\nid: approved\npublish_at: "2027-03-15 09:00"\nchannels: [mastodon]\n---\nReviewed and approved: rye today.\n';
    const direct = '---\nid: direct\npublish_at: "2027-03-15 09:00"\nchannels: [mastodon]\n---\nPushed without review.\n';
    // One post through a reviewed PR, one pushed straight to main.
    await hub.directPush({ 'copydesk.config.yaml': `timezone: Europe/Warsaw\nchannels:\n  mastodon:\n    instance: ${mastodon.url}\n` }, 'owner');
    const pr = await hub.openPull({ author: 'alice', files: { 'posts/approved.md': approved } });
    hub.review(pr, 'bob', 'APPROVED');
    await hub.mergePull(pr, 'merge', 'bob');
    await hub.directPush({ 'posts/direct.md': direct }, 'alice');
    await hub.syncCheckout();
    const root = hub.checkout;
    const f = { remote: hub.origin };
    const env = {
      COPYDESK_NOW: '2027-03-15T08:05:00Z', GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '9001', GITHUB_REF_NAME: 'main',
      GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: hub.baseUrl, GITHUB_TOKEN: GH_TOKEN, MASTODON_TOKEN: SECRET,
    };

    const r = await cli(root, ['publish'], env);
    const printed = r.stdout + r.stderr;
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain(GH_TOKEN);
    expect(r.code).toBe(0);
    expect(mastodon.statuses.map((s) => s.text)).toEqual(['Reviewed and approved: rye today.']);
    expect(mastodon.violations).toEqual([]);
    const issues = [...gh.issues.values()];
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ state: 'open', labels: ['copydesk-failure'] });
    expect(issues[0]!.body).toContain('<!-- copydesk:publish-failures -->');
    expect(issues[0]!.body).toMatch(/`direct` \(posts\/direct\.md\) \| mastodon \|.*\| .*pull request/);
    expect(JSON.stringify(await git(f.remote, 'show', 'copydesk-state:ledger/approved.jsonl'))).toContain('\\"state\\":\\"sent\\"');

    // The team removes the unreviewed post: the next run sends nothing again and closes the issue.
    await rm(join(root, 'posts/direct.md'));
    const again = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T08:10:00Z', GITHUB_RUN_ID: '9002' });
    expect(again.code).toBe(0);
    expect(mastodon.statuses).toHaveLength(1);
    expect(gh.issues.get(issues[0]!.number)!.state).toBe('closed');
    expect(gh.violations).toEqual([]);
    expect(hub.violations).toEqual([]);
  });

  test('the state branch rewritten under the publisher (force push, deletion): nothing is sent again, one issue says so', async () => {
    const GH_TOKEN = 'ghs_e2eSECRETtoken7788';
    const mastodon = await startMastodonFake({ token: SECRET, now: at('2027-03-15T08:05:00Z') });
    const gh = await startGitHubFake();
    // GitHub over a real git history (approvals), issues from gh.
    const hub = await startGitHubGitFake({ fallback: gh.baseUrl });
    cleanups.push(() => mastodon.close(), () => hub.close(), () => gh.close());
    const approved = '---\nid: approved\npublish_at: "2027-03-15 09:00"\nchannels: [mastodon]\n---\nReviewed and approved: rye today.\n';
    await reviewedCheckout(hub, mastodon.url, { 'posts/approved.md': approved });
    const root = hub.checkout;
    const f = { remote: hub.origin };
    // A second clone: whoever force-pushes the state branch.
    const other = await mkdtemp(join(tmpdir(), 'copydesk-other-'));
    cleanups.push(() => rm(other, { recursive: true, force: true }));
    await git(tmpdir(), 'clone', '-q', hub.origin, other);
    await git(other, 'config', 'user.email', 'mallory@example.com');
    await git(other, 'config', 'user.name', 'mallory');
    const env = {
      COPYDESK_NOW: '2027-03-15T08:05:00Z', GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '7001', GITHUB_REF_NAME: 'main',
      GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: hub.baseUrl, GITHUB_TOKEN: GH_TOKEN, MASTODON_TOKEN: SECRET,
    };
    expect((await cli(root, ['publish'], env)).code).toBe(0);
    expect(mastodon.statuses).toHaveLength(1);

    // Someone force-pushes the state branch to an unrelated history without the ledger.
    await git(other, 'checkout', '-q', '--orphan', 'blank');
    await git(other, 'commit', '-q', '--allow-empty', '-m', 'fresh start');
    await git(other, 'push', '-q', '--force', 'origin', 'blank:copydesk-state');
    // Two hours on: the instance no longer remembers the Idempotency-Key.
    mastodon.now = at('2027-03-15T10:05:00Z');
    const run2 = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T08:10:00Z', GITHUB_RUN_ID: '7002' });
    expect(run2.code).toBe(1);
    expect(mastodon.statuses).toHaveLength(1);
    expect(run2.stderr).toMatch(/history was rewritten.*Nothing was sent or written/);
    expect(run2.stdout + run2.stderr).not.toContain(GH_TOKEN);
    let issues = [...gh.issues.values()].filter((i) => i.body.includes('<!-- copydesk:state-rewritten -->'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ state: 'open', title: 'copydesk: the state branch was rewritten; publishing is stopped' });
    expect(issues[0]!.body).toMatch(/git fetch origin refs\/copydesk\/tips\/copydesk-state/);
    // Nothing was written onto the rewritten branch either.
    expect((await git(f.remote, 'log', '--format=%s', 'copydesk-state')).trim()).toBe('fresh start');

    // Then the branch is deleted: still nothing sent, the same issue (one, not one per tick).
    await git(other, 'push', '-q', 'origin', ':copydesk-state');
    const run3 = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T08:15:00Z', GITHUB_RUN_ID: '7003' });
    expect(run3.code).toBe(1);
    expect(run3.stderr).toMatch(/was deleted/);
    expect(mastodon.statuses).toHaveLength(1);
    issues = [...gh.issues.values()].filter((i) => i.body.includes('<!-- copydesk:state-rewritten -->'));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toMatch(/\*\*deleted\*\*/);
    await expect(git(f.remote, 'rev-parse', '--verify', '--quiet', 'refs/heads/copydesk-state')).rejects.toThrow();

    // A person puts back what copydesk wrote (the command from the issue): publishing resumes, nothing twice.
    await git(other, 'fetch', '-q', 'origin', 'refs/copydesk/tips/copydesk-state');
    await git(other, 'push', '-q', '--force', 'origin', 'FETCH_HEAD:refs/heads/copydesk-state');
    const run4 = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T08:20:00Z', GITHUB_RUN_ID: '7004' });
    expect(run4.code).toBe(0);
    expect(run4.stdout).toMatch(/0 sent, 1 already sent/);
    expect(mastodon.statuses).toHaveLength(1);
    expect(mastodon.violations).toEqual([]);
    expect(gh.violations).toEqual([]);
  });

  test('an idle tick in Actions writes nothing to the state branch and asks GitHub nothing', async () => {
    const gh = await startGitHubFake();
    const f = await gitFixture(1);
    cleanups.push(f.cleanup, () => gh.close());
    const root = f.clones[0]!;
    await repo(root);
    await git(root, 'add', '-A');
    await git(root, 'commit', '-q', '-m', 'posts');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_REF_NAME: 'main', GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl, GITHUB_TOKEN: 'ghs_idleTickToken0000' };
    const tip = () => git(f.remote, 'rev-parse', 'copydesk-state');

    // The first tick has news (a missed post, two held parts): it records the run.
    const first = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T08:07:00Z', GITHUB_RUN_ID: '5001' });
    expect(first.code).toBe(0);
    const recorded = await tip();
    const requestsAfterFirst = gh.requests.length;

    // The next ticks find nothing new: no commit, no API call.
    for (const [i, now] of ['2027-03-15T08:37:00Z', '2027-03-15T09:07:00Z'].entries()) {
      const idle = await cli(root, ['publish'], { ...env, COPYDESK_NOW: now, GITHUB_RUN_ID: String(5002 + i) });
      expect(idle.code).toBe(0);
      expect(idle.stdout).toContain('idle run: nothing new to record');
    }
    expect(await tip()).toBe(recorded);
    expect(gh.requests.slice(requestsAfterFirst)).toEqual([]);
    expect(JSON.parse(await git(f.remote, 'show', 'copydesk-state:runs/last-run.json'))).toMatchObject({ runId: '5001' });

    // Something new (the held post's time passes the lateness limit: missed) is recorded again.
    const later = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T12:07:00Z', GITHUB_RUN_ID: '5009' });
    expect(later.code).toBe(0);
    expect(await tip()).not.toBe(recorded);
    expect(gh.violations).toEqual([]);
  });

  test('bad arguments are one line and exit 2', async () => {
    const root = await tempDir('e2e-args');
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const r = await cli(root, ['publish', '--dry-run', '--retry', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('copydesk publish: --retry cannot be combined with --dry-run (a retry writes to the ledger)\n');
    const unknown = await cli(root, ['publish', '--retry', 'no-such-post']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no post with id "no-such-post"');
  });
});
