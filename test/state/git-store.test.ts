/**
 * The ledger on real git: temporary repositories with a local bare remote. What matters to a user:
 * no ledger line is ever lost when two publishers run at once, nothing is force-pushed, and the
 * person's own checkout (work tree, index, branch) is never touched.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createGitStore } from '../../src/state/git-store.ts';
import { git, gitFixture } from '../publish/publisher-helpers.ts';

const BRANCH = 'copydesk-state';
const fast = async () => {};
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});
async function fixture(n: number) {
  const f = await gitFixture(n);
  cleanups.push(f.cleanup);
  // A remote that refuses non-fast-forward updates: a force push would fail loudly here.
  await git(f.remote, 'config', 'receive.denyNonFastForwards', 'true');
  return f;
}
const append = (line: string) => async (read: (p: string) => Promise<string | undefined>) => ({ 'ledger/p.jsonl': ((await read('ledger/p.jsonl')) ?? '') + line + '\n' });

describe('git state store', () => {
  test('creates the branch as an orphan on the remote without touching the work tree, index or HEAD', async () => {
    const { clones, remote } = await fixture(2);
    const [a, b] = clones as [string, string];
    await writeFile(join(a, 'draft.md'), 'work in progress\n');
    await git(a, 'add', 'draft.md');
    const statusBefore = await git(a, 'status', '--porcelain');
    const headBefore = await git(a, 'rev-parse', 'HEAD');

    const store = createGitStore({ repoDir: a, branch: BRANCH, remote: 'origin' });
    await store.refresh();
    expect(await store.read('ledger/p.jsonl')).toBeUndefined();
    await store.update('first', append('{"n":1}'));

    expect(await git(a, 'status', '--porcelain')).toBe(statusBefore);
    expect(await git(a, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect((await git(a, 'symbolic-ref', 'HEAD')).trim()).toBe('refs/heads/main');
    // Orphan: one commit, no parent, only the state files.
    expect((await git(remote, 'rev-list', '--parents', BRANCH)).trim().split(' ')).toHaveLength(1);
    expect((await git(remote, 'ls-tree', '-r', '--name-only', BRANCH)).trim()).toBe('ledger/p.jsonl');

    const other = createGitStore({ repoDir: b, branch: BRANCH, remote: 'origin' });
    await other.refresh();
    expect(await other.read('ledger/p.jsonl')).toBe('{"n":1}\n');
    expect(await other.list('ledger')).toEqual(['ledger/p.jsonl']);
  });

  test('a rejected push is fetched, re-applied on the new tip and retried', async () => {
    const { clones, remote } = await fixture(2);
    const sleeps: number[] = [];
    const a = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: async (ms) => void sleeps.push(ms) });
    const b = createGitStore({ repoDir: clones[1]!, branch: BRANCH, remote: 'origin' });
    await a.refresh();
    await b.refresh();
    await b.update('b', append('from b'));
    // `a` still believes the branch does not exist: its first push is rejected.
    const seen: (string | undefined)[] = [];
    await a.update('a', async (read) => {
      const cur = await read('ledger/p.jsonl');
      seen.push(cur);
      return { 'ledger/p.jsonl': (cur ?? '') + 'from a\n' };
    });
    expect(seen).toEqual([undefined, 'from b\n']);
    expect(sleeps).toHaveLength(1);
    expect(await git(remote, 'show', `${BRANCH}:ledger/p.jsonl`)).toBe('from b\nfrom a\n');
  });

  test('two publishers racing on two clones: no entry lost, history linear, never forced', async () => {
    const { clones, remote } = await fixture(2);
    const stores = clones.map((c) => createGitStore({ repoDir: c, branch: BRANCH, remote: 'origin', sleep: fast, maxAttempts: 50 }));
    let retries = 0;
    const N = 4;
    await Promise.all(
      stores.map(async (s, i) => {
        await s.refresh();
        for (let k = 0; k < N; k++) {
          let calls = 0;
          await s.update(`store ${i} line ${k}`, async (read) => {
            if (calls++) retries++;
            return append(`{"store":${i},"k":${k}}`)(read);
          });
        }
      }),
    );
    const lines = (await git(remote, 'show', `${BRANCH}:ledger/p.jsonl`)).trim().split('\n');
    expect(lines).toHaveLength(2 * N);
    for (let i = 0; i < 2; i++) for (let k = 0; k < N; k++) expect(lines).toContain(`{"store":${i},"k":${k}}`);
    // Each store's own lines stay in order.
    for (let i = 0; i < 2; i++) expect(lines.filter((l) => l.includes(`"store":${i}`))).toEqual([...Array(N).keys()].map((k) => `{"store":${i},"k":${k}}`));
    expect((await git(remote, 'rev-list', '--merges', BRANCH)).trim()).toBe('');
    expect((await git(remote, 'rev-list', '--count', BRANCH)).trim()).toBe(String(2 * N));
    expect(retries).toBeGreaterThan(0);
  });

  test('without a remote: a local branch only, with the same compare-and-swap', async () => {
    const { clones } = await fixture(1);
    const repo = clones[0]!;
    await git(repo, 'remote', 'remove', 'origin');
    const s1 = createGitStore({ repoDir: repo, branch: BRANCH, sleep: fast });
    const s2 = createGitStore({ repoDir: repo, branch: BRANCH, sleep: fast });
    await Promise.all([s1.update('1', append('one')), s2.update('2', append('two'))]);
    const text = await git(repo, 'show', `${BRANCH}:ledger/p.jsonl`);
    expect(text.trim().split('\n').sort()).toEqual(['one', 'two']);
  });

  test('read-only never commits or pushes', async () => {
    const { clones, remote } = await fixture(1);
    const s = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', readOnly: true });
    await expect(s.update('x', append('x'))).rejects.toThrow(/read-only/);
    await expect(git(remote, 'rev-parse', '--verify', '--quiet', BRANCH)).rejects.toThrow();
  });

  test('a credential inside the remote URL never appears in an error', async () => {
    const { clones } = await fixture(1);
    await git(clones[0]!, 'remote', 'set-url', 'origin', 'https://x-access-token:ghs_SECRETVALUE123@127.0.0.1:9/nowhere.git');
    const s = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin' });
    const err = await s.refresh().then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/cannot fetch copydesk-state from origin/);
    expect(err!.message).not.toContain('ghs_SECRETVALUE123');
  });
});
