/**
 * Generated hostile files, a few hundred at once in one temporary repository, through the real
 * CLI (`copydesk check` in a subprocess, with the worker threads a run of 200+ files uses): every
 * file gets a verdict, no internal error text reaches the user, the good posts still pass, and a
 * file that makes a worker take too long is stopped without costing the others their verdicts.
 * The time bounds are generous safety nets; speed figures belong in bench/.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.ts';

interface Finding { file: string; line: number; severity: string; ruleId: string; message: string; fix?: string }

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const FM = (id: string) => `---\nid: ${id}\npublish_at: "2027-02-01 09:00"\nchannels: [bluesky, mastodon]\n---\n`;
const KB240 = 240 * 1024;
const fill = (unit: string, size = KB240) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Families of hostile bodies (each a few variants), all under the 256 KB file limit. */
function hostileBodies(): Record<string, string> {
  const out: Record<string, string> = {};
  const families: Record<string, string[]> = {
    hash: ['#a', '#a ', '# a\n', '#'],
    nested: ['(', '[', '{', '<', '>', '> ', '- ', '* ', '1. ', '*_', '_*', '![', '[]('],
    dots: ['.', 'a.', 'a.b.', '. ', '…', 'www.a.'],
    spaces: [' ', '\t', ' \n', '\u00a0'],
    comments: ['<!--', '<!-- copydesk-ignore length: ', '-->'],
    urls: ['https://a.b/', 'http://', '@a.b '],
  };
  for (const [family, units] of Object.entries(families)) {
    for (const [i, unit] of units.entries()) {
      out[`${family}-${i}-240k`] = fill(unit);
      out[`${family}-${i}-40k`] = fill(unit, 40_000) + 'x';
      out[`${family}-${i}-8k`] = fill(unit, 8_000) + 'x';
    }
  }
  out['spaces-40000'] = ' '.repeat(40_000) + 'x';
  out['thread-10000'] = Array.from({ length: 10_000 }, (_, i) => `part ${i}`).join('\n---\n');
  out['thread-51'] = Array.from({ length: 51 }, (_, i) => `part ${i}`).join('\n---\n');
  out['deep-quote-line'] = '> '.repeat(21) + 'deep';
  return out;
}

const GOOD = ['Our rye loaves are back on Thursday. Come early, we bake twelve.', 'Fresh buns at seven (and coffee).', 'Closed on Monday for stocktaking. See you Tuesday!', 'New: a cardamom knot. Ask for a taste at the counter.'];

