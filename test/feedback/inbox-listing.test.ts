/** The inbox as people read it: order, overdue count, the median this week, private rows without words; the command parser. */
import { describe, expect, it } from 'vitest';
import { defaultFeedbackSettings } from '../../src/config/feedback-settings.ts';
import { parseComment } from '../../src/feedback/comment-command.ts';
import { inboxView, weekStart } from '../../src/feedback/inbox-listing.ts';
import { inboxRow } from '../../src/site/inbox-rows.ts';
import { conversation, message } from './conversations.ts';

const settings = defaultFeedbackSettings('Europe/Warsaw');
const NOW = Date.parse('2027-03-10T10:00:00Z'); // Wednesday 11:00 in Warsaw

describe('inbox view', () => {
  it('open conversations: urgent, then negative, neutral, positive; within a tone the least time left first', () => {
    const praise = conversation([message('Thank you, lovely bread!', { at: NOW - 3 * 3_600_000 })]);
    const oldQuestion = conversation([message('Do you deliver?', { at: NOW - 2 * 3_600_000 })]);
    const newQuestion = conversation([message('Are you open on Sunday?', { at: NOW - 600_000 })]);
    const complaint = conversation([message('Stale bread and rude staff.', { at: NOW - 60_000 })]);
    const urgent = conversation([message('Great cake but my son had an allergic reaction', { at: NOW - 30_000 })]);
    const v = inboxView([praise, newQuestion, complaint, oldQuestion, urgent], settings, 'en', NOW);
    expect(v.open.map((e) => e.conversation.id)).toEqual([urgent.id, complaint.id, oldQuestion.id, newQuestion.id, praise.id]);
    expect(v.overdue).toBe(2); // opened 08:00 and 09:00 local with 2 h: due 10:00 and 11:00 (now)
  });

  it('the median first response this week counts business time, from Monday 00:00 in the zone', () => {
    const at = (iso: string) => Date.parse(iso);
    const answered = (opened: string, answeredAt: string) =>
      conversation([message('Hi', { at: at(opened) })], { status: 'answered', answered: { at: at(answeredAt), by: 'network' } });
    const list = [
      answered('2027-03-08T08:00:00Z', '2027-03-08T08:30:00Z'), // Monday: 30 min
      answered('2027-03-09T08:00:00Z', '2027-03-09T09:00:00Z'), // Tuesday: 1 h
      answered('2027-03-05T15:30:00Z', '2027-03-08T08:30:00Z'), // Friday 16:30 → Monday 09:30: 1 h of business time
      answered('2027-03-01T08:00:00Z', '2027-03-01T12:00:00Z'), // last week: not counted
    ];
    const v = inboxView(list, settings, 'en', NOW);
    expect(v.weekStart).toBe(weekStart(NOW, 'Europe/Warsaw'));
    expect(new Date(v.weekStart).toISOString()).toBe('2027-03-07T23:00:00.000Z');
    expect(v.medianFirstResponse).toEqual({ ms: 3_600_000, count: 3 });
    expect(v.closed[0]!.conversation.id).toBe(list[1]!.id); // newest answer first
  });

  it('a conversation the customer reopened counts its latest wait, from the reopening to the new answer', () => {
    const at = (iso: string) => Date.parse(iso);
    // Opened Monday 09:00 local, answered, then she wrote again Tuesday 10:00 local; answered 10:20.
    const reopened = conversation([message('Hi', { at: at('2027-03-08T08:00:00Z') }), message('One more thing', { at: at('2027-03-09T09:00:00Z') })], {
      status: 'answered', reopenedAt: at('2027-03-09T09:00:00Z'), answered: { at: at('2027-03-09T09:20:00Z'), by: 'network' },
    });
    expect(inboxView([reopened], settings, 'en', NOW).medianFirstResponse).toEqual({ ms: 20 * 60_000, count: 1 });
    // While it waits again, its clock runs from the reopening: due 2 h later, 12:00 local.
    const waiting = { ...reopened, status: 'open' as const, answered: { at: at('2027-03-08T08:30:00Z'), by: 'network' as const } };
    expect(inboxView([waiting], settings, 'en', at('2027-03-09T10:00:00Z')).open[0]!.clock).toMatchObject({ dueAt: at('2027-03-09T11:00:00Z'), overdue: false });
  });

  it('a private conversation\'s row has no words, no author and no link; a public one has them', () => {
    const secret = conversation([message('my address is 12 Long Lane', { at: NOW - 60_000, handle: 'hidden@mastodon.example', visibility: 'direct' })], { issue: 7 });
    const open = conversation([message('Is the rye vegan?', { at: NOW - 60_000 })], { issue: 8 });
    const v = inboxView([secret, open], settings, 'en', NOW);
    const rows = v.open.map((e) => inboxRow(e, { zone: 'Europe/Warsaw', repoUrl: 'https://github.com/acme/social' }));
    const priv = rows.find((r) => r.id === secret.id)!;
    expect(JSON.stringify(priv)).not.toMatch(/Long Lane|hidden@|mastodon\.example\/@/);
    expect(priv).toMatchObject({ private: true, issueUrl: 'https://github.com/acme/social/issues/7' });
    expect(rows.find((r) => r.id === open.id)).toMatchObject({ private: false, excerpt: 'Is the rye vegan?', customer: 'maria@mastodon.example' });
  });
});

describe('comment commands', () => {
  it('reads a command only at the start, known names only, and says what is wrong', () => {
    expect(parseComment('/tone NEGATIVE she was upset')).toMatchObject({ kind: 'command', command: { name: 'tone' }, args: { level: 'negative', reason: 'she was upset' } });
    expect(parseComment('  \n/Tone positive')).toMatchObject({ kind: 'command', args: { level: 'positive' } });
    expect(parseComment('/tone angry')).toMatchObject({ kind: 'invalid', error: expect.stringContaining('not "angry"') });
    expect(parseComment('/no-reply-needed')).toMatchObject({ kind: 'invalid' });
    expect(parseComment('please /reopen this')).toEqual({ kind: 'none' });
    expect(parseComment('/toner blue')).toEqual({ kind: 'none' });
    expect(parseComment('/constructor')).toEqual({ kind: 'none' });
    expect(parseComment('/reopen')).toMatchObject({ kind: 'command', command: { name: 'reopen' } });
  });
});
