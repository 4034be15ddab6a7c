/**
 * A revoked or expired token is reported ONCE per network and run ("renew the token"), not once
 * per post: two posts due on Mastodon (token revoked on the strict Mastodon fake) and two on
 * Threads (token expired on the strict Threads fake) make one request each, one line each in the
 * run report and one entry each in the failures issue; Bluesky goes on. After the renewal the
 * posts go out on their own.
 */
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { failuresIssueBody, formatReportText, formatSummaryMarkdown } from '../../src/publish/format-report.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createThreadsChannel } from '../../src/publish/threads.ts';
import type { Network } from '../../src/post/network.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import type { MastodonFake } from '../fakes/mastodon-fake.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import type { ThreadsFake } from '../fakes/threads-fake.ts';
import { startThreadsFake } from '../fakes/threads-fake.ts';
import { at, countingNetwork, post, tempDir, testConfig } from './publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;
const M_TOKEN = 'mstdn-revoked-SECRET-111';
const T_TOKEN = 'THAA-expired-SECRET-222';
const base = testConfig();
const CONFIG = testConfig({ channels: { ...base.channels, enabled: ['bluesky', 'mastodon', 'threads'] } });

let mastodon: MastodonFake;
let threads: ThreadsFake;
let dir: string;
beforeEach(async () => {
  mastodon = await startMastodonFake({ token: M_TOKEN, now: T });
  threads = await startThreadsFake({ token: T_TOKEN, now: T });
  dir = await tempDir('token');
});
afterEach(async () => {
  await mastodon.close();
  await threads.close();
  await rm(dir, { recursive: true, force: true });
  expect(mastodon.violations).toEqual([]);
  expect(threads.violations).toEqual([]);
});

test('a refused token: one request, one line, one issue entry per network; the other network goes on; the renewal sends the rest', async () => {
  mastodon.revokeToken();
  threads.expireToken();
  const bluesky = countingNetwork('bluesky');
  const channels = (n: Network) =>
    n === 'mastodon' ? createMastodonChannel({ instance: mastodon.url, token: M_TOKEN, timeoutMs: 2000 })
    : n === 'threads' ? createThreadsChannel({ api: threads.url, userId: threads.userId, token: T_TOKEN, pollMs: 0, sleep: async () => {}, now: () => threads.now })
    : bluesky.channel();
  const posts = ['a', 'b'].map((id, i) => post({ id, at: `2027-03-15 09:0${i}`, channels: ['bluesky', 'mastodon', 'threads'], text: `Post ${id}.` }, CONFIG));
  const store = createDirStore(dir);
  const run = (now: number, runId: string) => publish({ posts, store, channels, config: CONFIG, now: () => new Date(now), runId, dryRun: false, log: () => {} });

  const report = await run(T + 5 * MIN, 'run-1');
  // Bluesky is not affected.
  expect(bluesky.delivered.map((d) => d.postId)).toEqual(['a', 'b']);
  // One refused request per network, the second post not even tried.
  expect(mastodon.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  expect(threads.requests).toHaveLength(1);
  expect(report.credentialProblems?.map((c) => [c.network, c.postId, c.notTried])).toEqual([['mastodon', 'a', ['b']], ['threads', 'a', ['b']]]);

  const text = formatReportText(report, 'Europe/Warsaw');
  for (const n of ['mastodon', 'threads']) {
    expect(text.split('\n').filter((l) => l.includes(`(${n})`) || l.includes(`for ${n}`))).toHaveLength(1);
  }
  expect(text).toMatch(/RENEW THE TOKEN for threads: .*code 190.*2 posts wait for it \(a, b\)/);
  expect(text).toContain('th_refresh_token');
  const issue = failuresIssueBody(report, 'Europe/Warsaw');
  expect(issue.split('\n').filter((l) => l.startsWith('|') && l.includes('| mastodon |'))).toHaveLength(1);
  expect(issue.split('\n').filter((l) => l.startsWith('|') && l.includes('| threads |'))).toHaveLength(1);
  for (const out of [text, issue, formatSummaryMarkdown(report, 'Europe/Warsaw', [])]) {
    expect(out).not.toContain(M_TOKEN);
    expect(out).not.toContain(T_TOKEN);
  }
  expect(report.newFailures).toBe(2);

  // The team renews the Threads token: the next run sends both posts there, on its own.
  threads.renewToken();
  const second = await run(T + 35 * MIN, 'run-2');
  expect(threads.threads.map((t) => t.text)).toEqual(['Post a.', 'Post b.']);
  // Mastodon is still revoked: again one request and one line, in this run too.
  expect(second.credentialProblems?.map((c) => c.network)).toEqual(['mastodon']);
  expect(mastodon.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
});

test('a token refused while reading back an unknown outcome: reported once, nothing resent, read back after the renewal', async () => {
  const channels = () => createThreadsChannel({ api: threads.url, userId: threads.userId, token: T_TOKEN, pollMs: 0, sleep: async () => {}, now: () => threads.now });
  const posts = ['a', 'b'].map((id, i) => post({ id, at: `2027-03-15 09:0${i}`, channels: ['threads'], text: `Post ${id}.` }, CONFIG));
  const store = createDirStore(dir);
  const run = (now: number, runId: string) => publish({ posts, store, channels, config: CONFIG, now: () => new Date(now), runId, dryRun: false, log: () => {} });
  // Both published, both answers lost: two unknown outcomes to read back.
  threads.failNextPublish({ kind: 'publish-then-close' });
  threads.failNextPublish({ kind: 'publish-then-close' });
  await run(T + 5 * MIN, 'run-1');
  expect(threads.threads).toHaveLength(2);

  threads.expireToken();
  const before = threads.requests.length;
  const second = await run(T + 35 * MIN, 'run-2');
  expect(threads.requests.length - before).toBe(1);
  expect(second.credentialProblems?.map((c) => [c.network, c.postId, c.notTried])).toEqual([['threads', 'a', ['b']]]);
  expect(formatReportText(second, 'Europe/Warsaw').split('\n').filter((l) => l.includes('threads'))).toHaveLength(1);
  // Nothing that asks a person to look was recorded: after the renewal the read-back settles it.
  threads.renewToken();
  const third = await run(T + 65 * MIN, 'run-3');
  expect(third.sent).toBe(2);
  expect(threads.threads).toHaveLength(2);
});
