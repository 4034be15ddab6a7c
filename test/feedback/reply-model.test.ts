/** The pure parts of a reply: reading the commands, visibility, the fold of a reply's events. */
import { describe, expect, test } from 'vitest';
import { replyState, type ApproveEvent, type DraftEvent, type OutcomeEvent, type AttemptEvent } from '../../src/feedback/reply-log.ts';
import { parseReplyCommand } from '../../src/feedback/reply-parse.ts';
import { answerVisibility, withMention } from '../../src/feedback/reply-target.ts';

describe('parseReplyCommand', () => {
  test('reads /reply with flags, the text on the same line or below', () => {
    expect(parseReplyCommand('/reply --off-air --incident\nSo sorry.\n\nWe will call you.')).toEqual({ kind: 'reply', flags: { direct: false, offAir: true, incident: true }, text: 'So sorry.\n\nWe will call you.' });
    expect(parseReplyCommand('  /REPLY Thanks!')).toEqual({ kind: 'reply', flags: { direct: false, offAir: false, incident: false }, text: 'Thanks!' });
  });
  test('refuses what it cannot read, and ignores everything else', () => {
    expect(parseReplyCommand('/reply')).toMatchObject({ kind: 'invalid', command: 'reply' });
    expect(parseReplyCommand('/reply --loud hi')).toMatchObject({ kind: 'invalid' });
    expect(parseReplyCommand('/approve')).toMatchObject({ kind: 'invalid', command: 'approve' });
    expect(parseReplyCommand('/approve 3fa9')).toMatchObject({ kind: 'invalid' });
    expect(parseReplyCommand('/approve 3FA9C2E1B07D')).toEqual({ kind: 'approve', hash: '3fa9c2e1b07d' });
    expect(parseReplyCommand('I will /reply later')).toEqual({ kind: 'none' });
    expect(parseReplyCommand('/replying')).toEqual({ kind: 'none' });
  });
});

describe('visibility and mention', () => {
  test('never more public than the customer or the account default', () => {
    expect(answerVisibility('public', 'public', false)).toBe('public');
    expect(answerVisibility('public', 'unlisted', false)).toBe('unlisted');
    expect(answerVisibility('followers', 'public', false)).toBe('private');
    expect(answerVisibility('direct', 'public', false)).toBe('direct');
    expect(answerVisibility('public', 'public', true)).toBe('direct');
  });
  test('the mention is added once', () => {
    expect(withMention('Sorry!', 'maria@example.social')).toBe('@maria@example.social Sorry!');
    expect(withMention('Hi @maria@example.social, sorry!', 'maria@example.social')).toBe('Hi @maria@example.social, sorry!');
    expect(withMention('Hi @maria@example.socialx', 'maria@example.social')).toBe('@maria@example.social Hi @maria@example.socialx');
  });
});

describe('replyState', () => {
  const draft = (hash: string, by = 'ola', editedBy?: string): DraftEvent => ({
    type: 'draft', at: '2027-03-15T08:00:00Z', replyId: 'c1', conversation: 'mastodon:1', network: 'mastodon', source: { kind: 'comment', issue: 1, commentId: 1 }, by, ...(editedBy ? { editedBy } : {}),
    text: 't', flags: { direct: false, offAir: false, incident: false }, target: { parent: { id: '1' }, root: { id: '1' }, handle: 'm', visibility: 'public' }, outgoing: [], hash, check: { errors: 0, warnings: 0 },
  });
  const approve = (hash: string, by: string): ApproveEvent => ({ type: 'approve', at: '2027-03-15T08:01:00Z', replyId: 'c1', by, hash });
  const attempt = (n: number): AttemptEvent => ({ type: 'attempt', at: 'x', replyId: 'c1', attempt: n, hash: 'a', approvedAt: 'y', approvedBy: 'piotr', publishAt: 0, runId: 'r' });
  const missed = (n: number): OutcomeEvent => ({ type: 'outcome', at: 'z', replyId: 'c1', attempt: n, status: 'missed', runId: 'r' });

  test('an approval counts only after the current version, of its hash, not by its writer or editor', () => {
    expect(replyState('c1', [draft('a'), approve('a', 'piotr')]).approval?.by).toBe('piotr');
    expect(replyState('c1', [draft('a'), approve('a', 'OLA')]).approval).toBeUndefined();
    expect(replyState('c1', [draft('a', 'ola', 'piotr'), approve('a', 'piotr')]).approval).toBeUndefined();
    expect(replyState('c1', [draft('a'), approve('a', 'piotr'), draft('b')]).approval).toBeUndefined();
    // Edited back to the approved text: still an edit after the approval.
    expect(replyState('c1', [draft('a'), approve('a', 'piotr'), draft('b'), draft('a')]).approval).toBeUndefined();
    expect(replyState('c1', [draft('a'), approve('b', 'piotr')]).approval).toBeUndefined();
  });
  test('an approval a freeze made missed is spent; a later one counts', () => {
    expect(replyState('c1', [draft('a'), approve('a', 'piotr'), attempt(1), missed(1)]).approval).toBeUndefined();
    const s = replyState('c1', [draft('a'), approve('a', 'piotr'), attempt(1), missed(1), approve('a', 'kasia')]);
    expect(s.approval?.by).toBe('kasia');
    expect(s.attempt).toMatchObject({ attempt: 1, outcome: { status: 'missed' } });
  });
});
