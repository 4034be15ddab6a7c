/**
 * Accounts that never lapse: the daily watchdog opens ONE issue per credential whose token expires
 * within the notice days (against the strict GitHub fake), updates it in place, names the owner
 * and backup, and closes it when `rotated` moves forward. Tokens that never expire get none.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { credentialExpiry } from '../../src/config/credential-lifetime.ts';
import { statusCommand } from '../../src/status/status-command.ts';
import { watchdogCommand } from '../../src/watchdog/watchdog-command.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { startWorkflowsFake, type GitHubWorkflowsFake } from '../fakes/github-workflows-fake.ts';
import { context, TEST_CONFIG, tempRepo, writeFiles } from '../helpers/crisis-repo.ts';

const TOKEN = 'ghs_FAKEwatchdogToken00000000000000';
const register = (threadsRotated: string, extra = '') => `${TEST_CONFIG}
roster:
  - name: Anna Nowak
    role: owner
    github: anna-bakes
  - name: Piotr Zieliński
    role: backup
    github: piotr-z
credentials:
  - account: "@bakery.bsky.social"
    network: bluesky
    owner: Anna Nowak
    backup: Piotr Zieliński
    secret: BLUESKY_APP_PASSWORD
    rotated: "2026-01-01"
    revoke: delete the app password
  - account: "@littleoven"
    network: threads
    owner: Anna Nowak (schedule owner)
    backup: Piotr Zieliński
    secret: THREADS_ACCESS_TOKEN
    rotated: "${threadsRotated}"
    revoke: "Meta app dashboard → remove the app's access"
${extra}`;

let gh: GitHubFake;
let front: GitHubWorkflowsFake;
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  gh = await startGitHubFake();
  front = await startWorkflowsFake({ upstream: gh.baseUrl, owner: gh.owner, repo: gh.repo });
  ({ root, cleanup } = await tempRepo({}, register('2027-01-20')));
  await createDirStore(join(root, '.copydesk/state')).update('test', async () => ({ 'runs/last-success.json': JSON.stringify({ at: '2027-03-15T10:50:00Z', runId: '7001', counts: { sent: 0, alreadySent: 0, missed: 0, expired: 0, held: 0, failed: 0 } }) }));
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  expect(front.violations).toEqual([]);
  await front.close();
  await gh.close();
  await cleanup();
});

const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: front.baseUrl, GITHUB_SERVER_URL: 'https://github.com' });
const credentialIssues = () => [...gh.issues.values()].filter((i) => i.body.includes('<!-- copydesk:credential-expiry:'));
async function watchdog(now: string) {
  const run = context(root, now, env());
  const code = await watchdogCommand([], run.ctx);
  return { code, out: run.out(), err: run.err() };
}

describe('token lifetimes', () => {
  it('network defaults: Threads and LinkedIn 60 days, Bluesky and Mastodon never; lifetime_days and expires override', () => {
    const now = Date.parse('2027-03-15T11:17:00Z');
    const entry = { account: 'a', network: 'threads', owner: 'o', backup: 'b', secret: 'S', revoke: '', rotated: '2027-01-20' };
    expect(credentialExpiry(entry, now, 7)).toMatchObject({ expires: '2027-03-21', state: 'soon', daysLeft: 5, basis: 'network' });
    expect(credentialExpiry({ ...entry, network: 'linkedin' }, now, 7)).toMatchObject({ expires: '2027-03-21' });
    expect(credentialExpiry({ ...entry, network: 'bluesky' }, now, 7)).toMatchObject({ state: 'never' });
    expect(credentialExpiry({ ...entry, network: 'mastodon' }, now, 7)).toMatchObject({ state: 'never' });
    expect(credentialExpiry({ ...entry, network: 'mastodon', lifetimeDays: 30 }, now, 7)).toMatchObject({ expires: '2027-02-19', state: 'expired', basis: 'lifetime' });
    expect(credentialExpiry({ ...entry, expires: '2027-06-01' }, now, 7)).toMatchObject({ state: 'ok', basis: 'expires' });
    const { rotated: _, ...noDate } = entry;
    expect(credentialExpiry(noDate, now, 7)).toMatchObject({ state: 'unknown' });
  });

  it('the config reads lifetime_days, expires and credential_notice_days, and names a bad date', () => {
    const ok = parseConfig(register('2027-01-20', 'credential_notice_days: 14\n'));
    expect(ok.ok && ok.config.credentialNoticeDays).toBe(14);
    const bad = parseConfig(register('20 Jan 2027'));
    expect(bad.ok).toBe(false);
    expect(bad.problems.map((p) => p.message)).toContain('`rotated` "20 Jan 2027" is not a date');
  });

  it('opens one issue per expiring credential, updates it in place, closes it when rotated moves forward', async () => {
    const first = await watchdog('2027-03-15T11:17:00Z');
    expect(first.code).toBe(0);
    expect(first.out).toContain('CREDENTIAL: copydesk: renew the threads token THREADS_ACCESS_TOKEN (@littleoven): it expires on 2027-03-21');
    expect(credentialIssues()).toHaveLength(1);
    const issue = credentialIssues()[0]!;
    expect(issue.labels).toEqual(['copydesk-credential']);
    expect(issue.body).toContain('Owner: @anna-bakes');
    expect(issue.body).toContain('Backup: @piotr-z');
    expect(issue.body).toContain('grant_type=th_refresh_token');
    expect(issue.body).toContain('expires 2027-03-21 (in 5 days; 60-day token, rotated 2027-01-20)');

    // The next day: the same issue, updated, never a second one.
    await watchdog('2027-03-16T11:17:00Z');
    expect(credentialIssues()).toHaveLength(1);
    expect(credentialIssues()[0]!.body).toContain('in 4 days');

    // Renewed: rotated moves forward in a pull request; the next watchdog closes the issue.
    await writeFiles(root, { 'copydesk.config.yaml': register('2027-03-16') });
    await watchdog('2027-03-17T11:17:00Z');
    expect(credentialIssues()[0]!.state).toBe('closed');
    expect(gh.comments.filter((c) => c.issue === issue.number).map((c) => c.body).join('\n')).toContain('`rotated` is now 2027-03-16');
  });

  it('copydesk status shows upcoming expiries', async () => {
    const run = context(root, '2027-03-15T11:17:00Z', {});
    expect(await statusCommand([], run.ctx)).toBe(0);
    expect(run.out()).toContain('THREADS_ACCESS_TOKEN (@littleoven, threads): expires 2027-03-21 (in 5 days');
    expect(run.out()).toContain('renew it now');
  });
});
