/** Shared fixtures for the crisis tests: a throwaway repository, posts, a command context. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandContext } from '../../src/cli/context.ts';

/** A config for tests: team zone Warsaw, no spacing, generous per-run cap. */
export const TEST_CONFIG = `timezone: Europe/Warsaw
lang: en
channels:
  bluesky:
    service: https://bsky.social
    identifier: bakery.bsky.social
  mastodon:
    instance: https://mastodon.example
spacing:
  min_minutes: 0
publish:
  max_lateness_minutes: 120
  max_per_run: 10
quiet_periods:
  - from: "2027-12-24 00:00"
    until: "2027-12-27 00:00"
    reason: Christmas closure
`;

/** Front-matter + body of a post file. */
export function postFile(fm: { id: string; publish_at?: string; channels?: string[]; tags?: string[]; draft?: boolean }, ...parts: string[]): string {
  const lines = ['---', `id: ${fm.id}`];
  if (fm.publish_at) lines.push(`publish_at: "${fm.publish_at}"`);
  lines.push(`channels: [${(fm.channels ?? ['bluesky', 'mastodon']).join(', ')}]`);
  if (fm.tags) lines.push(`tags: [${fm.tags.join(', ')}]`);
  if (fm.draft) lines.push('draft: true');
  lines.push('---');
  return `${lines.join('\n')}\n${parts.join('\n---\n')}\n`;
}

/** A temporary repository root with the given files (path → content). */
export async function tempRepo(files: Record<string, string>, config = TEST_CONFIG): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'copydesk-crisis-'));
  await writeFiles(root, { 'copydesk.config.yaml': config, ...files });
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** A context whose output is captured. Environment: only what the test gives (plus PATH/HOME for git). */
export function context(root: string, now: string | Date, env: Record<string, string | undefined> = {}): { ctx: CommandContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    root,
    now: typeof now === 'string' ? new Date(now) : now,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, USER: 'local-user', ...env },
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  };
  return { ctx, out: () => out, err: () => err };
}

/** Runs git in `cwd` with a fixed identity and dates when given. */
export function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com', ...env },
  });
}

/** A bare "origin" and `n` clones of it, each holding `files` (committed on main). */
export async function clonesWithOrigin(n: number, files: Record<string, string>): Promise<{ origin: string; clones: string[]; cleanup: () => Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'copydesk-origin-'));
  const origin = join(base, 'origin.git');
  git(base, ['init', '-q', '--bare', '-b', 'main', origin]);
  const seed = join(base, 'seed');
  git(base, ['init', '-q', '-b', 'main', seed]);
  await writeFiles(seed, { 'copydesk.config.yaml': TEST_CONFIG, ...files });
  git(seed, ['add', '-A']);
  git(seed, ['commit', '-q', '-m', 'seed']);
  git(seed, ['push', '-q', origin, 'main']);
  const clones: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = join(base, `clone${i}`);
    git(base, ['clone', '-q', origin, c]);
    clones.push(c);
  }
  return { origin, clones, cleanup: () => rm(base, { recursive: true, force: true }) };
}
