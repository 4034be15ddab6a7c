/**
 * `schedule`: when a post goes out.
 * - `expires` must be after `publish_at` (error): the post would expire before it is sent.
 * - A new or changed post must be in the future (error): the publisher never sends late posts
 *   beyond `max_lateness_minutes`, so merging one in the past silently publishes nothing (or
 *   publishes late). Posts not changed in this change may be in the past: they went out already.
 * - A publish time inside a quiet period is a warning (the publisher holds it).
 * - The publisher only runs on its cadence (`publish.cadence`, the cron of publish.yml): a post goes
 *   out at the first tick after its time. When that tick comes later than `max_lateness_minutes`
 *   minus GitHub's start delay (30 min kept for it), the post would be missed: an error. When it is
 *   more than an hour after the time (e.g. a post at night), a warning says when it will go out.
 * - Minimum spacing between two posts on the same network is ./spacing.ts.
 */
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import { fmtInZone, fmtRelative } from '../../post/time.ts';
import { nextTick, parseCron, type Cron } from '../../schedule/cron.ts';
import type { Rule } from './rule.ts';

/** Minutes kept for GitHub starting a scheduled run late (it often does, most at the top of the hour). */
export const GITHUB_DELAY_MINUTES = 30;
const parsed = new Map<string, Cron | undefined>();
function cadence(lines: readonly string[]): Cron[] {
  return lines.flatMap((l) => {
    if (!parsed.has(l)) {
      const r = parseCron(l);
      parsed.set(l, r.ok ? r.cron : undefined);
    }
    const c = parsed.get(l);
    return c ? [c] : [];
  });
}

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
  const ticks = cadence(config.publishCrons);
  if (ticks.length) {
    const tick = nextTick(ticks, at);
    const wait = tick === undefined ? Infinity : Math.round((tick - at) / 60_000);
    const budget = config.maxLatenessMinutes - GITHUB_DELAY_MINUTES;
    const cron = config.publishCrons.map((c) => `'${c}'`).join(', ');
    if (wait > budget) {
      out.push(diag(post.file, { line }, 'error', SCHEDULE,
        tick === undefined
          ? `\`publish_at\` ${when(at)}: the publisher has no run within a week of it (cadence ${cron}), so it would be missed`
          : `\`publish_at\` ${when(at)}: the publisher's next run is ${when(tick)}, ${wait} min later (cadence ${cron}, UTC); past the lateness limit of ${config.maxLatenessMinutes} min less ${GITHUB_DELAY_MINUTES} min for GitHub's delay, it would be missed`,
        `Pick a time inside the publishing hours (the cron in .github/workflows/publish.yml and publish.cadence in copydesk.config.yaml), e.g. ${when(tick ?? at)}.`));
    } else if (wait > 60) {
      out.push(diag(post.file, { line }, 'warning', SCHEDULE,
        `\`publish_at\` ${when(at)} is outside the publishing hours: it goes out at the next run, ${when(tick!)} (${wait} min later)`,
        `Move it to ${when(tick!)} or later so the time in the post is the time it appears, or accept it with <!-- copydesk-ignore ${SCHEDULE}: why -->.`));
    }
  }
  for (const q of config.quietPeriods) {
    if (at >= q.from && at < q.until) {
      out.push(diag(post.file, { line }, 'warning', SCHEDULE,
        `\`publish_at\` ${when(at)} is in the quiet period "${q.reason}" (${when(q.from)} – ${when(q.until)}); the publisher will hold it`,
        `Move it after ${when(q.until)}, or accept it with <!-- copydesk-ignore ${SCHEDULE}: why -->.`));
    }
  }
  return out;
};
