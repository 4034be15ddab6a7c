/**
 * "Is publishing frozen?", shown on every check run so nobody merges a post believing it goes out
 * while the brake is pulled. Reads the state store read-only; the store module belongs to the
 * publisher and is loaded dynamically, so a missing or failing store only adds a note.
 */
import { execFile } from 'node:child_process';
import type { CommandContext } from '../cli/context.ts';
import type { Config } from '../config/config.ts';
import { FREEZE_FILE, readFreezes, type Freeze } from '../freeze/freeze-state.ts';
import type { StateStore } from '../state/store.ts';

export type FreezeRead = { ok: true; freezes: Freeze[] } | { ok: false; note: string };

/** Reading state from the remote must not hold up the check for long. */
const TIMEOUT_MS = 20_000;

export async function readFreezeState(ctx: CommandContext, config: Config): Promise<FreezeRead> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const work = (async () => {
      const { openStateStore } = (await import(new URL('../state/open-store.ts', import.meta.url).href)) as { openStateStore: (c: CommandContext, o: { readOnly: boolean; config?: Config }) => Promise<StateStore> };
      const store = await openStateStore(ctx, { readOnly: true, config });
      await store.refresh();
      return readFreezes(store);
    })();
    work.catch(() => {}); // when the timeout wins, a later failure must not become an unhandled rejection
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    });
    return { ok: true, freezes: await Promise.race([work, timeout]) };
  } catch (e) {
    const local = await fromTrackingRef(ctx.root, config.stateBranch);
    if (local) return { ok: true, freezes: local };
    // First line only, and never a URL with credentials in it.
    const why = String((e as Error).message ?? e).split('\n')[0]!.replace(/\b[a-z]+:\/\/[^\s@/]*@/gi, '').slice(0, 200);
    return { ok: false, note: `freeze state not read (${why}); this check does not know whether publishing is frozen` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The check workflow runs without git credentials, so fetching the state branch can fail on a
 * private repository; actions/checkout with `fetch-depth: 0` has fetched every branch already,
 * the state branch included, as `refs/remotes/origin/<branch>`. Undefined when that ref is absent.
 */
async function fromTrackingRef(root: string, branch: string): Promise<Freeze[] | undefined> {
  const ref = `refs/remotes/origin/${branch}`;
  if ((await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])) === undefined) return undefined;
  const text = await git(root, ['show', `${ref}:${FREEZE_FILE}`]);
  const store: Pick<StateStore, 'read'> = { read: async (path) => (path === FREEZE_FILE ? text : undefined) };
  return readFreezes(store as StateStore);
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => execFile('git', args, { cwd, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : stdout)));
}

/** One line per active freeze, for every output format. */
export function freezeLines(freezes: readonly Freeze[]): string[] {
  return freezes.map((f) => {
    const scope = f.terms.length === 0 && f.tags.length === 0
      ? 'Publishing is FROZEN: nothing goes out until someone thaws it'
      : `Publishing is partly frozen: posts ${[f.terms.length ? `mentioning ${f.terms.map((t) => `"${t}"`).join(', ')}` : '', f.tags.length ? `tagged ${f.tags.join(', ')}` : ''].filter(Boolean).join(' or ')} are held`;
    return `${scope}. Reason: ${f.reason} (by ${f.by}, since ${f.since}).`;
  });
}
