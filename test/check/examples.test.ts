/** The example posts in posts/ pass the check (exit 0), and the command explains itself. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, REPO, runCli, runCommand } from './helpers.ts';

describe('posts/ in this repository', () => {
  it('every post passes, as new posts (so they must be in the future too)', async () => {
    const examples = (await readdir(join(REPO, 'posts', 'examples'))).map((f) => `posts/examples/${f}`);
    const report = await check(REPO, undefined, [...examples, 'posts/2027/spring-menu.md']);
    const posts = report.files.filter((f) => f.file.startsWith('posts/'));
    expect(posts.length).toBeGreaterThanOrEqual(5);
    expect(posts.flatMap((f) => f.findings)).toEqual([]);
    expect(posts.find((f) => f.file.endsWith('chleb-na-zakwasie.md'))!.checks.filter((c) => !c.ran).map((c) => c.id)).toEqual(['retext-equality', 'retext-profanities']);
  });

  it('copydesk check posts/examples posts/2027 exits 0', async () => {
    const r = await runCli(['posts/examples', 'posts/2027'], { root: REPO });
    expect(r.stdout).toMatch(/\n\d+ files checked: 0 errors, 0 warnings(, \d+ accepted)?\n$/);
    expect(r.code).toBe(0);
  });
});

describe('usage', () => {
  it('--help prints the usage and exits 0; a bad --format exits 2 with one line', async () => {
    const [help, bad] = await Promise.all([runCommand(['--help'], { root: REPO }), runCommand(['--format', 'xml'], { root: REPO })]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: copydesk check \[paths…\] \[options\]/);
    expect(help.stdout).toContain('--preview-out DIR');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('copydesk check: --format must be one of human, json, github, not "xml"\n');
  });
});
