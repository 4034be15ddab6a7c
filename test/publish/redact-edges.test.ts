/**
 * Secrets stay secret at every writer edge, and a hostile server's error text stays inert.
 * End to end through `node scripts/copydesk.ts publish` in (simulated) GitHub Actions, with the
 * strict Mastodon and GitHub fakes and a real git remote for the state branch.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { syncFailuresIssue } from '../../src/publish/failures-issue.ts';
import type { PublishReport } from '../../src/publish/publisher.ts';
import { createRedactor, encodedForms } from '../../src/publish/redact.ts';
import { startGitHubFake } from '../fakes/github-fake.ts';
import { startGitHubGitFake } from '../fakes/github-git-fake.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import { at, git, gitFixture, reviewedCheckout } from './publisher-helpers.ts';

const CLI = join(import.meta.dirname, '../../scripts/copydesk.ts');
const TOKEN = 'mstdn-hostile-SECRET-7f3e9a1c';
const GH_TOKEN = 'ghs_edgeSECRETtoken8899';
const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6ImNvbS5hdHByb3RvLmFjY2VzcyJ9.c2lnbmF0dXJlLXRoYXQtaXMtc2VjcmV0';

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

/** Every form of the secrets a reader could decode back (raw, URL-encoded, base64 in any alignment). */
function leaks(text: string): string[] {
  const forms = [TOKEN, GH_TOKEN, JWT].flatMap((s) => encodedForms(s));
  return forms.filter((f) => text.includes(f));
}

describe('the redactor', () => {
  const redact = createRedactor([TOKEN]);

  test('removes the secret raw, URL-encoded and JSON-escaped', () => {
    expect(redact(`token=${TOKEN}&x=1`)).toBe('token=***&x=1');
    const odd = createRedactor(['p@ss w/rd+"x"']);
    expect(odd(`pw=${encodeURIComponent('p@ss w/rd+"x"')}`)).toBe('pw=***');
    expect(odd(`pw=${encodeURIComponent('p@ss w/rd+"x"').toLowerCase()}`)).toBe('pw=***');
    expect(odd(`pw=${new URLSearchParams({ a: 'p@ss w/rd+"x"' }).toString().slice(2)}`)).toBe('pw=***');
    expect(odd(JSON.stringify({ pw: 'p@ss w/rd+"x"' }))).toBe('{"pw":"***"}');
  });

  test('removes base64 (standard and url-safe) of the secret, also inside a longer encoded blob at any alignment', () => {
    for (const prefix of ['', 'u:', 'us:', 'user:']) {
      for (const suffix of ['', '!', '!!', '\n{"more":"data"}']) {
        const blob = Buffer.from(`${prefix}${TOKEN}${suffix}`).toString('base64');
        const url = Buffer.from(`${prefix}${TOKEN}${suffix}`).toString('base64url');
        for (const encoded of [blob, url, `Authorization: Basic ${blob}`]) {
          const out = redact(`echo: ${encoded}`);
          expect(out).toContain('***');
          // Decoding what is left must not give the secret back.
          const rest = out.replace(/^echo: (Authorization: Basic )?/, '').split('***').join('');
          expect(Buffer.from(rest, 'base64').toString('latin1')).not.toContain(TOKEN.slice(4, -4));
        }
      }
    }
  });

  test('removes JWTs anywhere and the credential after Bearer, by shape, without knowing them', () => {
    const none = createRedactor([]);
    expect(none(`session ${JWT} expired`)).toBe('session *** expired');
    expect(none(`{"accessJwt":"${JWT}"}`)).toBe('{"accessJwt":"***"}');
    expect(none('Authorization: Bearer 3f9a8c7d6e5b4a3f2e1d0c9b')).toBe('Authorization: Bearer ***');
    expect(none('curl -H "Authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a"')).toBe('curl -H "Authorization: token ***"');
    // Plain words after "token" are not credentials.
    expect(none('the access token was rejected by the server')).toBe('the access token was rejected by the server');
  });

  test('add() covers a secret minted later, in every form', () => {
    const r = createRedactor([]);
    const minted = 'refresh-opaque-4711-abcdef';
    expect(r(`x ${minted}`)).toContain(minted);
    r.add(minted);
    const out = r(`x ${minted} ${Buffer.from(minted).toString('base64')} ${encodeURIComponent(minted)}`);
    // At most the last base64 characters (which also depend on what follows) and the padding remain.
    expect(out).toMatch(/^x \*\*\* \*\*\*[A-Za-z0-9+/=]{0,3} \*\*\*$/);
  });
});

describe('the failures issue', () => {
  test('goes through the redactor: a held post whose reason quotes the token (an echoed Authorization header) leaks nothing', async () => {
    const gh = await startGitHubFake();
    cleanups.push(() => gh.close());
    // The approval gate's reason is not a channel error, so nothing upstream redacted it.
    const reason = `GitHub answered 502 from a proxy: "Authorization: token ${GH_TOKEN}" (base64 ${Buffer.from(GH_TOKEN).toString('base64')}), session ${JWT}`;
    const report: PublishReport = {
      runId: '77', startedAt: '2027-03-15T08:05:00Z', finishedAt: '2027-03-15T08:05:01Z', dryRun: false, completed: true,
      waiting: 0, newFailures: 0, sent: 0, alreadySent: 0, missed: 0, expired: 0, held: 1, failed: 0,
      decisions: [{
        postId: 'p', file: 'posts/p.md', network: 'mastodon', partsTotal: 1, kind: 'held', sent: [], send: [0], readBack: [], refs: {},
        hold: 'unapproved', reason, action: 'Check the approval.', category: 'held', sentThisRun: [],
      }],
    };
    const env = { GITHUB_TOKEN: GH_TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl };
    const text = await syncFailuresIssue(report, env, 'Europe/Warsaw');
    expect(text).toMatch(/Opened issue/);
    const issue = [...gh.issues.values()][0]!;
    expect(issue.body).toContain('GitHub answered 502 from a proxy');
    expect(leaks(issue.title + issue.body)).toEqual([]);
    expect(gh.violations).toEqual([]);
  });
});

