import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError, type CommandContext } from '../../src/cli/context.ts';
import { commentPreviewCommand } from '../../src/github/comment-preview-command.ts';
import { setupCommand } from '../../src/github/setup-command.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

let fake: GitHubFake;

beforeEach(async () => {
  fake = await startGitHubFake();
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

function context(env: Record<string, string>): CommandContext & { output: string[]; errors: string[] } {
  const output: string[] = [];
  const errors: string[] = [];
  return {
    root: ROOT,
    now: new Date(Date.UTC(2027, 0, 14, 9)),
    env: { GITHUB_API_URL: fake.baseUrl, GITHUB_REPOSITORY: 'acme/social', ...env },
    out: (t) => void output.push(t),
    err: (t) => void errors.push(t),
    output,
    errors,
  };
}

describe('copydesk setup github', () => {
  it('runs as a real process: --check exits 1 naming the drift, apply fixes it, --check exits 0', async () => {
    const env = { ...process.env, GITHUB_API_URL: fake.baseUrl, GITHUB_REPOSITORY: 'acme/social', COPYDESK_ADMIN_TOKEN: 'ghp_cli_secret' };
    const cli = (args: string[]) =>
      run(process.execPath, ['scripts/copydesk.ts', ...args], { cwd: ROOT, env }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    // The repository's own CODEOWNERS, as it is on the default branch.
    fake.pushCommit('main', { '.github/CODEOWNERS': await readFile(join(ROOT, '.github/CODEOWNERS'), 'utf8') });
    const drift = await cli(['setup', 'github', '--check']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('- ruleset.copydesk: is missing');
    expect(drift.stdout).toContain('- ruleset.copydesk-state: is missing');
    expect(drift.stdout + drift.stderr).not.toContain('ghp_cli_secret');

    const applied = await cli(['setup', 'github']);
    expect(applied.code).toBe(0);
    const fine = await cli(['setup', 'github', '--check']);
    expect(fine).toMatchObject({ code: 0 });
    expect(fine.stdout).toMatch(/as copydesk wants them/);
  });

  it('says which token to set when none is', async () => {
    const ctx = context({});
    await expect(setupCommand(['github', '--check'], ctx)).rejects.toThrow(/COPYDESK_ADMIN_TOKEN or GITHUB_TOKEN/);
    expect(fake.requests).toEqual([]);
  });

  it('rejects a missing target and contradictory modes', async () => {
    const ctx = context({ GITHUB_TOKEN: 't' });
    await expect(setupCommand([], ctx)).rejects.toBeInstanceOf(UsageError);
    await expect(setupCommand(['github', '--check', '--dry-run'], ctx)).rejects.toThrow(/choose one/);
  });

  it('--dry-run prints the plan and exits 0 without writing', async () => {
    const ctx = context({ GITHUB_TOKEN: 'ghs_x' });
    expect(await setupCommand(['github', '--dry-run'], ctx)).toBe(0);
    expect(ctx.output.join('')).toMatch(/would change \d+ settings/);
    expect(fake.writes()).toEqual([]);
  });
});

describe('copydesk comment-preview', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'copydesk-cmd-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('posts the preview (exit 0), refuses a forged artifact (exit 1), and shrugs at a stale one (exit 0)', async () => {
    const pr = fake.openPull({ author: 'fork-user', files: { 'posts/a.md': 'v1\n' } });
    const head = fake.pulls.get(pr)!.headSha;
    await writeFile(join(dir, 'pr.json'), JSON.stringify({ number: pr, headSha: head }));
    await writeFile(join(dir, 'preview.md'), 'Preview text');

    const ok = context({ GITHUB_TOKEN: 'ghs_x' });
    expect(await commentPreviewCommand(['--dir', dir, '--run-head-sha', head], ok)).toBe(0);
    expect(fake.comments.filter((c) => c.issue === pr)).toHaveLength(1);

    const forged = context({ GITHUB_TOKEN: 'ghs_x' });
    expect(await commentPreviewCommand(['--dir', dir, '--run-head-sha', 'b'.repeat(40)], forged)).toBe(1);
    expect(forged.errors.join('')).toMatch(/Preview not posted/);

    fake.pushToPull(pr, { 'posts/a.md': 'v2\n' });
    const stale = context({ GITHUB_TOKEN: 'ghs_x' });
    expect(await commentPreviewCommand(['--dir', dir, '--run-head-sha', head], stale)).toBe(0);
    expect(stale.output.join('')).toMatch(/newer push/);
    expect(fake.comments.filter((c) => c.issue === pr)).toHaveLength(1);
  });

  it('requires --dir and --run-head-sha', async () => {
    const ctx = context({ GITHUB_TOKEN: 'ghs_x' });
    await expect(commentPreviewCommand(['--run-head-sha', 'a'.repeat(40)], ctx)).rejects.toThrow(/--dir is required/);
    await expect(commentPreviewCommand(['--dir', '/tmp'], ctx)).rejects.toThrow(/--run-head-sha is required/);
  });
});
