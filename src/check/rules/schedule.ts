/**
 * `schedule`: when a post goes out.
 * - `expires` must be after `publish_at` (error): the post would expire before it is sent.
 * - A new or changed post must be in the future (error): the publisher never sends late posts
 *   beyond `max_lateness_minutes`, so merging one in the past silently publishes nothing (or
 *   publishes late). Posts not changed in this change may be in the past: they went out already.
 * - A publish time inside a quiet period is a warning (the publisher holds it).
 * - Minimum spacing between two posts on the same network is ./spacing.ts.
 */
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import { fmtInZone, fmtRelative } from '../../post/time.ts';
import type { Rule } from './rule.ts';

export const SCHEDULE = 'schedule';

export const scheduleRule: Rule = (post, { config, now, changed }) => {
  const out: Diagnostic[] = [];
  const at = post.publishAt;
  const line = post.lines.publish_at ?? 1;
  const when = (t: number) => fmtInZone(t, post.timezone);
  if (at !== undefined && post.expires !== undefined && post.expires <= at) {
    out.push(diag(post.file, { line: post.lines.expires ?? line }, 'error', SCHEDULE,
      `\`expires\` (${when(post.expires)}) is not after \`publish_at\` (${when(at)}): the post would expire before it goes out`,
      'Make `expires` later than `publish_at`, or remove `expires`.'));
  }
  if (at === undefined || post.draft) return out;
  if (changed && at <= now) {
    out.push(diag(post.file, { line }, 'error', SCHEDULE,
      `\`publish_at\` ${when(at)} is in the past (${fmtRelative(at, now)}); a new or changed post must be scheduled in the future`,
      'Pick a time after the pull request will be merged and reviewed, e.g. tomorrow morning.'));
  }
  if (!changed && at <= now) return out;
  for (const q of config.quietPeriods) {
    if (at >= q.from && at < q.until) {
      out.push(diag(post.file, { line }, 'warning', SCHEDULE,
        `\`publish_at\` ${when(at)} is in the quiet period "${q.reason}" (${when(q.from)} – ${when(q.until)}); the publisher will hold it`,
        `Move it after ${when(q.until)}, or accept it with <!-- copydesk-ignore ${SCHEDULE}: why -->.`));
    }
  }
  return out;
};
