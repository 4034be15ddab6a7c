/**
 * Shared pieces for the publisher tests: posts parsed by the real parser, a channel that counts
 * what reached "the network" (for fault injection), and throwaway git repositories with a bare
 * remote, made with the git CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/config.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import type { Post } from '../../src/post/post.ts';
import type { GitHubGitFake } from '../fakes/github-git-fake.ts';
import type { Channel, FindResult, OutgoingPart, SendResult } from '../../src/publish/channel.ts';
import type { Network } from '../../src/post/network.ts';

const run = promisify(execFile);

export function testConfig(over: Partial<Config> = {}): Config {
  return { ...defaultConfig(), timezone: 'Europe/Warsaw', minSpacingMinutes: 0, maxLatenessMinutes: 120, maxPerRun: 5, ...over };
}

export interface PostSpec {
  id: string;
  at?: string;
  channels?: Network[];
  text?: string | string[];
  expires?: string;
  draft?: boolean;
  tags?: string[];
}

/** A post through the real parser (front-matter, time zone, thread split). */
export function post(spec: PostSpec, config: Config = testConfig()): Post {
  const text = Array.isArray(spec.text) ? spec.text.join('\n---\n') : (spec.text ?? `Post ${spec.id}.`);
  const fm = [
    `id: ${spec.id}`,
    spec.at ? `publish_at: "${spec.at}"` : '',
    `channels: [${(spec.channels ?? ['mastodon']).join(', ')}]`,
    spec.expires ? `expires: "${spec.expires}"` : '',
    spec.draft ? 'draft: true' : '',
    spec.tags ? `tags: [${spec.tags.join(', ')}]` : '',
  ].filter(Boolean);
  const source = `---\n${fm.join('\n')}\n---\n${text}\n`;
  const r = parsePost({ file: `posts/${spec.id}.md`, root: '/repo', bytes: new TextEncoder().encode(source), config });
  if (!r.ok) throw new Error(`test post ${spec.id} does not parse: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.post;
}

export const at = (iso: string) => Date.parse(iso);

/** What reached the fake network: one entry per accepted part. */
export interface Delivered {
  postId: string;
  part: number;
  parentId?: string;
  text: string;
  id: string;
}

/**
 * A network stand-in that really "publishes" into `delivered` and answers `find` from it, like a
 * network would. `behave` can fail a send before it reaches the network, or lose the answer after.
 */
export type Behaviour = 'ok' | 'retry' | 'failed' | 'down' | 'accept-then-lose' | 'lose-before-accept' | 'throw-after-accept';

export interface CountingNetwork {
  delivered: Delivered[];
  sends: number;
  finds: number;
  /** Channels constructed (lazy construction is part of the contract). */
  constructed: number;
  channel(): Channel;
  behave?: (part: OutgoingPart, n: number) => Behaviour | Promise<Behaviour>;
  onSent?: (part: OutgoingPart) => Promise<void> | void;
}

export function countingNetwork(name: Network): CountingNetwork {
  const net: CountingNetwork = {
    delivered: [],
    sends: 0,
    finds: 0,
    constructed: 0,
    channel() {
      net.constructed++;
      return {
        name,
        async find(part): Promise<FindResult> {
          net.finds++;
          const d = net.delivered.find((x) => x.postId === part.postId && x.part === part.part);
          return d ? { status: 'found', ref: { id: d.id } } : { status: 'absent' };
        },
        async send(part): Promise<SendResult> {
          const n = net.sends++;
          const how = (await net.behave?.(part, n)) ?? 'ok';
          if (how === 'retry') return { status: 'retry', error: `${name} answered 503` };
          if (how === 'down') return { status: 'retry', error: `${name} unreachable` };
          if (how === 'failed') return { status: 'failed', error: `${name} answered 401`, action: 'Issue a new token.' };
          if (how === 'lose-before-accept') return { status: 'unknown', error: 'connection dropped' };
          // Idempotency by key, as the real networks do within their window.
          const existing = net.delivered.find((x) => x.postId === part.postId && x.part === part.part);
          const id = existing?.id ?? `${name}-${net.delivered.length + 1}`;
          if (!existing) net.delivered.push({ postId: part.postId, part: part.part, text: part.text, id, ...(part.parent ? { parentId: part.parent.id } : {}) });
          await net.onSent?.(part);
          if (how === 'accept-then-lose') return { status: 'unknown', error: 'timed out after the request was sent' };
          if (how === 'throw-after-accept') throw new Error('process died after the network accepted');
          return { status: 'sent', ref: { id } };
        },
      };
    },
  };
  return net;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `copydesk-${prefix}-`));
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  return stdout;
}

/** A bare remote and `n` clones of it (each with one commit on main). */
export async function gitFixture(n: number): Promise<{ root: string; remote: string; clones: string[]; cleanup: () => Promise<void> }> {
  const root = await tempDir('git');
  const remote = join(root, 'remote.git');
  await run('git', ['init', '-q', '--bare', '-b', 'main', remote]);
  const seed = join(root, 'seed');
  await run('git', ['init', '-q', '-b', 'main', seed]);
  await git(seed, 'commit', '-q', '--allow-empty', '-m', 'init');
  await git(seed, 'remote', 'add', 'origin', remote);
  await git(seed, 'push', '-q', 'origin', 'main');
  const clones: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = join(root, `clone${i}`);
    await run('git', ['clone', '-q', remote, c]);
    clones.push(c);
  }
  return { root, remote, clones, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * The usual history of a team's repository on the git-backed GitHub fake: the config (Mastodon at
 * `instance`) pushed by the owner, then `posts` through a pull request by alice, approved and
 * merged by bob (both with write access); the checkout is brought up to date.
 */
export async function reviewedCheckout(hub: GitHubGitFake, instance: string, posts: Record<string, string>): Promise<void> {
  hub.roles.set('alice', 'write');
  hub.roles.set('bob', 'write');
  await hub.directPush({ 'copydesk.config.yaml': `timezone: Europe/Warsaw\nchannels:\n  mastodon:\n    instance: ${instance}\n` }, 'owner');
  const pr = await hub.openPull({ author: 'alice', files: posts });
  hub.review(pr, 'bob', 'APPROVED');
  await hub.mergePull(pr, 'merge', 'bob');
  await hub.syncCheckout();
}
