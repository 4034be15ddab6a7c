/**
 * Child process for the collector's kill -9 tests: collects from the Mastodon fake into a state
 * store and SIGKILLs itself at the worst moment, chosen by CRASH:
 * - `after-request:<n>`: once the n-th HTTP answer arrived (mid-read, nothing written yet);
 * - `mid-write`: inside the state update, after the seen ledger file was written and before the
 *   conversation files (the folder backend writes file by file);
 * - `before-push`: inside a git state update, after the change was computed, before the commit.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { collectFeedback } from '../../src/feedback/collect.ts';
import { createMastodonReader } from '../../src/feedback/mastodon-notifications.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import type { StateStore } from '../../src/state/store.ts';

const env = process.env as Record<string, string>;
const crash = env.CRASH!;
let answers = 0;
const killAfter = crash.startsWith('after-request:') ? Number(crash.split(':')[1]) : Infinity;
const fetchThenMaybeDie: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const body = await res.arrayBuffer();
  if (++answers >= killAfter) process.kill(process.pid, 'SIGKILL');
  return new Response(body, { status: res.status, headers: res.headers });
};

const inner: StateStore = env.GIT_REPO ? createGitStore({ repoDir: env.GIT_REPO, branch: 'copydesk-state', remote: 'origin' }) : createDirStore(env.STATE_DIR!);
const store: StateStore = {
  ...inner,
  refresh: () => inner.refresh(),
  read: (p) => inner.read(p),
  list: (d) => inner.list(d),
  update: (message, change) =>
    inner.update(message, async (read) => {
      const writes = await change(read);
      if (crash === 'before-push') process.kill(process.pid, 'SIGKILL');
      if (crash === 'mid-write' && writes) {
        // What the folder backend does for its first file, then the machine dies.
        for (const p of Object.keys(writes).filter((k) => k.startsWith('feedback/seen/'))) {
          await mkdir(dirname(join(env.STATE_DIR!, p)), { recursive: true });
          await writeFile(join(env.STATE_DIR!, p), writes[p]!);
        }
        process.kill(process.pid, 'SIGKILL');
      }
      return writes;
    }),
};

await collectFeedback({
  store,
  readers: [createMastodonReader({ instance: env.FAKE_URL!, token: env.FAKE_TOKEN!, fetch: fetchThenMaybeDie, timeoutMs: 5_000 })],
  now: new Date(env.NOW!),
  runId: 'doomed-run',
});
process.stdout.write('survived\n');
