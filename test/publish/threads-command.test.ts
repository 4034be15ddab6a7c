/**
 * End to end: `node scripts/copydesk.ts publish` in Actions with THREADS_ACCESS_TOKEN, against the
 * strict Threads fake, approvals from a real git history, issues from the GitHub fake. Two
 * approved Threads posts go out once each; with the token expired, the run says "renew the token"
 * once and the failures issue has ONE entry for Threads, not one per post.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startGitHubFake } from '../fakes/github-fake.ts';
import { startGitHubGitFake } from '../fakes/github-git-fake.ts';
import { startThreadsFake } from '../fakes/threads-fake.ts';
import { at } from './publisher-helpers.ts';

const CLI = join(import.meta.dirname, '../../scripts/copydesk.ts');
const SECRET = 'THAA-e2e-SECRET-threads-42';
const GH_TOKEN = 'ghs_e2eSECRETthreads9911';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

function cli(root: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', COPYDESK_ROOT: root, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function setup() {
  // Text containers are ready at once here (the CLI polls with its real 5-second pause).
  const threads = await startThreadsFake({ token: SECRET, now: at('2027-03-15T08:05:00Z'), processingPolls: 0 });
  const gh = await startGitHubFake();
  const hub = await startGitHubGitFake({ fallback: gh.baseUrl });
  cleanups.push(() => threads.close(), () => hub.close(), () => gh.close());
  hub.roles.set('alice', 'write');
  hub.roles.set('bob', 'write');
  await hub.directPush({ 'copydesk.config.yaml': `timezone: Europe/Warsaw\nchannels:\n  threads:\n    user_id: "${threads.userId}"\n    api: ${threads.url}\n` }, 'owner');
  const pr = await hub.openPull({
    author: 'alice',
    files: {
      'posts/rye.md': '---\nid: rye\npublish_at: "2027-03-15 09:00"\nchannels: [threads]\n---\nRye is out of the oven.\n---\nCome before ten.\n',
      'posts/buns.md': '---\nid: buns\npublish_at: "2027-03-15 09:01"\nchannels: [threads]\n---\nCinnamon buns at noon.\n',
    },
  });
  hub.review(pr, 'bob', 'APPROVED');
  await hub.mergePull(pr, 'merge', 'bob');
  await hub.syncCheckout();
  const env = {
    COPYDESK_NOW: '2027-03-15T08:05:00Z', GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '9101', GITHUB_REF_NAME: 'main',
    GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: hub.baseUrl, GITHUB_TOKEN: GH_TOKEN, THREADS_ACCESS_TOKEN: SECRET,
  };
  return { threads, gh, hub, root: hub.checkout, env };
}

test('copydesk publish to Threads: approved posts out once each, a thread as replies; a rerun sends nothing', async () => {
  const { threads, gh, hub, root, env } = await setup();
  const r = await cli(root, ['publish'], env);
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(r.stdout).toContain('threads: Threads as');
  expect(r.code).toBe(0);
  expect(threads.threads.map((t) => t.text)).toEqual(['Rye is out of the oven.', 'Come before ten.', 'Cinnamon buns at noon.']);
  expect(threads.threads[1]!.replyToId).toBe(threads.threads[0]!.id);
  const again = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T08:35:00Z', GITHUB_RUN_ID: '9102' });
  expect(again.code).toBe(0);
  expect(threads.threads).toHaveLength(3);
  expect(threads.violations).toEqual([]);
  expect(gh.violations).toEqual([]);
  expect(hub.violations).toEqual([]);
});

test('an expired Threads token: one "renew the token" line, one failures-issue entry for two posts', async () => {
  const { threads, gh, hub, root, env } = await setup();
  threads.expireToken();
  const r = await cli(root, ['publish'], env);
  expect(r.code).toBe(1);
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(r.stdout.split('\n').filter((l) => l.startsWith('RENEW THE TOKEN for threads'))).toHaveLength(1);
  expect(threads.threads).toEqual([]);
  // One refused request: the second post was not tried.
  expect(threads.requests).toHaveLength(1);
  const issues = [...gh.issues.values()];
  expect(issues).toHaveLength(1);
  expect(issues[0]!.title).toBe('copydesk: renew the token for threads');
  expect(issues[0]!.body.split('\n').filter((l) => l.startsWith('|') && l.includes('| threads |'))).toHaveLength(1);
  expect(issues[0]!.body).toContain('th\\_refresh\\_token');
  expect(issues[0]!.body).not.toContain(SECRET);

  // Renewed: the next run sends both and closes the issue.
  threads.renewToken();
  const next = await cli(root, ['publish'], { ...env, COPYDESK_NOW: '2027-03-15T08:35:00Z', GITHUB_RUN_ID: '9102' });
  expect(next.code).toBe(0);
  expect(threads.threads.map((t) => t.text)).toEqual(['Rye is out of the oven.', 'Come before ten.', 'Cinnamon buns at noon.']);
  expect(gh.issues.get(issues[0]!.number)!.state).toBe('closed');
  expect(threads.violations).toEqual([]);
  expect(gh.violations).toEqual([]);
  expect(hub.violations).toEqual([]);
});
