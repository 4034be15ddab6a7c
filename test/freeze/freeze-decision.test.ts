/**
 * The pure decision (payload + the sender's access in, what to do out) and the reading of GitHub's
 * permission answer. The command-level tests (freeze-authority.test.ts) play whole sequences; these
 * pin the rules one by one.
 */
import { describe, expect, it } from 'vitest';
import { readIssueEvent, type SenderAccess } from '../../src/freeze/freeze-issue.ts';
import { memberFromPermission } from '../../src/github/team-member.ts';

const BODY = '### Reason\n\nStorm\n\n### Hold only posts mentioning\n\nstorm\n\n### Hold only posts tagged\n\n_No response_\n';
const payload = (action: string, o: { sender: string; author?: string; association?: string; labels?: string[]; label?: string; changes?: object } ) => ({
  action,
  issue: { number: 5, title: 'Freeze: storm', body: BODY, html_url: 'https://github.com/acme/social/issues/5', labels: (o.labels ?? ['freeze']).map((name) => ({ name })), user: { login: o.author ?? 'mallory' }, author_association: o.association ?? 'NONE' },
  ...(o.label ? { label: { name: o.label } } : {}),
  ...(o.changes ? { changes: o.changes } : {}),
  sender: { login: o.sender },
});
const TEAM: SenderAccess = { status: 'team', role: 'write' };
const OUTSIDER: SenderAccess = { status: 'outsider', role: 'read' };
const UNKNOWN: SenderAccess = { status: 'unknown', error: 'Reading … failed (503)' };

describe('decideIssueEvent', () => {
  it("a team member labelling a stranger's issue freezes with the issue's text, recorded as the team member's", () => {
    expect(readIssueEvent(payload('labeled', { sender: 'ola', label: 'freeze' }), TEAM)).toEqual({ kind: 'freeze', issue: 5, reason: 'Storm', terms: ['storm'], tags: [], by: 'ola', url: 'https://github.com/acme/social/issues/5' });
  });

  it('the sender decides, never author_association nor the label: an OWNER-associated author whose access is not shown freezes nothing', () => {
    for (const access of [OUTSIDER, UNKNOWN]) {
      for (const action of ['opened', 'labeled', 'reopened']) {
        const intent = readIssueEvent(payload(action, { sender: 'boss', author: 'boss', association: 'OWNER', label: 'freeze' }), access);
        expect(intent).toMatchObject({ kind: 'refuse', request: { kind: 'freeze', sender: 'boss' }, access });
      }
      expect(readIssueEvent(payload('closed', { sender: 'mallory' }), access)).toMatchObject({ kind: 'refuse', request: { kind: 'thaw' } });
      expect(readIssueEvent(payload('edited', { sender: 'mallory', changes: { body: { from: '' } } }), access)).toMatchObject({ kind: 'refuse', request: { kind: 'update' } });
    }
  });

  it('unlabeled thaws only for the freeze label (the payload lists the labels after removal); a title-only edit changes nothing', () => {
    expect(readIssueEvent(payload('unlabeled', { sender: 'ola', labels: [], label: 'freeze' }), TEAM)).toEqual({ kind: 'thaw', issue: 5, by: 'ola', url: 'https://github.com/acme/social/issues/5' });
    expect(readIssueEvent(payload('unlabeled', { sender: 'ola', label: 'bug' }), TEAM).kind).toBe('ignore');
    expect(readIssueEvent(payload('edited', { sender: 'ola', changes: { title: { from: 'x' } } }), TEAM).kind).toBe('ignore');
    expect(readIssueEvent(payload('edited', { sender: 'ola', changes: { body: { from: 'x' } } }), TEAM)).toMatchObject({ kind: 'update', by: 'ola', terms: ['storm'] });
    expect(readIssueEvent({ action: 'opened', issue: { number: 1, labels: [{ name: 'freeze' }] } }, TEAM)).toMatchObject({ kind: 'invalid', error: expect.stringContaining('no `sender.login`') });
  });
});

describe('memberFromPermission', () => {
  it('counts write, maintain, admin and custom roles built on write; not triage, read or none', () => {
    const rows: [object, boolean][] = [
      [{ permission: 'admin', role_name: 'admin' }, true],
      [{ permission: 'write', role_name: 'maintain' }, true],
      [{ permission: 'write', role_name: 'write' }, true],
      [{ permission: 'write', role_name: 'content-editor' }, true],
      [{ permission: 'read', role_name: 'triage' }, false],
      [{ permission: 'read', role_name: 'read' }, false],
      [{ permission: 'none', role_name: '' }, false],
      [{}, false],
    ];
    expect(rows.map(([d]) => memberFromPermission(d).member)).toEqual(rows.map(([, m]) => m));
    expect(memberFromPermission({ permission: 'none', role_name: '' }).role).toBe('none');
  });
});
