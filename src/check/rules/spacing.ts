/**
 * `schedule` (warning): two posts on the same network closer than `spacing.min_minutes`. Compared
 * with every post of the repository, not only those in this change, and naming the other post so
 * the author can move one of them. Posts already in the past and not changed are not reported.
 */
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import { fmtInZone } from '../../post/time.ts';
import type { Rule } from './rule.ts';
import { SCHEDULE } from './schedule.ts';

export const spacingRule: Rule = (post, { config, now, changed, allPosts }) => {
  const out: Diagnostic[] = [];
  const min = config.minSpacingMinutes * 60_000;
  const at = post.publishAt;
  if (min <= 0 || at === undefined || post.draft || (!changed && at <= now)) return out;
  for (const other of allPosts) {
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

function describeGap(gap: number, other: number, mine: number): string {
  const min = Math.round(gap / 60_000);
  if (gap === 0) return 'goes out at the same time as';
  return `goes out ${min} min ${mine > other ? 'after' : 'before'}`;
}
