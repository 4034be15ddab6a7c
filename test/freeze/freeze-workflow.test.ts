/**
 * .github/workflows/freeze.yml routes every issue event that can freeze, thaw or change a freeze to
 * copydesk, in order per issue, evaluated with the workflow's own expressions (./workflow-if.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FREEZE_ACTIONS } from '../../src/freeze/freeze-issue.ts';
import { evaluateIf, evaluateTemplate } from './workflow-if.ts';

interface Workflow {
  on: { issues: { types: string[] }; workflow_dispatch?: unknown };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: { freeze: { if: string; steps: { name?: string; if?: string; run?: string }[] } };
}
const wf = parseYaml(await readFile(join(import.meta.dirname, '../../.github/workflows/freeze.yml'), 'utf8')) as Workflow;

const issueEvent = (action: string, number: number, labels: string[], label?: string) => ({
  event_name: 'issues',
  event: { action, issue: { number, labels: labels.map((name) => ({ name })) }, ...(label ? { label: { name: label } } : {}), sender: { login: 'x' } },
});
/** Which copydesk command the event runs, or `skipped` when the job does not run. */
function route(github: Record<string, unknown>): string {
  if (!evaluateIf(wf.jobs.freeze.if, { github })) return 'skipped';
  const steps = wf.jobs.freeze.steps.filter((s) => s.run?.includes('copydesk.ts') && (!s.if || evaluateIf(s.if, { github, inputs: (github as { inputs?: unknown }).inputs ?? {} })));
  return steps.map((s) => s.run!.replace('node scripts/copydesk.ts ', '')).join(' + ');
}

describe('freeze.yml', () => {
  it('listens to every issue action that freezes, thaws or changes a freeze', () => {
    expect([...wf.on.issues.types].sort()).toEqual([...FREEZE_ACTIONS].sort());
  });

  it('runs exactly one copydesk step per event: closing or removing the label thaws, everything else freezes or updates', () => {
    expect(FREEZE_ACTIONS.map((a) => [a, route(issueEvent(a, 7, a === 'unlabeled' ? [] : ['freeze'], a.endsWith('labeled') ? 'freeze' : undefined))])).toEqual([
      ['opened', 'freeze --from-issue'],
      ['labeled', 'freeze --from-issue'],
      ['unlabeled', 'thaw --from-issue'], // the payload lists the labels AFTER the removal
      ['closed', 'thaw --from-issue'],
      ['reopened', 'freeze --from-issue'],
      ['edited', 'freeze --from-issue'],
    ]);
    expect(route(issueEvent('labeled', 7, ['bug'], 'bug'))).toBe('skipped');
    expect(route(issueEvent('closed', 7, ['bug']))).toBe('skipped');
    expect(route(issueEvent('unlabeled', 7, [], 'bug'))).toBe('skipped');
    expect(route({ event_name: 'workflow_dispatch', event: {}, inputs: { action: 'thaw' } })).toBe('thaw');
  });

  it('orders the events of one issue (one group per issue, never cancelling a running one); other issues run side by side', () => {
    const group = (github: Record<string, unknown>) => evaluateTemplate(wf.concurrency.group, { github });
    const ev = (action: string, number: number, sender: string, author = 'ola', association = 'COLLABORATOR') => {
      const g = issueEvent(action, number, ['freeze']);
      Object.assign(g.event.issue, { user: { login: author }, author_association: association });
      g.event.sender = { login: sender };
      return g;
    };
    // A team member's issue: every event, whoever sends it, in one queue.
    expect(new Set([group(ev('opened', 7, 'ola')), group(ev('labeled', 7, 'ola')), group(ev('closed', 7, 'piotr')), group(ev('edited', 7, 'ola'))])).toEqual(new Set(['copydesk-freeze-7']));
    expect(group(ev('opened', 7, 'ola'))).not.toBe(group(ev('opened', 8, 'ola')));
    // A stranger's issue: the stranger's own events queue apart, so a burst of edits cannot cancel a team member's pending run.
    expect(group(ev('edited', 9, 'mallory', 'mallory', 'NONE'))).toBe('copydesk-freeze-9-author');
    expect(group(ev('labeled', 9, 'ola', 'mallory', 'NONE'))).toBe('copydesk-freeze-9');
    expect(group(ev('unlabeled', 9, 'piotr', 'mallory', 'FIRST_TIME_CONTRIBUTOR'))).toBe('copydesk-freeze-9');
    expect(group({ event_name: 'workflow_dispatch', event: {} })).toBe('copydesk-freeze-dispatch');
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
  });

  it('has least privilege and never expands the issue text in a script', async () => {
    expect(wf.permissions).toEqual({ contents: 'write', issues: 'write', actions: 'write' });
    const text = await readFile(join(import.meta.dirname, '../../.github/workflows/freeze.yml'), 'utf8');
    expect(text).not.toMatch(/\$\{\{\s*github\.event\.issue\.(title|body)/);
  });
});
