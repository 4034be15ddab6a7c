/**
 * One hostile post or a hostile config never stops the commands that do not need it: through the
 * real CLI (a subprocess), the publisher and the planner skip the bad file with a message and
 * publish the others; a YAML alias bomb in the config is one clear error (file and line, no stack
 * trace) and `copydesk freeze` still works.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '../../scripts/copydesk.ts');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function cli(root: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', COPYDESK_ROOT: root, COPYDESK_NOW: '2027-03-15T08:05:00Z', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Nine levels of nine aliases: a billion "lol"s once expanded. */
export function billionLaughs(key = 'tags'): string {
  const lines = ['l0: &l0 "lol"'];
  for (let i = 1; i <= 9; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n${key}: *l9\n`;
}

const CONFIG = ['timezone: Europe/Warsaw', 'channels:', '  bluesky:', '    identifier: shop.bsky.social', '  mastodon:', '    instance: https://mastodon.example', 'publish:', '  max_lateness_minutes: 120', ''].join('\n');

async function repo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'copydesk-bad-commands-'));
  dirs.push(root);
  for (const [f, text] of Object.entries({ 'copydesk.config.yaml': CONFIG, ...files })) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), text);
  }
  return root;
}

const post = (id: string, extra = '') => `---\nid: ${id}\npublish_at: "2027-03-15 09:00"\nchannels: [mastodon]\n${extra}---\nRye is out of the oven (${id}).\n`;

describe('a hostile post among good ones', () => {
  it('publish and plan skip it with a message and still publish the others', async () => {
    const root = await repo({
      'posts/good.md': post('good'),
      'posts/alias-new.md': post('alias-new', 'tags: *new*\n'),
      'posts/bomb.md': `---\nid: bomb\npublish_at: "2027-03-15 09:00"\nchannels: [mastodon]\n${billionLaughs()}---\nBoom.\n`,
      'posts/fifty.md': post('fifty', `a: &a x\ntags: [${Array(50).fill('*a').join(', ')}]\n`),
      'posts/spring-a.md': post('Spring-Menu'),
      'posts/spring-b.md': post('spring-menu'),
    });
    const plan = await cli(root, ['plan']);
    expect(plan.stderr).not.toMatch(/\n\s+at |Error:|alias count/i);
    expect(plan.stderr).toContain('not planned: posts/bomb.md has errors');
    expect(plan.stderr).toContain('not planned: posts/alias-new.md has errors');
    expect(plan.stderr).toContain('not planned: id "spring-menu" is used by more than one post file (posts/spring-a.md, posts/spring-b.md)');
    expect(plan.stdout).toContain('good');

    const r = await cli(root, ['publish']);
    expect(r.stderr).not.toMatch(/\n\s+at |Error:|alias count/i);
    expect(r.code).toBe(0);
    for (const f of ['bomb', 'alias-new', 'fifty']) expect(r.stderr).toContain(`skipping posts/${f}.md: it has errors`);
    expect(r.stderr).toContain('skipping id "spring-menu": used by more than one post file (posts/spring-a.md, posts/spring-b.md)');
    expect((await readdir(join(root, 'outbox/mastodon'))).sort()).toEqual(['good.0.json', 'good.0.txt']);

    const check = await cli(root, ['check', '--format', 'json']);
    const findings = JSON.parse(check.stdout) as { file: string; line: number; column: number; message: string }[];
    expect(findings.find((d) => d.file === 'posts/alias-new.md')).toMatchObject({ line: 5, column: 7, message: '`tags`: aliases are not allowed in post front matter: write the value out instead of `*new*`' });
    expect(findings.find((d) => d.file === 'posts/fifty.md')).toMatchObject({ line: 6, message: expect.stringContaining('(and 49 more)') });
    expect(findings.find((d) => d.file === 'posts/spring-b.md')?.message).toBe('id "spring-menu" is already used by posts/spring-a.md as "Spring-Menu" (ids are compared ignoring upper and lower case)');
    expect(findings.filter((d) => d.file === 'posts/good.md')).toEqual([]);
  }, 60_000);
});

describe('a hostile config', () => {
  it('is one clear error naming the file and line; freeze still works', async () => {
    const root = await repo({ 'copydesk.config.yaml': `timezone: Europe/Warsaw\n${billionLaughs('watchlist')}`, 'posts/good.md': post('good') });
    const check = await cli(root, ['check', '--format', 'json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toEqual([expect.objectContaining({ file: 'copydesk.config.yaml', line: 3, column: 10, message: '`l1`: aliases are not allowed in copydesk.config.yaml: write the value out instead of `*l0` (and 81 more)' })]);
    const pub = await cli(root, ['publish']);
    expect(pub.code).toBe(1);
    expect(pub.stderr).toContain('copydesk.config.yaml:3: `l1`: aliases are not allowed in copydesk.config.yaml');
    expect(pub.stderr).not.toMatch(/\n\s+at /);
    const freeze = await cli(root, ['freeze', '--reason', 'Flood in town']);
    expect(freeze.stderr).not.toMatch(/\n\s+at /);
    expect(freeze.code).toBe(0);
    expect(await readdir(join(root, '.copydesk/state'))).toContain('freeze.json');
  }, 60_000);
});

describe('--retry', () => {
  it('is validated like a post id', async () => {
    const root = await repo({ 'posts/good.md': post('good') });
    for (const bad of ['../../etc/passwd', 'id with spaces', 'x\n@everyone', '-rf', 'a'.repeat(101)]) {
      const r = await cli(root, ['publish', `--retry=${bad}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^copydesk publish: --retry needs a post id \(letters, digits/);
    }
  }, 60_000);
});