describe('every writer edge of a publish run', () => {
  test('a hostile Mastodon error echoing the token encoded, with Markdown and HTML: nothing leaks, nothing renders', async () => {
    const mastodon = await startMastodonFake({ token: TOKEN, now: at('2027-03-15T08:05:00Z') });
    const gh = await startGitHubFake();
    // GitHub over a real git history (the approval is read from it), issues from gh.
    const hub = await startGitHubGitFake({ fallback: gh.baseUrl });
    cleanups.push(() => mastodon.close(), () => hub.close(), () => gh.close());
    const text = '---\nid: approved\npublish_at: "2027-03-15 09:00"\nchannels: [mastodon]\n---\nReviewed and approved: rye today.\n';
    await reviewedCheckout(hub, mastodon.url, { 'posts/approved.md': text });
    const root = hub.checkout;
    const f = { remote: hub.origin };

    // A hostile (or compromised) instance answers 422 with the credentials it saw, re-encoded, and
    // Markdown meant to ping a team, show a tracking image and plant a link in the failures issue.
    const hostile = [
      `Validation failed: auth ${Buffer.from(`Bearer ${TOKEN}`).toString('base64')}`,
      `u=${encodeURIComponent(TOKEN)} b=${Buffer.from(TOKEN).toString('base64url')} gh=${Buffer.from(`x-access-token:${GH_TOKEN}`).toString('base64')}`,
      `session ${JWT}`,
      'cc @org/team ![x](http://evil.example/pixel.png) <img src="http://evil.example/i.png"> [click](http://evil.example/login)',
      '``` closing the fence ```` and a longer one',
      '\u001b[31mred\u0007 | pipe',
    ].join('\n');
    mastodon.failNextStatusPosts({ kind: 'unprocessable', error: hostile });
    const summary = join(root, 'summary.md');
    const env = {
      COPYDESK_NOW: '2027-03-15T08:05:00Z', GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '9001', GITHUB_REF_NAME: 'main', GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: hub.baseUrl, GITHUB_TOKEN: GH_TOKEN, MASTODON_TOKEN: TOKEN,
    };

    const r = await cli(root, ['publish'], env);
    expect(mastodon.statuses).toEqual([]);
    expect(mastodon.violations).toEqual([]);
    expect(gh.violations).toEqual([]);

    // The failures issue: opened, the error is shown, but no secret in any form.
    const issues = [...gh.issues.values()];
    expect(issues).toHaveLength(1);
    const body = issues[0]!.body;
    expect(body).toContain('Validation failed');
    expect(leaks(issues[0]!.title + body)).toEqual([]);
    // …and inert: the server's text sits in a fenced code block no backtick run inside can close.
    const block = /^(`{3,})text\n([\s\S]*?)\n\1$/m.exec(body);
    expect(block, body).not.toBeNull();
    const fenceLen = block![1]!.length;
    expect(fenceLen).toBeGreaterThan(4);
    expect(block![2]).toContain('@org/team');
    const outside = body.replace(block![0], '');
    expect(outside).not.toMatch(/@org|!\[|<img|\[click\]|evil\.example/);
    expect(body).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);

    // The state branch (ledger and run records), stdout/stderr and the job summary: no secret either.
    const files = (await git(f.remote, 'ls-tree', '-r', '--name-only', 'copydesk-state')).trim().split('\n');
    let state = await git(f.remote, 'log', '--format=%B', 'copydesk-state');
    for (const file of files) state += await git(f.remote, 'show', `copydesk-state:${file}`);
    expect(state).toContain('Validation failed');
    expect(leaks(state)).toEqual([]);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    const md = await readFile(summary, 'utf8');
    expect(md).toContain('failed');
    expect(leaks(md)).toEqual([]);

    await rm(summary, { force: true });
  });
});

describe('GitHub clients built from the environment', () => {
  test('redact every issue and comment they write, even one a command posts directly', async () => {
    const { clientFromEnv } = await import('../../src/github/client-from-env.ts');
    const gh = await startGitHubFake();
    cleanups.push(() => gh.close());
    const client = clientFromEnv({ GITHUB_TOKEN: GH_TOKEN, MASTODON_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl }, { tokenVars: ['GITHUB_TOKEN'], tokenHint: '' });
    if (!client.ok) throw new Error(client.error);
    const { octokit } = client;
    const issue = await octokit.request('POST /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'social', title: `freeze ${TOKEN}`, body: `echo ${Buffer.from(TOKEN).toString('base64')} ${JWT}` });
    await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'acme', repo: 'social', issue_number: issue.data.number, body: `thawed, token=${encodeURIComponent(TOKEN)}` });
    const stored = gh.issues.get(issue.data.number)!;
    expect(stored.title).toBe('freeze ***');
    expect(leaks(stored.body + gh.comments.map((c) => c.body).join('\n'))).toEqual([]);
    expect(gh.comments[0]!.body).toBe('thawed, token=***');
    expect(gh.violations).toEqual([]);
  });
});
