/**
 * `copydesk retract` as a person runs it (the command function with a captured context, on a
 * throwaway repository, the local outbox and the folder state): mistakes are one line and exit 2,
 * nothing is written by a dry run, and a part that went to a network is never "removed" from a
 * local folder instead.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishCommand } from '../../src/publish/publish-command.ts';
import { retractCommand } from '../../src/retract/retract-command.ts';
import { UsageError } from '../../src/cli/context.ts';
import { parseLedgerFile } from '../../src/schedule/ledger.ts';
import { context, postFile, tempRepo } from '../helpers/crisis-repo.ts';

const run = promisify(execFile);
let repo: { root: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  repo = await tempRepo({
    'posts/a.md': postFile({ id: 'bad-date', publish_at: '2027-03-15 09:00' }, 'Market on Sunday!', 'Bring a bag.'),
    'posts/b.md': postFile({ id: 'later', publish_at: '2027-03-20 09:00' }, 'Later.'),
  });
  const sent = context(repo.root, '2027-03-15T08:05:00Z');
  expect(await publishCommand([], sent.ctx)).toBe(0);
});
afterEach(async () => {
  await repo.cleanup();
});

const ledger = async (id: string) => parseLedgerFile(await readFile(join(repo.root, '.copydesk/state/ledger', `${id}.jsonl`), 'utf8').catch(() => undefined));
const outbox = async (net: string, id: string, part: number) => JSON.parse(await readFile(join(repo.root, 'outbox', net, `${id}.${part}.json`), 'utf8'));

describe('copydesk retract (command)', () => {
  it('refuses mistakes with one line, before anything is read or written', async () => {
    const c = context(repo.root, '2027-03-15T09:00:00Z');
    await expect(retractCommand(['--reason', 'x'], c.ctx)).rejects.toThrow(/which post\?/);
    await expect(retractCommand(['bad-date'], c.ctx)).rejects.toThrow(/--reason is required/);
    await expect(retractCommand(['../../etc/passwd', '--reason', 'x'], c.ctx)).rejects.toThrow(/is not a post id/);
    await expect(retractCommand(['bad-date', '--reason', 'x', '--network', 'x'], c.ctx)).rejects.toThrow(/bluesky, mastodon, threads only/);
    await expect(retractCommand(['bad-date', '--reason', 'y'.repeat(501)], c.ctx)).rejects.toThrow(UsageError);
    expect((await ledger('bad-date')).some((e) => e.state === 'retract')).toBe(false);
  });

  it('an unknown id or a network the post is not for: exit 2, nothing written', async () => {
    const c = context(repo.root, '2027-03-15T09:00:00Z');
    expect(await retractCommand(['no-such-post', '--reason', 'x'], c.ctx)).toBe(2);
    expect(c.err()).toContain('no post with id "no-such-post"');
    expect(await readdir(join(repo.root, '.copydesk/state/ledger'))).not.toContain('no-such-post.jsonl');
  });

  it('--dry-run shows what would come down and deletes and records nothing', async () => {
    const c = context(repo.root, '2027-03-15T09:00:00Z');
    expect(await retractCommand(['bad-date', '--dry-run'], c.ctx)).toBe(0);
    expect(c.out()).toContain('Dry run (nothing deleted or recorded)');
    expect(c.out()).toContain('bluesky part 1: would be deleted');
    expect(c.out()).toContain('mastodon part 2: would be deleted');
    expect((await ledger('bad-date')).some((e) => e.state.startsWith('retract'))).toBe(false);
    expect((await outbox('mastodon', 'bad-date', 0)).removedAt).toBeUndefined();
  });

  it('retracts every part on the outbox, one line of reason, and the plan says retracted with who and why', async () => {
    const c = context(repo.root, '2027-03-15T09:00:00Z', { GITHUB_ACTOR: 'ana' });
    expect(await retractCommand(['bad-date', '--reason', 'wrong date\n| the market is on **Saturday**'], c.ctx)).toBe(0);
    expect(c.out()).toContain('retracted bad-date on every network by ana');
    for (const net of ['bluesky', 'mastodon']) for (const part of [0, 1]) expect((await outbox(net, 'bad-date', part)).removedAt).toBeTruthy();
    const txt = await readFile(join(repo.root, 'outbox/mastodon/bad-date.0.txt'), 'utf8');
    expect(txt.startsWith('REMOVED 2027-03-15T09:00')).toBe(true);
    const retract = (await ledger('bad-date')).find((e) => e.state === 'retract')!;
    expect(retract).toMatchObject({ by: 'ana', reason: 'wrong date | the market is on **Saturday**' });
    // The other post is untouched.
    expect((await ledger('later')).length).toBe(0);
    // Publishing again, even at a later time, sends nothing of it.
    const again = context(repo.root, '2027-03-15T09:30:00Z');
    expect(await publishCommand([], again.ctx)).toBe(0);
    expect(again.out()).not.toMatch(/sent bluesky: bad-date|sent mastodon: bad-date/);
    const { planCommand } = await import('../../src/schedule/plan-command.ts');
    const p = context(repo.root, '2027-03-15T09:31:00Z');
    await planCommand([], p.ctx);
    expect(p.out()).toContain('Retracted (taken back; never sent again):');
    expect(p.out()).toContain('retracted 2027-03-15T09:00Z by ana: wrong date | the market is on **Saturday**; all 2 parts were removed');
  });

  it('a part that went to a network is never "removed" from the local folder when this machine has no token', async () => {
    const dir = join(repo.root, '.copydesk/state/ledger');
    await mkdir(dir, { recursive: true });
    const sent = { at: '2027-03-15T08:05:00.000Z', postId: 'real', network: 'mastodon', part: 0, state: 'sent', via: 'mastodon', runId: 'gh-1', ref: { id: '1234', url: 'https://mastodon.example/@shop/1234' } };
    await writeFile(join(dir, 'real.jsonl'), `${JSON.stringify(sent)}\n`);
    const c = context(repo.root, '2027-03-15T09:00:00Z');
    expect(await retractCommand(['real', '--reason', 'pulled'], c.ctx)).toBe(1);
    expect(c.out()).toContain('mastodon part 1: NOT deleted (a person must act) https://mastodon.example/@shop/1234: it went out on mastodon, and this run has no credentials for it');
    expect(c.out()).toContain('Not finished: run `copydesk retract real --reason "…"` again');
    // The decision stands anyway: nothing of it is sent again.
    expect((await ledger('real')).map((e) => e.state)).toEqual(['sent', 'retract', 'retract-intent', 'retract-failed']);
  });

  it('the outbox deletes only its own files: a crafted reference is refused, nothing outside is touched', async () => {
    const { createOutboxChannel } = await import('../../src/publish/outbox.ts');
    const ch = createOutboxChannel(join(repo.root, 'outbox'), 'mastodon', () => new Date('2027-03-15T09:00:00Z'));
    await writeFile(join(repo.root, 'victim.0.json'), '{"keep":true}');
    for (const id of ['mastodon/../../victim.0', 'bluesky/bad-date.0', 'mastodon/bad-date', '/etc/passwd']) {
      expect((await ch.remove!({ id }, 'mastodon')).status, id).toBe('failed');
    }
    expect(await readFile(join(repo.root, 'victim.0.json'), 'utf8')).toBe('{"keep":true}');
    expect((await outbox('mastodon', 'bad-date', 0)).removedAt).toBeUndefined();
    // Its own file: marked once, then "already gone".
    expect(await ch.remove!({ id: 'mastodon/bad-date.0' }, 'mastodon')).toEqual({ status: 'removed', alreadyGone: false });
    expect(await ch.remove!({ id: 'mastodon/bad-date.0' }, 'mastodon')).toEqual({ status: 'removed', alreadyGone: true });
  });

  it('is listed in `copydesk --help` and has its own --help', async () => {
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, '../../scripts/copydesk.ts'), '--help']);
    expect(stdout).toMatch(/^ {2}retract +take a post that went out back down/m);
    const c = context(repo.root, '2027-03-15T09:00:00Z');
    expect(await retractCommand(['--help'], c.ctx)).toBe(0);
    for (const flag of ['--reason', '--network', '--dry-run', '--by']) expect(c.out()).toContain(flag);
  });
});
