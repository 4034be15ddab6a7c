/** What `copydesk freeze` and `thaw` say, on the terminal and in the issue comment. Pure. */
import type { Post } from '../post/post.ts';
import { fmtInZone, fmtRelative } from '../post/time.ts';
import { describeHold, freezeHolds } from './freeze-match.ts';
import type { Freeze } from './freeze-state.ts';
import type { MissedPost } from './thaw-summary.ts';
import { formatMissed } from './thaw-summary.ts';

/** How far ahead the freeze report looks for posts it now holds. */
export const HELD_HORIZON_MS = 7 * 24 * 3_600_000;
const MAX_LISTED = 10;

/** Posts due from `now` within the horizon that `freeze` holds, soonest first. */
export function upcomingHeld(freeze: Freeze, posts: Post[], now: number): Post[] {
  return posts
    .filter((p) => !p.draft && p.publishAt !== undefined && p.publishAt >= now && p.publishAt <= now + HELD_HORIZON_MS && freezeHolds(freeze, p))
    .sort((a, b) => a.publishAt! - b.publishAt!);
}

/** One line per active freeze: id, what it holds, who, since when, why. */
export function describeFreeze(f: Freeze, zone: string, now: number): string {
  const since = Date.parse(f.since);
  const when = Number.isNaN(since) ? f.since : `${fmtInZone(since, zone)} (${fmtRelative(Math.min(since, now - 1), now)})`;
  return `${f.id}: holds ${describeHold(f)}; by ${f.by} since ${when}; reason: ${f.reason}${f.issue !== undefined ? ` (issue #${f.issue})` : ''}`;
}

/** The confirmation after a freeze. */
export function freezeReport(o: { freeze: Freeze; already: boolean; active: Freeze[]; held: Post[]; zone: string; now: number; storeDescription: string }): string {
  const { freeze: f, zone, now } = o;
  const lines = [
    o.already ? `ALREADY FROZEN by this issue (${f.id}): nothing changed.` : 'FROZEN: matching posts will not be published until you thaw.',
    `  id:      ${f.id}`,
    `  by:      ${f.by}, ${fmtInZone(Date.parse(f.since), zone)}`,
    `  reason:  ${f.reason}`,
    `  holds:   ${describeHold(f)}`,
    `  state:   ${o.storeDescription}`,
  ];
  const others = o.active.filter((a) => a.id !== f.id);
  if (others.length) lines.push(`Also active (${others.length}):`, ...others.map((a) => `  - ${describeFreeze(a, zone, now)}`));
  lines.push(o.held.length ? `Held in the next 7 days: ${o.held.length} post${o.held.length === 1 ? '' : 's'}` : 'No post is due in the next 7 days among those it holds.');
  for (const p of o.held.slice(0, MAX_LISTED)) lines.push(`  - ${p.id} (${p.file}), due ${fmtInZone(p.publishAt!, zone)}`);
  if (o.held.length > MAX_LISTED) lines.push(`  … and ${o.held.length - MAX_LISTED} more`);
  lines.push('Posts that fall due while frozen are missed, never sent late. Holding statements can still be sent: copydesk holding <id>.');
  lines.push(f.issue !== undefined ? `Thaw: close issue #${f.issue} (or copydesk thaw --id ${f.id}).` : `Thaw: copydesk thaw --id ${f.id}`);
  return `${lines.join('\n')}\n`;
}

/** The summary after a thaw. */
export function thawReport(o: { thawed: Freeze[]; by: string; at: number; remaining: Freeze[]; missed: MissedPost[]; zone: string; postsUnread: string[] }): string {
  const lines: string[] = [];
  for (const f of o.thawed) {
    const since = Date.parse(f.since);
    lines.push(`THAWED ${f.id} (${describeHold(f)}), frozen by ${f.by} ${Number.isNaN(since) ? f.since : fmtRelative(since, o.at).replace(/ ago$/, '')} earlier; reason was: ${f.reason}`);
  }
  lines.push(`  by:      ${o.by}, ${fmtInZone(o.at, o.zone)}`);
  if (o.remaining.length) lines.push(`STILL FROZEN by ${o.remaining.length} other freeze${o.remaining.length === 1 ? '' : 's'}:`, ...o.remaining.map((f) => `  - ${describeFreeze(f, o.zone, o.at)}`));
  else lines.push('Publishing resumes with the next scheduled run.');
  let text = `${lines.join('\n')}\n${formatMissed(o.missed, o.zone)}`;
  if (o.postsUnread.length) text += `Note: ${o.postsUnread.length} post file(s) could not be read (${o.postsUnread.slice(0, 5).join(', ')}); run copydesk check. They are not in this summary.\n`;
  return text;
}
