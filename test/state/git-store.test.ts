/**
 * The ledger on real git: temporary repositories with a local bare remote. What matters to a user:
 * no ledger line is ever lost when two publishers run at once, nothing is force-pushed, and the
 * person's own checkout (work tree, index, branch) is never touched.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createGitStore } from '../../src/state/git-store.ts';
import { StateRewrittenError } from '../../src/state/store.ts';
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

describe('the state branch rewritten under copydesk (issue 9 §6)', () => {
  const rewrittenTo = async (clone: string, to: string) => git(clone, 'push', '-q', '--force', 'origin', `${to}:refs/heads/${BRANCH}`);

  test('every write moves the witness with the branch; a new clone (a fresh Actions checkout) sees it', async () => {
    const { clones, remote } = await fixture(2);
    const s = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    await s.refresh();
    await s.update('1', append('one'));
    await s.update('2', append('two'));
    const tip = (await git(remote, 'rev-parse', BRANCH)).trim();
    expect((await git(remote, 'rev-parse', `refs/copydesk/tips/${BRANCH}`)).trim()).toBe(tip);
    const fresh = createGitStore({ repoDir: clones[1]!, branch: BRANCH, remote: 'origin' });
    await fresh.refresh();
    expect(await fresh.read('ledger/p.jsonl')).toBe('one\ntwo\n');
  });

  test('force-pushed to an older commit: refused on the next refresh; nothing read, nothing written', async () => {
    const { clones, remote } = await fixture(2);
    await git(remote, 'config', 'receive.denyNonFastForwards', 'false');
    const s = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    await s.refresh();
    await s.update('1', append('intent'));
    await s.update('2', append('sent'));
    const first = (await git(remote, 'rev-list', '--reverse', BRANCH)).trim().split('\n')[0]!;
    await git(clones[1]!, 'fetch', '-q', 'origin', BRANCH);
    await rewrittenTo(clones[1]!, first);
    const fresh = createGitStore({ repoDir: clones[1]!, branch: BRANCH, remote: 'origin', sleep: fast });
    for (const store of [s, fresh]) {
      const err = await store.refresh().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(StateRewrittenError);
      expect((err as StateRewrittenError).found).toBe(first);
      await expect(store.read('ledger/p.jsonl')).rejects.toBeInstanceOf(StateRewrittenError);
      await expect(store.update('3', append('again'))).rejects.toBeInstanceOf(StateRewrittenError);
    }
    expect((await git(remote, 'rev-parse', BRANCH)).trim()).toBe(first);
  });

  test('a writer that never refreshed cannot build on the rewritten branch: the witness push is refused with it', async () => {
    const { clones, remote } = await fixture(3);
    await git(remote, 'config', 'receive.denyNonFastForwards', 'false');
    const s = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    await s.update('1', append('sent'));
    // An unrelated history replaces the branch, and an old clone that knew nothing writes on it.
    await git(clones[1]!, 'checkout', '-q', '--orphan', 'blank');
    await git(clones[1]!, 'commit', '-q', '--allow-empty', '-m', 'blank');
    await rewrittenTo(clones[1]!, 'blank');
    await git(clones[2]!, 'fetch', '-q', 'origin', `+refs/heads/${BRANCH}:refs/remotes/origin/${BRANCH}`);
    const stale = createGitStore({ repoDir: clones[2]!, branch: BRANCH, remote: 'origin', sleep: fast });
    await git(clones[2]!, 'fetch', '-q', 'origin', `+refs/copydesk/tips/*:refs/copydesk-remote/origin/tips/*`);
    await expect(stale.update('x', append('x'))).rejects.toBeInstanceOf(StateRewrittenError);
    expect((await git(remote, 'log', '--format=%s', BRANCH)).trim()).toBe('blank');
  });

  test('deleted: refused, never re-created as an empty state', async () => {
    const { clones, remote } = await fixture(1);
    const s = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    await s.update('1', append('sent'));
    await git(clones[0]!, 'push', '-q', 'origin', `:refs/heads/${BRANCH}`);
    const err = await s.refresh().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StateRewrittenError);
    expect((err as StateRewrittenError).found).toBeNull();
    expect((err as Error).message).toMatch(/was deleted/);
    await expect(s.update('2', append('x'))).rejects.toBeInstanceOf(StateRewrittenError);
    await expect(git(remote, 'rev-parse', '--verify', '--quiet', `refs/heads/${BRANCH}`)).rejects.toThrow();
  });

  test('a branch written before the witness existed is trusted once and gets one on the next write', async () => {
    const { clones, remote } = await fixture(1);
    const s = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    await s.update('1', append('old'));
    await git(clones[0]!, 'push', '-q', 'origin', `:refs/copydesk/tips/${BRANCH}`);
    const again = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    await again.refresh();
    expect(await again.read('ledger/p.jsonl')).toBe('old\n');
    await again.update('2', append('new'));
    expect((await git(remote, 'rev-parse', `refs/copydesk/tips/${BRANCH}`)).trim()).toBe((await git(remote, 'rev-parse', BRANCH)).trim());
  });

  test('without a remote: a branch reset under copydesk is refused the same way', async () => {
    const { clones } = await fixture(1);
    const repo = clones[0]!;
    await git(repo, 'remote', 'remove', 'origin');
    const s = createGitStore({ repoDir: repo, branch: BRANCH, sleep: fast });
    await s.update('1', append('one'));
    await s.update('2', append('two'));
    await git(repo, 'branch', '-f', BRANCH, `${BRANCH}~1`);
    await expect(createGitStore({ repoDir: repo, branch: BRANCH }).refresh()).rejects.toBeInstanceOf(StateRewrittenError);
  });
});

describe('a runner checkout fetches only what it reads (issue 10 §6: tick time flat over a year)', () => {
  /** A fresh checkout as actions/checkout makes one: `--depth 1`, main only. */
  const runnerClone = async (root: string, remote: string, name: string) => {
    const dir = join(root, name);
    await git(root, 'clone', '-q', '--depth', '1', `file://${remote}`, dir);
    return dir;
  };
  const count = async (repo: string, ref: string) => Number((await git(repo, 'rev-list', '--count', ref)).trim());

  test('a shallow checkout fetches the tip of a long state branch only, and its write keeps the history whole', async () => {
    const { root, remote, clones } = await fixture(1);
    const writer = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    for (let i = 0; i < 40; i++) await writer.update(`w${i}`, append(`line ${i}`));
    const runner = await runnerClone(root, remote, 'runner');
    const s = createGitStore({ repoDir: runner, branch: BRANCH, remote: 'origin', sleep: fast });
    await s.refresh();
    // One commit of the state branch reached the runner, not forty.
    expect(await count(runner, `refs/remotes/origin/${BRANCH}`)).toBe(1);
    expect((await s.read('ledger/p.jsonl'))!.trim().split('\n')).toHaveLength(40);
    await s.update('runner', append('from the runner'));
    // On the remote: the runner's commit sits on top of the forty, linear, nothing lost.
    expect(await count(remote, BRANCH)).toBe(41);
    expect((await git(remote, 'rev-list', '--merges', BRANCH)).trim()).toBe('');
    const text = await git(remote, 'show', `${BRANCH}:ledger/p.jsonl`);
    expect(text.trim().split('\n')).toEqual([...Array.from({ length: 40 }, (_, i) => `line ${i}`), 'from the runner']);
    expect((await git(remote, 'rev-parse', `refs/copydesk/tips/${BRANCH}`)).trim()).toBe((await git(remote, 'rev-parse', BRANCH)).trim());
  });

  test('two shallow runners racing: the rejected one re-applies on the other\'s tip, no line lost', async () => {
    const { root, remote, clones } = await fixture(1);
    const seed = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    for (let i = 0; i < 5; i++) await seed.update(`s${i}`, append(`seed ${i}`));
    const [a, b] = await Promise.all([runnerClone(root, remote, 'ra'), runnerClone(root, remote, 'rb')]);
    const sa = createGitStore({ repoDir: a, branch: BRANCH, remote: 'origin', sleep: fast });
    const sb = createGitStore({ repoDir: b, branch: BRANCH, remote: 'origin', sleep: fast });
    await Promise.all([sa.refresh(), sb.refresh()]);
    await sa.update('a', append('from a'));
    // b still believes the old tip: its push is rejected, it fetches (the tip only) and retries.
    await sb.update('b', append('from b'));
    expect((await git(remote, 'show', `${BRANCH}:ledger/p.jsonl`)).trim().split('\n').slice(-2)).toEqual(['from a', 'from b']);
    expect(await count(remote, BRANCH)).toBe(7);
    expect(await count(b, `refs/remotes/origin/${BRANCH}`)).toBeLessThanOrEqual(2);
  });

  test('a shallow checkout still trusts a branch someone moved forward by hand (the witness behind the tip)', async () => {
    const { root, remote, clones } = await fixture(2);
    const writer = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    for (let i = 0; i < 3; i++) await writer.update(`w${i}`, append(`line ${i}`));
    // A person adds a commit on top without copydesk: a fast-forward, the witness stays behind.
    const person = clones[1]!;
    await git(person, 'fetch', '-q', 'origin', `${BRANCH}:${BRANCH}`);
    const tree = (await git(person, 'rev-parse', `${BRANCH}^{tree}`)).trim();
    const mine = (await git(person, 'commit-tree', tree, '-p', BRANCH, '-m', 'a note by hand')).trim();
    await git(person, 'push', '-q', 'origin', `${mine}:refs/heads/${BRANCH}`);
    expect((await git(remote, 'rev-parse', `refs/copydesk/tips/${BRANCH}`)).trim()).not.toBe(mine);
    const runner = await runnerClone(root, remote, 'runner');
    const s = createGitStore({ repoDir: runner, branch: BRANCH, remote: 'origin', sleep: fast });
    await s.refresh();
    expect(await s.read('ledger/p.jsonl')).toBe('line 0\nline 1\nline 2\n');
    await s.update('runner', append('after the note'));
    expect((await git(remote, 'log', '--format=%s', '-2', BRANCH)).trim().split('\n')).toEqual(['runner', 'a note by hand']);
  });

  test('a shallow checkout refuses a branch force-pushed to an older commit or to another history', async () => {
    const { root, remote, clones } = await fixture(2);
    await git(remote, 'config', 'receive.denyNonFastForwards', 'false');
    const writer = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    for (let i = 0; i < 3; i++) await writer.update(`w${i}`, append(`line ${i}`));
    const first = (await git(remote, 'rev-list', '--reverse', BRANCH)).trim().split('\n')[0]!;
    await git(clones[1]!, 'fetch', '-q', 'origin', BRANCH);
    await git(clones[1]!, 'push', '-q', '--force', 'origin', `${first}:refs/heads/${BRANCH}`);
    const older = createGitStore({ repoDir: await runnerClone(root, remote, 'r1'), branch: BRANCH, remote: 'origin', sleep: fast });
    const err = await older.refresh().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StateRewrittenError);
    expect((err as StateRewrittenError).found).toBe(first);
    await expect(older.update('x', append('x'))).rejects.toBeInstanceOf(StateRewrittenError);
    // Another history altogether.
    await git(clones[1]!, 'checkout', '-q', '--orphan', 'blank');
    await git(clones[1]!, 'commit', '-q', '--allow-empty', '-m', 'blank');
    await git(clones[1]!, 'push', '-q', '--force', 'origin', `blank:refs/heads/${BRANCH}`);
    const other = createGitStore({ repoDir: await runnerClone(root, remote, 'r2'), branch: BRANCH, remote: 'origin', sleep: fast });
    await expect(other.refresh()).rejects.toBeInstanceOf(StateRewrittenError);
    expect((await git(remote, 'log', '--format=%s', BRANCH)).trim()).toBe('blank');
  });

  test('a full clone stays a full clone (a shallow fetch would cut its history of the state branch)', async () => {
    const { clones } = await fixture(1);
    const s = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    for (let i = 0; i < 3; i++) await s.update(`w${i}`, append(`line ${i}`));
    const again = createGitStore({ repoDir: clones[0]!, branch: BRANCH, remote: 'origin', sleep: fast });
    await again.refresh();
    expect((await git(clones[0]!, 'rev-parse', '--is-shallow-repository')).trim()).toBe('false');
    expect(await count(clones[0]!, `refs/remotes/origin/${BRANCH}`)).toBe(3);
  });
});
