/**
 * What a thaw leaves behind: posts that were due while a freeze held them. They are missed for
 * good (never sent late: the moment and the review belonged to another time); each needs a new
 * pull request with a new `publish_at` and a new review (the publisher's plan gives a post moved to
 * a later time a new chance: src/schedule/plan.ts). Pure.
 */
import { PUBLISHABLE } from '../config/config.ts';
import type { Post } from '../post/post.ts';
import { fmtInZone } from '../post/time.ts';
import type { Network } from '../post/network.ts';
import { latestByPart, partKey, type LedgerEvent } from '../schedule/ledger.ts';
import { freezeHolds } from './freeze-match.ts';
import { retractionCovering } from '../schedule/retraction.ts';
import type { Freeze } from './freeze-state.ts';

const CLOCK_SLACK_MS = 60 * 60_000;

/** A post the freeze made miss its time. */
export interface MissedPost {
  /** The post. */
  post: Post;
  /** The thawed freezes that held it when it fell due. */
  freezes: Freeze[];
  /** Networks it did not (fully) go out on. */
  unsent: Network[];
}

/** Networks of `post` on which some part has no `sent` event. */
export function unsentNetworks(post: Post, latest: ReturnType<typeof latestByPart>): Network[] {
  return post.channels
    .filter((n) => PUBLISHABLE.includes(n))
    .filter((n) => post.parts.some((p) => latest.get(partKey(post.id, n, p.index))?.state !== 'sent'));
}

/**
 * Posts a freeze in `thawed` stopped, not already sent, ordered by time: due before the thaw
 * (`until`) and either due during the freeze or due before it but not yet out when it began (the
 * publisher's plan misses both: src/schedule/plan.ts). A post already missed or expired for another
 * reason before the freeze began is not the freeze's.
 */
export function missedDuringFreezes(thawed: Freeze[], until: number, posts: Post[], ledger: LedgerEvent[]): MissedPost[] {
  const latest = latestByPart(ledger);
  const out: MissedPost[] = [];
  for (const post of posts) {
    if (post.draft || post.publishAt === undefined) continue;
    const at = post.publishAt;
    // Missed or expired well before the freeze began (an hour of slack for the clock of the machine
    // that pulled it): that was not the freeze's doing.
    const endedBefore = (since: number) =>
      ledger.some((e) => e.postId === post.id && (e.state === 'missed' || e.state === 'expired') && Date.parse(e.at) >= at && Date.parse(e.at) < since - CLOCK_SLACK_MS);
    const holding = thawed.filter((f) => at < until && freezeHolds(f, post) && (Date.parse(f.since) <= at || !endedBefore(Date.parse(f.since))));
    if (!holding.length) continue;
    if (post.expires !== undefined && post.expires <= at) continue;
    // A network the post was retracted on is not "missed": it was taken back on purpose.
    const own = ledger.filter((e) => e.postId === post.id);
    const unsent = unsentNetworks(post, latest).filter((n) => !retractionCovering(own, n));
    if (unsent.length) out.push({ post, freezes: holding, unsent });
  }
  return out.sort((a, b) => a.post.publishAt! - b.post.publishAt! || a.post.id.localeCompare(b.post.id));
}

/** The thaw summary for people (plain text, also fine as Markdown). */
export function formatMissed(missed: MissedPost[], zone: string): string {
  if (!missed.length) return 'No post fell due during the freeze: nothing was missed.\n';
  const lines = [
    `${missed.length} post${missed.length === 1 ? '' : 's'} fell due during the freeze and ${missed.length === 1 ? 'is' : 'are'} now missed (never sent late):`,
    ...missed.map((m) => `  - ${m.post.id} (${m.post.file}), due ${fmtInZone(m.post.publishAt!, zone)}, not sent on ${m.unsent.join(', ')}`),
    'Each one needs a new pull request with a new `publish_at` and a new review: the moment, and the approval, belonged to another time.',
  ];
  return `${lines.join('\n')}\n`;
}
