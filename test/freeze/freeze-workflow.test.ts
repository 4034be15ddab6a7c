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
    expect(group(issueEvent('opened', 7, ['freeze']))).toBe(group(issueEvent('closed', 7, ['freeze'])));
    expect(group(issueEvent('opened', 7, ['freeze']))).not.toBe(group(issueEvent('opened', 8, ['freeze'])));
    expect(group({ event_name: 'workflow_dispatch', event: {} })).toBe('copydesk-freeze-dispatch');
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
  });

  it('has least privilege and never expands the issue text in a script', async () => {
    expect(wf.permissions).toEqual({ contents: 'write', issues: 'write', actions: 'write' });
    const text = await readFile(join(import.meta.dirname, '../../.github/workflows/freeze.yml'), 'utf8');
    expect(text).not.toMatch(/\$\{\{\s*github\.event\.issue\.(title|body)/);
  });
});