describe('a few hundred generated hostile files', () => {
  it('every file gets a verdict, the good ones pass, and no internal error text reaches the user', { timeout: 240_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'copydesk-hostile-'));
    dirs.push(root);
    await mkdir(join(root, 'posts', 'dir.md'), { recursive: true });
    await writeFile(join(root, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\nchannels:\n  bluesky: {}\n  mastodon: {}\n');
    const hostile: string[] = [];
    const good: string[] = [];
    const put = async (file: string, text: string, list: string[]) => {
      await writeFile(join(root, file), text);
      list.push(file);
    };
    for (const [name, body] of Object.entries(hostileBodies())) await put(`posts/h-${name}.md`, FM(`h-${name}`) + body, hostile);
    await put('posts/h-alias-new.md', FM('h-alias-new').replace('---\n', '---\ntags: *new*\n'), hostile);
    await put('posts/h-alias-fifty.md', FM('h-alias-fifty').replace('---\n', `---\na: &a x\ntags: [${Array(50).fill('*a').join(',')}]\n`), hostile);
    await put('posts/h-js.md', `---js\n{ id: 'h-js' }\n---\nJavaScript front-matter.\n`, hostile);
    await put('posts/h-not-closed.md', FM('h-not-closed').replace(/---\n$/, '\n'), hostile);
    await put('posts/h-binary.md', FM('h-binary') + '\u0000\u0001', hostile);
    // A named pipe, a symbolic link to a good post, and a folder named like a post.
    execFileSync('mkfifo', [join(root, 'posts', 'h-fifo.md')]);
    hostile.push('posts/h-fifo.md');
    for (let i = 0; i < 220; i++) await put(`posts/good-${String(i).padStart(3, '0')}.md`, FM(`good-${i}`).replace('2027-02-01 09:00', `2027-03-${String(1 + (i % 28)).padStart(2, '0')} ${String(8 + Math.floor(i / 28)).padStart(2, '0')}:00`) + GOOD[i % GOOD.length]!, good);
    await symlink('good-000.md', join(root, 'posts', 'h-symlink.md'));
    hostile.push('posts/h-symlink.md');
    await put('posts/dir.md/inside.md', FM('inside-dir') + 'A post in a folder named like a file.', good);
    expect(hostile.length).toBeGreaterThan(100);
    expect(good.length).toBeGreaterThan(200);

    const started = performance.now();
    const r = await runCli(['--format', 'json', ...hostile, 'posts/dir.md', ...good.filter((f) => !f.startsWith('posts/dir.md/'))], { root, env: { COPYDESK_WORKERS: '1' } });
    const ms = performance.now() - started;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as Finding[];
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    const verdictless = hostile.filter((f) => !(byFile.get(f) ?? []).some((d) => d.severity === 'error' && d.fix));
    expect(verdictless).toEqual([]);
    expect(good.filter((f) => (byFile.get(f) ?? []).some((d) => d.severity === 'error'))).toEqual([]);
    expect(r.stdout).not.toMatch(/Maximum call stack|EISDIR|ENOENT|ELOOP|EAGAIN|RangeError|\n\s+at .*:\d+:\d+/);
    expect(r.stdout).not.toContain(root);
    expect(byFile.get('posts/h-symlink.md')![0]!.message).toContain('is a symbolic link: symbolic links are refused');
    expect(byFile.get('posts/h-fifo.md')![0]!.message).toBe('posts/h-fifo.md is a named pipe (fifo), not a plain file: it was not read');
    expect(byFile.get('posts/h-thread-10000.md')![0]!.message).toBe('the thread has 10,000 parts; a post may have at most 50');
    expect(byFile.get('posts/h-dots-0-240k.md')![0]!.message).toMatch(/^the post text is 245,760 characters; a part may be at most 5,000/);
    expect(byFile.get('posts/h-not-closed.md')![0]!.message).toMatch(/^the front-matter is not closed/);
    // Safety net only (measured: see bench/); before the limits, one 240 KB dotted run took > 60 s.
    expect(ms).toBeLessThan(180_000);
  });

  // Skipped: the generated slow post no longer exceeds the 0.2 s per-file limit on this machine, so
  // the test fails whether or not the time limit works (seen on untouched main too). It needs a post
  // that is provably slow within the 5,000-character limit; until then the limit is untested (issue 10 note).
  it.skip('a file that keeps a worker busy too long is stopped; the files after it keep their verdicts', { timeout: 240_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'copydesk-slow-'));
    dirs.push(root);
    await mkdir(join(root, 'posts'), { recursive: true });
    await writeFile(join(root, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\nchannels:\n  bluesky: {}\n');
    const files: string[] = [];
    const put = async (file: string, text: string) => {
      await writeFile(join(root, file), text.replace('channels: [bluesky, mastodon]', 'channels: [bluesky]'));
      files.push(file);
    };
    for (let i = 0; i < 200; i++) await put(`posts/a-${String(i).padStart(3, '0')}.md`, FM(`a-${i}`) + GOOD[i % GOOD.length]!);
    // Within every size limit, but ~0.5 s of work on a quiet machine for the Markdown-to-text step
    // (nested emphasis), against a 0.2 s limit; the ordinary posts take a few milliseconds each.
    await put('posts/m-slow.md', FM('m-slow') + '*_'.repeat(2400));
    await put('posts/z-profane.md', FM('z-profane') + 'No shit, the bread is good.');
    const r = await runCli(['--format', 'json', ...files], { root, env: { COPYDESK_WORKERS: '1', COPYDESK_FILE_TIMEOUT: '0.2' } });
    expect(r.stderr).toBe('');
    const findings = JSON.parse(r.stdout) as Finding[];
    expect(findings.filter((d) => d.file === 'posts/m-slow.md')).toContainEqual(expect.objectContaining({ line: 1, severity: 'error', ruleId: 'took-too-long', message: 'the English checks took too long on this post (more than 0.2 s) and were stopped; the other files were checked' }));
    expect(findings.filter((d) => d.file === 'posts/z-profane.md').map((d) => [d.severity, d.ruleId])).toEqual([['error', 'shit']]);
    expect(findings.filter((d) => d.file.startsWith('posts/a-'))).toEqual([]);
  });
});
