/**
 * The post-incident timeline over a real temporary git repository (commits by two people, a merge,
 * a rename and a removal) plus the ledger, the freeze log and the holding log.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/context.ts';
import { freezeCommand, thawCommand } from '../../src/freeze/freeze-command.ts';
import { appendHoldingLog } from '../../src/holding/holding-log.ts';
import { parseTimeArg } from '../../src/cli/time-arg.ts';
import { timelineCommand } from '../../src/timeline/timeline-command.ts';
import { recordEvents } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { context, git, postFile, tempRepo, writeFiles } from '../helpers/crisis-repo.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const ANNA = { GIT_AUTHOR_NAME: 'Anna Nowak', GIT_AUTHOR_EMAIL: 'anna@example.com', GIT_COMMITTER_NAME: 'Anna Nowak', GIT_COMMITTER_EMAIL: 'anna@example.com' };
const PIOTR = { GIT_AUTHOR_NAME: 'Piotr Zieliński', GIT_AUTHOR_EMAIL: 'piotr@example.com', GIT_COMMITTER_NAME: 'Piotr Zieliński', GIT_COMMITTER_EMAIL: 'piotr@example.com' };
const at = (iso: string) => ({ GIT_AUTHOR_DATE: iso, GIT_COMMITTER_DATE: iso });

describe('copydesk timeline', () => {
  it('merges git history, freezes, holding statements and the ledger into one sorted Markdown table', async () => {
    const { root, cleanup } = await tempRepo({});
    cleanups.push(cleanup);
    git(root, ['init', '-q', '-b', 'main']);
    // The day before: Anna schedules three posts (outside the range asked for).
    await writeFiles(root, {
      'posts/menu.md': postFile({ id: 'menu', publish_at: '2027-03-15 10:00', tags: ['promo'] }, 'Spring menu today!'),
      'posts/bread.md': postFile({ id: 'bread', publish_at: '2027-03-15 12:00' }, 'Rye is back.'),
      'posts/flood-sale.md': postFile({ id: 'flood-sale', publish_at: '2027-03-16 09:00' }, 'Flood of deals!'),
      'posts/old-name.md': postFile({ id: 'tips', publish_at: '2027-03-20 09:00' }, 'Storing bread.'),
    });
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '-m', 'Schedule the week'], { ...ANNA, ...at('2027-03-14T09:00:00Z') });
    // Piotr changes a post on a branch; Anna merges it.
    git(root, ['checkout', '-q', '-b', 'bread-time']);
    await writeFiles(root, { 'posts/bread.md': postFile({ id: 'bread', publish_at: '2027-03-15 12:00' }, 'Rye is back, finally.') });
    git(root, ['commit', '-q', '-am', 'Reword bread'], { ...PIOTR, ...at('2027-03-15T07:10:00Z') });
    git(root, ['checkout', '-q', 'main']);
    git(root, ['merge', '-q', '--no-ff', '-m', 'Merge pull request #12 from bread-time', 'bread-time'], { ...ANNA, ...at('2027-03-15T07:20:00Z') });
    // In the incident: Piotr removes a tone-deaf post and renames another; Anna adds a holding statement.
    git(root, ['rm', '-q', 'posts/flood-sale.md']);
    git(root, ['mv', 'posts/old-name.md', 'posts/tips.md']);
    git(root, ['commit', '-q', '-m', 'Pull the flood sale'], { ...PIOTR, ...at('2027-03-15T07:30:00Z') });
    await writeFiles(root, { 'playbook/holding/aware.md': postFile({ id: 'holding-aware' }, 'We know something has gone wrong.') });
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '-m', 'Holding statement'], { ...ANNA, ...at('2027-03-15T07:40:00Z') });

    // Freeze, holding statement, thaw; the publisher's ledger.
    expect(await freezeCommand(['--reason', 'Flooding in town'], context(root, '2027-03-15T08:30:00Z', { GITHUB_ACTOR: 'ola' }).ctx)).toBe(0);
    const store = createDirStore(join(root, '.copydesk/state'));
    await appendHoldingLog(store, { at: '2027-03-15T08:40:00Z', statementId: 'holding-aware', outcome: 'sent', by: 'ola', runId: '8001', networks: [{ network: 'mastodon', via: 'mastodon', ref: { id: '1', url: 'https://mastodon.example/@bakery/1' } }] });
    expect(await thawCommand([], context(root, '2027-03-15T10:30:00Z', { GITHUB_ACTOR: 'piotr' }).ctx)).toBe(0);
    await recordEvents(store, [
      { at: '2027-03-15T10:35:00Z', postId: 'menu', network: 'mastodon', part: 0, state: 'missed', via: 'mastodon', runId: '8002', reason: 'fell due during a freeze' },
      { at: '2027-03-15T11:00:05Z', postId: 'bread', network: 'mastodon', part: 0, state: 'sent', via: 'mastodon', runId: '8003', ref: { id: '2', url: 'https://mastodon.example/@bakery/2' } },
      { at: '2027-03-16T09:00:00Z', postId: 'later', network: 'mastodon', part: 0, state: 'sent', via: 'mastodon', runId: '8004', ref: { id: '3' } },
    ], 'test');

    const run = context(root, '2027-03-17T00:00:00Z');
    expect(await timelineCommand(['--since', '2027-03-15', '--until', '2027-03-15'], run.ctx)).toBe(0);
    const md = run.out();
    expect(md).toContain('### Timeline, 2027-03-15 00:00 +01:00 to 2027-03-15 23:59 +01:00 (Europe/Warsaw)');
    expect(md).toContain('| Time (Europe/Warsaw) | What happened | By | Source |');
    const rows = md.split('\n').filter((l) => /^\| 2027-/.test(l));
    const expected: [string, string, string][] = [
      ['2027-03-15 08:10 +01:00', 'changed post `bread` (posts/bread.md), commit', 'Piotr Zieliński'],
      ['2027-03-15 08:20 +01:00', 'Merged: changed post `bread` (posts/bread.md)', 'Anna Nowak'],
      ['2027-03-15 08:30 +01:00', 'removed post `flood-sale` (posts/flood-sale.md)', 'Piotr Zieliński'],
      ['2027-03-15 08:30 +01:00', 'renamed posts/old-name.md to post `tips` (posts/tips.md)', 'Piotr Zieliński'],
      ['2027-03-15 08:40 +01:00', 'added post `holding-aware` (playbook/holding/aware.md)', 'Anna Nowak'],
      ['2027-03-15 09:30 +01:00', '**Frozen** `f-20270315T0830Z`: holds everything (full freeze). Reason: Flooding in town', 'ola'],
      ['2027-03-15 09:40 +01:00', 'Holding statement `holding-aware` sent on [mastodon](https://mastodon.example/@bakery/1)', 'ola'],
      ['2027-03-15 10:00 +01:00', '`menu` (posts/menu.md) was due on bluesky, mastodon', '–'],
      ['2027-03-15 10:00 +01:00', '`menu` held by freeze `f-20270315T0830Z` (Flooding in town)', 'ola'],
      ['2027-03-15 11:30 +01:00', '**Thawed** `f-20270315T0830Z` (frozen by ola: Flooding in town)', 'piotr'],
      ['2027-03-15 11:35 +01:00', '`menu` missed on mastodon: fell due during a freeze', 'publisher run 8002'],
      ['2027-03-15 12:00 +01:00', '`bread` (posts/bread.md) was due on bluesky, mastodon', '–'],
      ['2027-03-15 12:00 +01:00', '`bread` sent on mastodon: [view](https://mastodon.example/@bakery/2)', 'publisher run 8003'],
    ];
    expect(rows).toHaveLength(expected.length);
    expected.forEach(([time, what, by], i) => {
      const cells = rows[i]!.split(' | ');
      expect(cells[0]).toBe(`| ${time}`);
      expect(cells[1]).toContain(what);
      expect(cells[2]).toBe(by);
    });
    expect(md).not.toContain('Schedule the week'); // the day before
    expect(md).not.toContain('`later`'); // the day after
    expect(md).toContain('Counts: scheduled 2, sent 1, held 1, missed 1, frozen 1, thawed 1, holding statements 1, repository changes 5.');
  });

  it('reads --since/--until as ISO instants, local times or local dates in the team zone', async () => {
    const z = 'Europe/Warsaw';
    expect(parseTimeArg('2027-03-15', z, 'start')).toEqual({ ok: true, instant: Date.parse('2027-03-14T23:00:00Z') });
    expect(parseTimeArg('2027-03-15', z, 'end')).toEqual({ ok: true, instant: Date.parse('2027-03-15T23:00:00Z') - 1 });
    expect(parseTimeArg('2027-03-28', z, 'end')).toEqual({ ok: true, instant: Date.parse('2027-03-28T22:00:00Z') - 1 }); // DST starts that day
    expect(parseTimeArg('2027-03-15 09:30', z, 'start')).toEqual({ ok: true, instant: Date.parse('2027-03-15T08:30:00Z') });
    expect(parseTimeArg('2027-03-15T09:30:00Z', z, 'start')).toEqual({ ok: true, instant: Date.parse('2027-03-15T09:30:00Z') });
    const bad = parseTimeArg('2027-02-30', z, 'start');
    expect(bad.ok).toBe(false);

    const { root, cleanup } = await tempRepo({});
    cleanups.push(cleanup);
    const run = context(root, '2027-03-17T00:00:00Z');
    await expect(timelineCommand([], run.ctx)).rejects.toThrow(UsageError);
    await expect(timelineCommand(['--since', 'yesterday'], run.ctx)).rejects.toThrow(/--since "yesterday": .*not a date-time/);
    // Not a git repository: the timeline still comes out, and says what is missing.
    expect(await timelineCommand(['--since', '2027-03-15'], run.ctx)).toBe(0);
    expect(run.out()).toContain('> Git history is missing from this timeline: git log failed');
  });
});
