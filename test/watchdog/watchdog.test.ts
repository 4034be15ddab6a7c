/**
 * The watchdog against the strict GitHub fake (issues, comments, labels) with the workflows fake in
 * front of it (workflow state), and `copydesk status` on a state folder.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freezeCommand } from '../../src/freeze/freeze-command.ts';
import { statusCommand } from '../../src/status/status-command.ts';
import { watchdogCommand } from '../../src/watchdog/watchdog-command.ts';
import { recordEvents } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { startWorkflowsFake, type GitHubWorkflowsFake } from '../fakes/github-workflows-fake.ts';
import { context, tempRepo } from '../helpers/crisis-repo.ts';

const TOKEN = 'ghs_FAKEwatchdogToken00000000000000';
let gh: GitHubFake;
let front: GitHubWorkflowsFake;
let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  gh = await startGitHubFake();
  front = await startWorkflowsFake({ upstream: gh.baseUrl, owner: gh.owner, repo: gh.repo });
  ({ root, cleanup } = await tempRepo({}));
});

afterEach(async () => {
  expect(gh.violations).toEqual([]);
  expect(front.violations).toEqual([]);
  await front.close();
  await gh.close();
  await cleanup();
});

const store = () => createDirStore(join(root, '.copydesk/state'));
const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: front.baseUrl, GITHUB_SERVER_URL: 'https://github.com' });

async function lastSuccess(at: string, runId = '7001') {
  await store().update('test', async () => ({ 'runs/last-success.json': JSON.stringify({ at, runId, counts: { sent: 2, alreadySent: 0, missed: 1, expired: 0, held: 0, failed: 0 } }) }));
}

const watchdogIssues = () => [...gh.issues.values()].filter((i) => i.body.includes('<!-- copydesk:watchdog -->'));

async function watchdog(now: string) {
  const run = context(root, now, env());
  const code = await watchdogCommand([], run.ctx);
  return { code, out: run.out(), err: run.err() };
}

describe('copydesk watchdog', () => {
  it('no successful run for over an hour: opens one labelled issue, updates it on the next check, closes it when runs succeed', async () => {
    await lastSuccess('2027-03-15T06:00:00Z');
    const first = await watchdog('2027-03-15T07:30:00Z');
    expect(first.code).toBe(1);
    expect(watchdogIssues()).toHaveLength(1);
    const issue = watchdogIssues()[0]!;
    expect(issue.state).toBe('open');
    expect(issue.labels).toEqual(['copydesk-watchdog']);
    expect(issue.title).toBe('copydesk: no successful publisher run for over 60 minutes');
    expect(issue.body).toContain('Last success: 2027-03-15 07:00 Europe/Warsaw (UTC+01:00) (1 h 30 min ago), run [7001](https://github.com/acme/social/actions/runs/7001): sent 2, missed 1');

    const second = await watchdog('2027-03-15T08:30:00Z');
    expect(second.code).toBe(1);
    expect(watchdogIssues()).toHaveLength(1);
    expect(watchdogIssues()[0]!.body).toContain('(2 h 30 min ago)');

    await lastSuccess('2027-03-15T09:20:00Z', '7002');
    const healthy = await watchdog('2027-03-15T09:30:00Z');
    expect(healthy.code).toBe(0);
    expect(healthy.out).toContain('Publisher healthy.');
    expect(watchdogIssues()[0]!.state).toBe('closed');
    expect(gh.comments.filter((c) => c.issue === issue.number).map((c) => c.body)[0]).toContain('The publisher is healthy again.');
  });

  it('no run ever recorded: opens the issue saying so and what to check', async () => {
    const r = await watchdog('2027-03-15T07:30:00Z');
    expect(r.code).toBe(1);
    expect(watchdogIssues()[0]!.body).toContain('The publisher has never recorded a successful run (GitHub lists no successful run of `publish.yml`, and `runs/last-success.json` is missing from the state branch).');
  });

  it('idle publisher runs write nothing: the heartbeat is the newest successful run GitHub lists, not the stale record', async () => {
    // The record is from yesterday's last send; every tick since was idle (and wrote nothing).
    await lastSuccess('2027-03-14T12:00:00Z', '6000');
    front.runs.set('publish.yml', [
      { id: 7100, status: 'completed', conclusion: 'success', created_at: '2027-03-15T11:07:00Z', updated_at: '2027-03-15T11:08:10Z' },
      { id: 7101, status: 'completed', conclusion: 'failure', created_at: '2027-03-15T11:37:00Z', updated_at: '2027-03-15T11:38:00Z' },
    ]);
    const healthy = await watchdog('2027-03-15T11:50:00Z');
    expect(healthy.code).toBe(0);
    expect(healthy.out).toContain('run [7100](https://github.com/acme/social/actions/runs/7100)');
    expect(front.handled.map((h) => h.path)).toContain('/repos/acme/social/actions/workflows/publish.yml/runs');

    // Runs keep failing: the last success (from GitHub) ages past the limit.
    const stale = await watchdog('2027-03-15T12:30:00Z');
    expect(stale.code).toBe(1);
    expect(watchdogIssues()[0]!.body).toContain('Last success: 2027-03-15 12:08 Europe/Warsaw (UTC+01:00) (1 h 22 min ago), run [7100]');
  });

  it('a fresh record with no open issue: healthy, nothing written', async () => {
    await lastSuccess('2027-03-15T07:20:00Z');
    const r = await watchdog('2027-03-15T07:30:00Z');
    expect(r.code).toBe(0);
    expect(r.out).toContain('No open issue for watchdog; nothing to close.');
    expect(gh.writes()).toEqual([]);
  });

  it('publish workflow disabled by GitHub after 60 days of inactivity: opens the issue with how to re-enable it, even with a fresh record', async () => {
    await lastSuccess('2027-03-15T07:20:00Z');
    front.workflows.set('publish.yml', 'disabled_inactivity');
    const r = await watchdog('2027-03-15T07:30:00Z');
    expect(r.code).toBe(1);
    const issue = watchdogIssues()[0]!;
    expect(issue.title).toBe('copydesk: the publish workflow is not running (disabled inactivity)');
    expect(issue.body).toContain('schedules stop after 60 days without activity');
    expect(issue.body).toContain('"Enable workflow" (or `gh workflow enable publish.yml`)');
    expect(front.handled.map((h) => h.path)).toContain('/repos/acme/social/actions/workflows/publish.yml');

    front.workflows.set('publish.yml', 'disabled_manually');
    await watchdog('2027-03-15T08:30:00Z');
    expect(watchdogIssues()).toHaveLength(1);
    expect(watchdogIssues()[0]!.body).toContain('Someone disabled the `publish.yml` workflow by hand');
    expect(watchdogIssues()[0]!.body).toContain('prefer `copydesk freeze`');

    front.workflows.set('publish.yml', 'active');
    await lastSuccess('2027-03-15T09:25:00Z');
    expect((await watchdog('2027-03-15T09:30:00Z')).code).toBe(0);
    expect(watchdogIssues()[0]!.state).toBe('closed');
  });

  it('without a token it says what to set; --dry-run prints the verdict only', async () => {
    const run = context(root, '2027-03-15T07:30:00Z');
    expect(await watchdogCommand([], run.ctx)).toBe(2);
    expect(run.err()).toContain('no token: set GITHUB_TOKEN');
    const dry = context(root, '2027-03-15T07:30:00Z');
    expect(await watchdogCommand(['--dry-run'], dry.ctx)).toBe(1);
    expect(dry.out()).toContain('UNHEALTHY: copydesk: no successful publisher run');
    expect(gh.requests).toEqual([]);
  });
});

describe('copydesk status', () => {
  it('shows the freeze (reason, who, since), the last successful run and how long ago, open failures and the next quiet period', async () => {
    await lastSuccess('2027-03-15T06:50:00Z', '7001');
    await recordEvents(store(), [
      { at: '2027-03-15T06:45:00Z', postId: 'menu', network: 'mastodon', part: 0, state: 'failed', via: 'mastodon', runId: '7000', error: 'the access token was revoked', action: 'Create a new token and update MASTODON_TOKEN.' },
      { at: '2027-03-15T06:46:00Z', postId: 'ok', network: 'bluesky', part: 0, state: 'sent', via: 'bluesky', runId: '7000', ref: { id: 'x' } },
    ], 'test');
    expect(await freezeCommand(['--reason', 'Flooding in town', '--tag', 'promo'], context(root, '2027-03-15T07:00:00Z', { GITHUB_ACTOR: 'ola' }).ctx)).toBe(0);

    const run = context(root, '2027-03-15T07:30:00Z', { GITHUB_REPOSITORY: 'acme/social' });
    expect(await statusCommand([], run.ctx)).toBe(0);
    const text = run.out();
    expect(text).toContain('Freeze:     FROZEN (1 active)');
    expect(text).toContain('holds posts tagged `promo`; by ola since 2027-03-15 08:00 Europe/Warsaw (UTC+01:00) (30 min ago); reason: Flooding in town');
    expect(text).toContain('Publisher:  last successful run: 2027-03-15 07:50 Europe/Warsaw (UTC+01:00) (40 min ago), run 7001 https://github.com/acme/social/actions/runs/7001: sent 2, missed 1');
    expect(text).toContain('Failures:   1 open');
    expect(text).toContain('menu on mastodon, part 1, 2027-03-15 07:45 Europe/Warsaw (UTC+01:00) (45 min ago): failed: the access token was revoked. Do: Create a new token and update MASTODON_TOKEN.');
    expect(text).toContain('Quiet:      next quiet period: Christmas closure, 2027-12-24 00:00 Europe/Warsaw (UTC+01:00) to 2027-12-27 00:00 Europe/Warsaw (UTC+01:00)');

    const inQuiet = context(root, '2027-12-25T10:00:00Z');
    await statusCommand([], inQuiet.ctx);
    expect(inQuiet.out()).toContain('Quiet:      IN a quiet period now: Christmas closure, until 2027-12-27 00:00 Europe/Warsaw (UTC+01:00)');
  });
});
