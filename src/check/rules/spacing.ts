/**
 * `schedule` (warning): two posts on the same network closer than `spacing.min_minutes`. Compared
 * with every post of the repository, not only those in this change, and naming the other post so
 * the author can move one of them. Posts already in the past and not changed are not reported.
 *
 * Linear: the repository's posts are sorted by time once per run (cached on the `allPosts`
 * array), and each post looks only at its neighbours within `min_minutes` (a binary search, then
 * a scan of the window), not at every other post.
 */
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import { fmtInZone } from '../../post/time.ts';
import type { Post } from '../../post/post.ts';
import type { Rule } from './rule.ts';
import { SCHEDULE } from './schedule.ts';

export const spacingRule: Rule = (post, { config, now, changed, allPosts }) => {
  const out: Diagnostic[] = [];
  const min = config.minSpacingMinutes * 60_000;
  const at = post.publishAt;
  if (min <= 0 || at === undefined || post.draft || (!changed && at <= now)) return out;
  const timeline = timelineOf(allPosts);
  const window: { post: Post; order: number }[] = [];
  for (let i = firstAtOrAfter(timeline, at - min + 1); i < timeline.length && timeline[i]!.at < at + min; i++) window.push(timeline[i]!);
  window.sort((a, b) => a.order - b.order);
  for (const { post: other } of window) {
    if (other.file === post.file || other.draft || other.publishAt === undefined) continue;
    const gap = Math.abs(other.publishAt - at);
    if (gap >= min) continue;
    const shared = post.channels.filter((n) => other.channels.includes(n));
    if (shared.length === 0) continue;
    out.push(diag(post.file, { line: post.lines.publish_at ?? 1 }, 'warning', SCHEDULE,
      `${describeGap(gap, other.publishAt, at)} ${other.file} (id ${other.id}, ${fmtInZone(other.publishAt, post.timezone)}) on ${shared.join(' and ')}; keep at least ${config.minSpacingMinutes} min between posts on the same network`,
      `Move one of the two posts, or accept it with <!-- copydesk-ignore ${SCHEDULE}: why -->.`));
  }
  return out;
};

interface Timed {
  post: Post;
  /** `publishAt`. */
  at: number;
  /** Position in `allPosts`, so findings keep the order the check always had. */
  order: number;
}

const timelines = new WeakMap<readonly Post[], Timed[]>();

/** The scheduled, non-draft posts sorted by time, built once per `allPosts` array. */
function timelineOf(allPosts: readonly Post[]): Timed[] {
  let t = timelines.get(allPosts);
  if (!t) {
    t = allPosts.flatMap((post, order) => (post.draft || post.publishAt === undefined ? [] : [{ post, at: post.publishAt, order }])).sort((a, b) => a.at - b.at);
    timelines.set(allPosts, t);
  }
  return t;
}

/** Index of the first entry at or after `t`. */
function firstAtOrAfter(timeline: readonly Timed[], t: number): number {
  let lo = 0;
  let hi = timeline.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeline[mid]!.at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function describeGap(gap: number, other: number, mine: number): string {
  const min = Math.round(gap / 60_000);
  if (gap === 0) return 'goes out at the same time as';
  return `goes out ${min} min ${mine > other ? 'after' : 'before'}`;
}
