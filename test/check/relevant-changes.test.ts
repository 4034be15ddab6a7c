import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { changesNeedCheck } from '../../src/check/relevant-changes.ts';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '../../scripts/check-relevant.ts');

describe('changesNeedCheck', () => {
  it('skips pull requests that only touch docs, tests, benchmarks and other workflows', () => {
    expect(changesNeedCheck(['README.md'])).toMatchObject({ relevant: false });
    expect(changesNeedCheck(['test/check/x.test.ts', 'bench/plan.bench.ts', 'docs/howto.md', '.github/workflows/site.yml', 'LICENSE'])).toMatchObject({ relevant: false });
  });

  it('runs for posts, the playbook, the configuration, code, scripts, dependencies and the check workflow itself', () => {
    for (const p of ['posts/a.md', 'playbook/outage.md', 'copydesk.config.yaml', 'src/check/rules.ts', 'scripts/copydesk.ts', 'package.json', 'package-lock.json', '.nvmrc', '.npmrc', '.github/workflows/check.yml', 'astro.config.mjs']) {
      expect(changesNeedCheck([p]), p).toMatchObject({ relevant: true });
      expect(changesNeedCheck(['README.md', p]).relevant, p).toBe(true);
    }
  });

  it('runs for any image or video anywhere: a post may point its media at it', () => {
    for (const p of ['media/tart.png', 'test/fixtures/photo.jpg', 'docs/diagram.webp', 'bench/clip.mp4', 'test/fixtures/no-extension']) {
      expect(changesNeedCheck([p]).relevant, p).toBe(true);
    }
  });

  it('fails safe: an empty or unreadable list runs the check', () => {
    expect(changesNeedCheck([])).toMatchObject({ relevant: true });
    expect(changesNeedCheck(['', '  '])).toMatchObject({ relevant: true });
  });
});

describe('scripts/check-relevant.ts on a real repository', () => {
  async function repo(change: Record<string, string>): Promise<{ out: string; stdout: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'relevant-'));
    try {
      const git = (...args: string[]) => run('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
      await git('init', '-q', '-b', 'main');
      await mkdir(join(dir, 'posts'));
      await writeFile(join(dir, 'posts/a.md'), 'post\n');
      await writeFile(join(dir, 'README.md'), 'readme\n');
      await git('add', '-A');
      await git('commit', '-q', '-m', 'base');
      await git('checkout', '-q', '-b', 'pr');
      for (const [p, text] of Object.entries(change)) {
        if (text === '') await git('mv', 'posts/a.md', p);
        else await writeFile(join(dir, p), text);
      }
      await git('add', '-A');
      await git('commit', '-q', '-m', 'change');
      const output = join(dir, 'out.txt');
      const r = await run(process.execPath, [SCRIPT, 'main'], { cwd: dir, env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: output } });
      return { out: await readFile(output, 'utf8'), stdout: r.stdout };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('answers false for a README-only PR and true when a post changes, even as a rename out of posts/', async () => {
    expect((await repo({ 'README.md': 'better readme\n' })).out).toBe('relevant=false\n');
    expect((await repo({ 'posts/a.md': 'edited\n' })).out).toBe('relevant=true\n');
    // A rename shows both names (--no-renames): moving a post to docs/x.md is not "docs only".
    const moved = await repo({ 'notes.md': '' });
    expect(moved.out).toBe('relevant=true\n');
    expect(moved.stdout).toContain('posts/a.md');
  });
});
