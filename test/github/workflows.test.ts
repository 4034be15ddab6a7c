import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: unknown;
  jobs: Record<string, { name?: string; permissions?: unknown; steps: Step[]; if?: string }>;
}

async function load(name: string): Promise<{ text: string; wf: Workflow }> {
  const text = await readFile(join(ROOT, '.github', 'workflows', name), 'utf8');
  return { text, wf: parse(text) as Workflow };
}

function steps(wf: Workflow): Step[] {
  return Object.values(wf.jobs).flatMap((j) => j.steps);
}

describe.each(['check.yml', 'preview-comment.yml', 'setup-drift.yml'])('%s', (name) => {
  it('pins every action to a full commit sha with a version comment', async () => {
    const { text, wf } = await load(name);
    const uses = steps(wf).map((s) => s.uses).filter((u): u is string => u !== undefined);
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const line of text.split('\n').filter((l) => /uses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d/);
  });

  it('never expands an expression inside a shell script', async () => {
    const { wf } = await load(name);
    for (const s of steps(wf)) if (s.run) expect(s.run).not.toContain('${{');
  });

  it('checks out without keeping credentials and uses Node from .nvmrc', async () => {
    const { wf } = await load(name);
    const checkout = steps(wf).find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['persist-credentials']).toBe(false);
    const node = steps(wf).find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(node.with?.['node-version-file']).toBe('.nvmrc');
  });
});

describe('preview-comment.yml', () => {
  it('runs trusted default-branch code with least privilege after the check workflow', async () => {
    const { wf } = await load('preview-comment.yml');
    expect(wf.on).toEqual({ workflow_run: { workflows: ['check'], types: ['completed'] } });
    expect(wf.permissions).toEqual({});
    const job = wf.jobs.comment!;
    expect(job.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'write' });
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.ref).toBe('${{ github.event.repository.default_branch }}');
    const download = job.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({ name: 'copydesk-preview', 'run-id': '${{ github.event.workflow_run.id }}' });
    const post = job.steps.find((s) => s.run?.includes('comment-preview'))!;
    expect(post.run).toBe('node scripts/copydesk.ts comment-preview --dir "$PREVIEW_DIR" --run-head-sha "$RUN_HEAD_SHA"');
    expect(post.env?.RUN_HEAD_SHA).toBe('${{ github.event.workflow_run.head_sha }}');
  });
});

describe('setup-drift.yml', () => {
  it('runs weekly and on demand with a read-only token and the admin secret', async () => {
    const { wf } = await load('setup-drift.yml');
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(wf.permissions).toEqual({ contents: 'read' });
    const check = steps(wf).find((s) => s.run?.includes('setup github --check'))!;
    expect(check.env).toEqual({ COPYDESK_ADMIN_TOKEN: '${{ secrets.COPYDESK_ADMIN_TOKEN }}' });
  });
});

describe('check.yml', () => {
  it('reports on every pull request: no paths filter, pull_request only, read-only, no secrets', async () => {
    const { text, wf } = await load('check.yml');
    // A required check with a `paths:` filter never reports on other PRs, which then cannot merge.
    expect(wf.on).toEqual({ pull_request: null });
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(text).not.toMatch(/secrets\./);
    expect(Object.keys(wf.jobs)).toEqual(['check']);
    expect(wf.jobs.check!.name).toBe('check');
    expect(wf.jobs.check!.if).toBeUndefined();
  });

  it('decides first, with plain Node before any install, and skips the work (not the job) when nothing relevant changed', async () => {
    const { wf } = await load('check.yml');
    const list = wf.jobs.check!.steps;
    const decide = list.findIndex((s) => s.id === 'relevant');
    const install = list.findIndex((s) => s.run?.startsWith('npm ci'));
    expect(decide).toBeGreaterThan(0);
    expect(install).toBeGreaterThan(decide);
    // HEAD^1: the merge commit's first parent is the base branch's tip (a depth-2 checkout).
    expect(list[decide]!.run).toBe('node scripts/check-relevant.ts HEAD^1');
    expect(list[decide]!.if).toBeUndefined();
    // Before it: checkouts, setup-node and git only (no install, no PR code).
    for (const s of list.slice(0, decide)) expect(s.run ?? '').not.toMatch(/\bnpm\b|\bnode\b|npx/);
    // Every step after the decision runs unless it said "false" (a missing answer runs the check).
    for (const s of list.slice(decide + 1)) expect(s.if).toMatch(/steps\.relevant\.outputs\.relevant != 'false'/);
    const script = await readFile(join(ROOT, 'scripts/check-relevant.ts'), 'utf8');
    const relevance = await readFile(join(ROOT, 'src/check/relevant-changes.ts'), 'utf8');
    // It runs before `npm ci`: only node: built-ins and the pure decision may be imported.
    for (const m of [...script.matchAll(/from '([^']+)'/g), ...relevance.matchAll(/from '([^']+)'/g)]) expect(m[1]).toMatch(/^(node:|\.\.\/src\/check\/relevant-changes\.ts$)/);
  });
});
