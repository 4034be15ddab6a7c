/** Shared helpers for the check tests: fixture repositories, the library entry and the real CLI. */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { defaultConfig, type Config } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import type { Post } from '../../src/post/post.ts';
import type { CheckReport, FileReport } from '../../src/check/report.ts';
import { runCheck } from '../../src/check/run-check.ts';

export const REPO = join(import.meta.dirname, '..', '..');
export const FIXTURES = join(REPO, 'test', 'fixtures');
/** Every fixture post is scheduled in 2027, after this instant. */
export const NOW = Date.parse('2027-01-01T00:00:00Z');

export async function configOf(root: string): Promise<Config> {
  const r = await loadConfig(root);
  if (!r.ok) throw new Error(`fixture config broken: ${JSON.stringify(r.problems)}`);
  return r.config;
}

/** Run the library check on a fixture repository. */
export async function check(root: string, files?: string[], changed?: string[], now = NOW): Promise<CheckReport> {
  return runCheck({ root, config: await configOf(root), now, ...(files ? { files } : {}), ...(changed ? { changed: new Set(changed) } : {}) });
}

export function fileReport(report: CheckReport, file: string): FileReport {
  const f = report.files.find((r) => r.file === file);
  if (!f) throw new Error(`${file} was not checked`);
  return f;
}

/** A post parsed from text, as if it were `posts/test.md` of `root`. */
export function postFrom(body: string, fields: Record<string, string> = {}, config: Config = defaultConfig(), root = '/repo'): Post {
  const fm = { id: 'test', publish_at: '"2027-02-01 09:00"', channels: '[bluesky, mastodon]', ...fields };
  const source = `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${v}`).join('\n')}\n---\n${body}`;
  const r = parsePost({ file: 'posts/test.md', root, bytes: new TextEncoder().encode(source), config });
  if (!r.ok) throw new Error(`test post does not parse: ${JSON.stringify(r.problems)}`);
  return r.post;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI as a subprocess: `node scripts/copydesk.ts check …`. */
export function runCli(args: string[], opts: { root: string; env?: Record<string, string>; now?: string }): Promise<CliResult> {
  return new Promise((resolve) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', COPYDESK_ROOT: opts.root, COPYDESK_NOW: opts.now ?? '2027-01-01T00:00:00Z', ...opts.env };
    execFile(process.execPath, ['scripts/copydesk.ts', 'check', ...args], { cwd: REPO, env, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The command in this process (`checkCommand(args, ctx)`), with output captured: the same code
 * path as the CLI minus the process start, for the many command-level tests.
 */
export async function runCommand(args: string[], opts: { root: string; env?: Record<string, string>; now?: string }): Promise<CliResult> {
  const { checkCommand } = await import('../../src/check/check-command.ts');
  const { UsageError } = await import('../../src/cli/context.ts');
  let stdout = '';
  let stderr = '';
  const ctx = { root: opts.root, now: new Date(opts.now ?? '2027-01-01T00:00:00Z'), env: opts.env ?? {}, out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t) };
  try {
    return { code: await checkCommand(args, ctx), stdout, stderr };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, stdout, stderr: `${stderr}copydesk check: ${e.message}\n` };
    throw e;
  }
}

/** A private copy of a fixture repository outside the project (so git and writes never touch it). */
export async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `copydesk-${name}-`));
  await cp(join(FIXTURES, name), dir, { recursive: true });
  cleanup.push(dir);
  return dir;
}

const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
