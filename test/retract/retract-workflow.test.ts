/**
 * The retract button (.github/workflows/retract.yml): who can press it, what it may touch, that a
 * publish tick can never cancel it, and that its step really retracts (run with bash as Actions
 * runs it, against a throwaway repository and the local outbox).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { monthBill, NORMAL_HAND_RUNS, workflowBilling } from '../../src/minutes/actions-minutes.ts';
import { postFile, tempRepo } from '../helpers/crisis-repo.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, '.github', 'workflows');
const run = promisify(execFile);

interface Step { name?: string; id?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { if?: string; environment?: string; permissions?: unknown; concurrency?: unknown; steps: Step[] }
interface Workflow { on: Record<string, unknown>; permissions: unknown; concurrency?: unknown; jobs: Record<string, Job> }

const load = async (name: string) => {
  const text = await readFile(join(DIR, name), 'utf8');
  return { text, wf: parse(text) as Workflow };
};
const groupsOf = (wf: Workflow): string[] =>
  [wf.concurrency, ...Object.values(wf.jobs).map((j) => j.concurrency)].filter((c) => c !== undefined).map((c) => (typeof c === 'string' ? c : (c as { group: string }).group));

describe('retract.yml', () => {
  it('a stranger cannot start it: dispatch by hand only (write access), from the default branch only', async () => {
    const { wf } = await load('retract.yml');
    // No issue, comment, reaction, pull request, push or repository_dispatch can start it.
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { required?: boolean; type: string }> }).inputs;
    expect(Object.keys(inputs)).toEqual(['post_id', 'reason', 'network', 'dry_run']);
    expect(inputs.post_id!.required).toBe(true);
    expect(inputs.reason!.required).toBe(true);
    expect(wf.jobs.retract!.if).toBe('github.ref_name == github.event.repository.default_branch');
  });

  it('least privilege: no token rights at the top, only what the job writes, secrets only in the publish environment step', async () => {
    const { text, wf } = await load('retract.yml');
    expect(wf.permissions).toEqual({});
    const job = wf.jobs.retract!;
    expect(job.permissions).toEqual({ actions: 'write', contents: 'write' });
    expect(job.environment).toBe('publish');
    const withSecrets = job.steps.filter((s) => JSON.stringify(s).includes('secrets.'));
    expect(withSecrets.map((s) => s.id)).toEqual(['retract']);
    expect(text.match(/secrets\.\w+/g)?.sort()).toEqual(['secrets.BLUESKY_APP_PASSWORD', 'secrets.MASTODON_TOKEN', 'secrets.THREADS_ACCESS_TOKEN']);
    // Inputs only through the environment; the id after `--`, never read as an option.
    for (const s of job.steps) if (s.run) expect(s.run).not.toContain('${{');
    const step = job.steps.find((s) => s.id === 'retract')!;
    expect(step.run).toContain('node scripts/copydesk.ts "$@" -- "$POST_ID"');
    // Who: the person who pressed the button (or re-ran it), not whoever first started the run.
    expect(step.env?.BY).toBe('${{ github.triggering_actor }}');
    expect(step.run).toContain('--by "$BY"');
  });

  it('pins every action to the same full commit sha as the publisher', async () => {
    const { wf } = await load('retract.yml');
    const { wf: publish } = await load('publish.yml');
    const pins = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps).map((s) => s.uses).filter((u): u is string => !!u);
    expect(pins(wf).length).toBeGreaterThan(0);
    for (const u of pins(wf)) {
      expect(u).toMatch(/@[0-9a-f]{40}$/);
      expect(pins(publish)).toContain(u);
    }
    expect(wf.jobs.retract!.steps.find((s) => s.run?.includes('npm ci'))!.run).toContain('--omit=dev');
  });

  it('a queued publish tick can never cancel it: it shares no concurrency group with any workflow', async () => {
    const { wf } = await load('retract.yml');
    expect(groupsOf(wf)).toEqual([]);
    // (GitHub cancels the pending run of a group when a newer one queues: holding-workflow.test.ts.)
    for (const f of (await readdir(DIR)).filter((n) => /\.ya?ml$/.test(n) && n !== 'retract.yml')) {
      for (const g of groupsOf((await load(f)).wf)) expect(g.startsWith('copydesk-retract'), `${f}: ${g}`).toBe(false);
    }
  });

  it('is in the minutes: a normal month counts two retractions and the site builds they start', async () => {
    const files = (await readdir(DIR)).filter((n) => /\.ya?ml$/.test(n));
    const wfs = await Promise.all(files.map(async (f) => workflowBilling(f, (await load(f)).wf, { pages: false })));
    const from = Date.UTC(2027, 3, 1);
    const until = Date.UTC(2027, 4, 1);
    const idle = monthBill(wfs, { postPullRequests: 0, recordingPublishRuns: 0 }, from, until, { 'site.yml': 2 });
    const normal = monthBill(wfs, { postPullRequests: 60, recordingPublishRuns: 60, handRuns: NORMAL_HAND_RUNS }, from, until, { 'site.yml': 2 });
    const without = monthBill(wfs, { postPullRequests: 60, recordingPublishRuns: 60 }, from, until, { 'site.yml': 2 });
    expect(idle.workflows.find((w) => w.file === 'retract.yml')!.runs).toBe(0);
    expect(normal.workflows.find((w) => w.file === 'retract.yml')!.runs).toBe(2);
    // Two retract jobs (1 min) and two site builds (2 min) on top.
    expect(normal.total - without.total).toBe(2 + 2 * 2);
    expect(normal.total).toBeLessThanOrEqual(1800);
  });

  it("the step, as Actions runs it, retracts the post on the outbox and says who and why", async () => {
    const { wf } = await load('retract.yml');
    const script = wf.jobs.retract!.steps.find((s) => s.id === 'retract')!.run!;
    const repo = await tempRepo({ 'posts/p.md': postFile({ id: 'bad-date', publish_at: '2027-03-15 09:00' }, 'Market on Sunday!') });
    try {
      const env = { PATH: process.env.PATH!, HOME: process.env.HOME!, COPYDESK_ROOT: repo.root, COPYDESK_NOW: '2027-03-15T08:05:00Z', USER: 'someone' };
      await run(process.execPath, ['scripts/copydesk.ts', 'publish'], { cwd: ROOT, env });
      // A hostile id: read as the id (refused as one), never as an option.
      const bad = await run('bash', ['-e', '-c', script], { cwd: ROOT, env: { ...env, POST_ID: '--dry-run', REASON: 'x', NETWORK: 'all', DRY_RUN: 'false', BY: 'ana' } }).catch((e: { code: number; stderr: string }) => e);
      expect((bad as { code: number }).code).toBe(2);
      expect((bad as { stderr: string }).stderr).toContain('"--dry-run" is not a post id');
      const r = await run('bash', ['-e', '-c', script], { cwd: ROOT, env: { ...env, POST_ID: 'bad-date', REASON: 'wrong date; market is Saturday', NETWORK: 'mastodon', DRY_RUN: 'false', BY: 'ana', GITHUB_ACTOR: 'someone-else', COPYDESK_NOW: '2027-03-15T08:30:00Z' } });
      expect(r.stdout).toContain('by ana');
      expect(r.stdout).toContain('mastodon part 1: deleted');
      expect(r.stdout).toContain('Done: nothing of it is on the networks any more.');
      const rec = JSON.parse(await readFile(join(repo.root, 'outbox/mastodon/bad-date.0.json'), 'utf8'));
      expect(rec.removedAt).toMatch(/^2027-03-15T08:30:0\d\.\d{3}Z$/);
      const bsky = JSON.parse(await readFile(join(repo.root, 'outbox/bluesky/bad-date.0.json'), 'utf8'));
      expect(bsky.removedAt).toBeUndefined();
      const status = await run(process.execPath, ['scripts/copydesk.ts', 'status'], { cwd: ROOT, env: { ...env, COPYDESK_NOW: '2027-03-15T08:31:00Z' } });
      expect(status.stdout).toContain('bad-date on mastodon: retracted 2027-03-15T08:30Z by ana: wrong date; market is Saturday; its part was removed');
    } finally {
      await repo.cleanup();
    }
  }, 60_000);
});
