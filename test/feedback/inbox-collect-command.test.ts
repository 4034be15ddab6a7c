/**
 * `copydesk inbox collect` and `copydesk inbox` as a user runs them (a subprocess of the real CLI
 * entry), against the strict Mastodon fake, with the local folder state.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import { tempDir } from '../publish/publisher-helpers.ts';

const CLI = join(import.meta.dirname, '../../scripts/copydesk.ts');
let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function cli(root: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', COPYDESK_ROOT: root, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function repo(instance: string): Promise<string> {
  const root = await tempDir('inbox-cli');
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'posts'), { recursive: true });
  await writeFile(join(root, 'copydesk.config.yaml'), ['timezone: Europe/Warsaw', 'channels:', '  bluesky:', '    identifier: shop.bsky.social', '  mastodon:', `    instance: ${instance}`, ''].join('\n'));
  return root;
}

describe('copydesk inbox (subprocess)', () => {
  test('without credentials: one line, nothing read, nothing written', async () => {
    const root = await repo('https://mastodon.example');
    const r = await cli(root, ['inbox', 'collect']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/no network credentials.*nothing read, nothing written/);
    await expect(readdir(join(root, '.copydesk'))).rejects.toThrow();
  });

  test('collects, lists most urgent first in plain text and JSON, warns about filters; the token never shows', async () => {
    const f = await startMastodonFake({ token: 'mstdn-inbox-SECRET-77' });
    cleanups.push(async () => {
      expect(f.violations).toEqual([]);
      await f.close();
    });
    f.policy = { ...f.policy, for_not_following: 'drop' };
    const maria = f.addAccount('maria', { displayName: 'Maria' });
    f.receiveMention(maria, '@copydesk Where is my order?\n\u001b[31mred\u001b[0m', { visibility: 'direct' });
    f.now += 60_000;
    f.receiveMention(f.addAccount('jan'), '@copydesk Lovely buns');
    const root = await repo(f.url);
    const env = { MASTODON_TOKEN: f.token, COPYDESK_NOW: new Date(f.now + 3_600_000).toISOString() };

    const first = await cli(root, ['inbox', 'collect'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('2 on mastodon new message(s), 2 new conversation(s)');
    expect(first.stdout).toContain('not read: bluesky: no BLUESKY_APP_PASSWORD');
    expect(first.stdout).toMatch(/! Mastodon drops notifications from people you don't follow/);
    const again = await cli(root, ['inbox', 'collect'], env);
    expect(again.stdout).toContain('nothing new (nothing written)');

    // The response clock starts when copydesk first saw the message.
    const later = { ...env, COPYDESK_NOW: new Date(f.now + 3_600_000 + 61 * 60_000).toISOString() };
    const listed = await cli(root, ['inbox'], later);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^2 open conversations, most urgent first:/);
    // Oldest first among equal tone; the direct message says so; no terminal escape gets through.
    expect(listed.stdout.indexOf('maria@')).toBeLessThan(listed.stdout.indexOf('jan@'));
    expect(listed.stdout).toMatch(/\[neutral\] mastodon · direct · maria@127\.0\.0\.1:\d+ · waiting 1 h 1 min · 1 message/);
    expect(listed.stdout).not.toContain('\u001b');
    const json = JSON.parse((await cli(root, ['inbox', '--json'], env)).stdout) as { open: { visibility: string }[]; filters: { setting: string }[] };
    expect(json.open.map((c) => c.visibility)).toEqual(['direct', 'public']);
    expect(json.filters.map((w) => w.setting)).toEqual(['for_not_following']);
    const status = await cli(root, ['status'], later);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Inbox: the networks' notification filters keep customers out of sight:\n  ! Mastodon drops notifications from people you don't follow/);
    // The same counts as the site's status page (one inboxView): a week later both are overdue.
    expect(status.stdout).toMatch(/\nInbox: {6}2 conversations waiting for an answer(, \d past the first-response target)?\. \(`copydesk inbox` lists them\)\n/);
    const weekLater = await cli(root, ['status'], { ...env, COPYDESK_NOW: new Date(f.now + 7 * 86_400_000).toISOString() });
    expect(weekLater.stdout).toContain('\nInbox:      2 conversations waiting for an answer, 2 past the first-response target.');
    for (const out of [first.stdout, again.stdout, listed.stdout]) expect(out).not.toContain(f.token);
  });

  test('an unknown subcommand is a usage error', async () => {
    const root = await repo('https://mastodon.example');
    const r = await cli(root, ['inbox', 'sweep']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown subcommand "sweep"/);
  });
});
