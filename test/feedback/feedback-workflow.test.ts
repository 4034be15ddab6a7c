/** The feedback workflow: which comments start a runner at all, least privilege, and its place in the Actions bill. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { monthBill, workflowBilling } from '../../src/minutes/actions-minutes.ts';
import { evaluateIf } from '../freeze/workflow-if.ts';

const ROOT = join(import.meta.dirname, '../..');
const wf = parseYaml(await readFile(join(ROOT, '.github/workflows/feedback.yml'), 'utf8')) as {
  on: Record<string, { types?: string[] }>; permissions: unknown; jobs: { command: { if: string; permissions: Record<string, string>; steps: { uses?: string; run?: string }[] } };
};
const publish = parseYaml(await readFile(join(ROOT, '.github/workflows/publish.yml'), 'utf8')) as { jobs: { publish: { steps: { name?: string; run?: string; env?: Record<string, string> }[] } } };

function starts(body: string, o: { labels?: string[]; pr?: boolean; type?: string; action?: string; from?: string } = {}): boolean {
  const event = {
    action: o.action ?? 'created',
    ...(o.from !== undefined ? { changes: { body: { from: o.from } } } : {}),
    issue: { number: 3, labels: (o.labels ?? ['feedback']).map((name) => ({ name })), ...(o.pr ? { pull_request: { url: 'x' } } : {}) },
    comment: { body, user: { login: o.type === 'Bot' ? 'github-actions[bot]' : 'ola', type: o.type ?? 'User' } },
  };
  return evaluateIf(wf.jobs.command.if, { github: { event_name: 'issue_comment', event } });
}

describe('feedback workflow', () => {
  it('starts a runner only for a command comment (or an edit of a former /reply) on a feedback issue by a person', () => {
    expect(wf.on).toEqual({ issue_comment: { types: ['created', 'edited', 'deleted'] } });
    expect(starts('thanks', { action: 'edited', from: '/reply We are sorry' })).toBe(true);
    expect(starts('thanks again', { action: 'edited', from: 'thanks' })).toBe(false);
    expect(starts('/tone negative')).toBe(true);
    expect(starts('Thanks, I called her.')).toBe(false);
    expect(starts('/tone negative', { labels: ['freeze'] })).toBe(false);
    expect(starts('/tone negative', { pr: true })).toBe(false);
    expect(starts('/reopen', { type: 'Bot' })).toBe(false);
  });

  it('least privilege, pinned actions, no secret but the token, the CLI only', () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.command.permissions).toEqual({ actions: 'write', contents: 'write', issues: 'write' });
    for (const s of wf.jobs.command.steps) if (s.uses) expect(s.uses).toMatch(/@[0-9a-f]{40}$/);
    const text = JSON.stringify(wf);
    expect(text).not.toMatch(/secrets\./);
    expect(text).toContain('npm ci --omit=dev');
    expect(text).not.toMatch(/github\.event\.comment\.body\s*}}/); // the comment never reaches a shell
  });

  it('is billed per command comment only; inbox sync runs inside the publisher\'s job', () => {
    const billing = workflowBilling('feedback.yml', wf, { pages: false });
    expect(billing.onCommandComment).toBe(true);
    const from = Date.UTC(2027, 3, 1);
    const until = Date.UTC(2027, 4, 1);
    expect(monthBill([billing], { postPullRequests: 60, recordingPublishRuns: 60 }, from, until, {}).total).toBe(0);
    expect(monthBill([billing], { postPullRequests: 60, recordingPublishRuns: 60, commandComments: 120 }, from, until, {}).total).toBe(120);
    const step = publish.jobs.publish.steps.find((s) => s.run?.includes('inbox sync'));
    expect(step?.env).toEqual({ GITHUB_TOKEN: '${{ github.token }}' });
  });
});
