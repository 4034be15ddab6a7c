/**
 * `copydesk publish --retry <post id>`: a person says "I fixed it, try again". A failure is never
 * retried on its own; this appends, for each failed part of the post, a `failed` event whose
 * `retryAt` is now, which the plan reads as "may be sent again". The same goes for a part whose
 * read-back could not be certain (`unknown` with an action): the person looked and it is not there.
 * History is kept (append only).
 */
import type { LedgerEvent } from '../schedule/ledger.ts';
import { appendEvents, ledgerPath, parseLedgerFile } from '../schedule/ledger.ts';
import { lastPartEvent } from '../schedule/ledger-write.ts';
import type { StateStore } from '../state/store.ts';

export type RetryResult =
  | { ok: true; cleared: LedgerEvent[]; text: string }
  | { ok: false; text: string };

export async function clearFailures(store: StateStore, postId: string, opts: { runId: string; now: Date; by: string; known: boolean }): Promise<RetryResult> {
  let cleared: LedgerEvent[] = [];
  let seen: LedgerEvent[] = [];
  await store.update(`publish: retry ${postId} requested by ${opts.by}`, async (read) => {
    const path = ledgerPath(postId);
    const text = await read(path);
    seen = parseLedgerFile(text);
    cleared = [];
    const keys = new Set(seen.map((e) => `${e.network}\u0000${e.part}`));
    for (const k of keys) {
      const [network, part] = k.split('\u0000') as [string, string];
      const last = lastPartEvent(seen, network, Number(part));
      // A read-back that could not be certain (`unknown` with an action): the person looked, found
      // it was not sent, and says so with --retry; it becomes a plain retry.
      const uncertain = last?.state === 'unknown' && last.action !== undefined;
      if (!last || (!uncertain && (last.state !== 'failed' || (last.retryAt !== undefined && last.retryAt <= opts.now.getTime())))) continue;
      const { action: _done, hash: _h, partsTotal: _n, ...rest } = last;
      cleared.push({ ...rest, state: 'failed', at: opts.now.toISOString(), runId: opts.runId, retryAt: opts.now.getTime(), reason: uncertain ? `${opts.by} checked the network: not there; retry requested` : `retry requested by ${opts.by}` });
    }
    return cleared.length ? { [path]: appendEvents(text, cleared) } : null;
  });
  if (!opts.known && seen.length === 0) return { ok: false, text: `no post with id "${postId}" (ids are the \`id:\` field of a post, not its file name)` };
  if (!cleared.length) {
    const missed = seen.some((e) => e.state === 'missed' || e.state === 'expired');
    return { ok: true, cleared, text: `nothing to retry for ${postId}: no failed part${missed ? ' (it is missed or expired: reschedule it with a new pull request to publish it)' : ''}\n` };
  }
  return { ok: true, cleared, text: `retry: ${cleared.map((e) => `${e.network} part ${e.part + 1}`).join(', ')} of ${postId} will be tried again in this run\n` };
}
