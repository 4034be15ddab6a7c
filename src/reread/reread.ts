/**
 * The morning re-read: a post written last week can clash with this morning's news, so each day
 * one GitHub issue lists today's posts with their full text (per network when it differs) and
 * local times, with one-tap links to freeze everything, to hold one post and to open its page,
 * and mentions the roster. It only asks a person to read: nothing is sent by it.
 *
 * Pure: which day, which posts, whether the issue should be open or closed now, and its title and
 * body. The command (./reread-command.ts) does the GitHub and state-store work. No clock, no
 * environment: `now` and the links come in.
 *
 * When: no schedule of its own. The first publisher tick at or after `reread.time` (team zone)
 * opens the day's issue; a tick after the day's last post (or on a later day) closes it; a day
 * without posts opens nothing.
 */
import { PUBLISHABLE, type Config } from '../config/config.ts';
import { callOrder } from '../config/team.ts';
import { describeHold } from '../freeze/freeze-match.ts';
import type { Freeze } from '../freeze/freeze-state.ts';
import { code, fence, text } from '../check/markdown.ts';
import type { Network } from '../post/network.ts';
import { distinctTexts } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';
import { fmtIsoWithOffset, zoneOffset } from '../post/time.ts';

/** Label of the re-read issues (also used to find them again). */
export const REREAD_LABEL = 'copydesk-reread';

/** Marker name of day `date`'s issue (src/github/marker.ts): `<!-- copydesk:reread:2027-03-15 -->`. */
export const rereadMarker = (date: string) => `reread:${date}`;

/** Where the re-read's links go. Each is optional: without it, the link is left out and the body says how to get it. */
export interface RereadLinks {
  /** `https://github.com/owner/repo`. */
  repoUrl?: string;
  /** The site's address with its base path, e.g. `https://acme.github.io/social` (post pages are `<site>/posts/<id>/`). */
  siteUrl?: string;
}

/** One post on today's list. */
export interface RereadItem {
  /** The post's id. */
  id: string;
  /** Repository-relative file. */
  file: string;
  /** When it goes out (epoch ms). */
  at: number;
  /** `HH:MM` in the team zone. */
  localTime: string;
  /** Networks, in the post's order. */
  channels: Network[];
  /** Tags (a partial freeze by tag holds every post carrying it). */
  tags: string[];
  /** Per thread part: each distinct text with the networks that get it (one entry when all get the same). */
  parts: { text: string; networks: Network[] }[][];
}

/** What the re-read should look like at `now`. */
export type RereadDecision =
  /** Today's issue should be open with this title and body (opened, or updated in place). */
  | {
      kind: 'open';
      /** Today, `YYYY-MM-DD` in the team zone. */
      date: string;
      /** Issue title (no user text: the date and the count). */
      title: string;
      /** Issue body, without the marker. */
      body: string;
      /** Today's posts, in time order. */
      items: RereadItem[];
    }
  /** Nothing to open today (why: not yet time, no posts, disabled, all posts already out). */
  | {
      kind: 'none';
      /** Today, `YYYY-MM-DD` in the team zone. */
      date: string;
      /** Why, for the log. */
      why: string;
    };

/** `YYYY-MM-DD` of `instant` in `zone`. */
export function localDate(instant: number, zone: string): string {
  return fmtIsoWithOffset(instant, zoneOffset(instant, zone)).slice(0, 10);
}

/**
 * The instant `time` (`HH:MM`) on local `date` in `zone`. A time the clocks skip that day (02:30
 * on the night they go forward) is read one hour later; a time that happens twice, the first.
 */
export function localInstant(date: string, time: string, zone: string): number {
  const wall = Date.parse(`${date}T${time}:00Z`);
  const before = zoneOffset(wall - 12 * 3_600_000, zone);
  const after = zoneOffset(wall + 12 * 3_600_000, zone);
  const fits = [before, after].map((off) => wall - off).filter((t) => fmtIsoWithOffset(t, zoneOffset(t, zone)).slice(0, 16) === `${date}T${time}`);
  // Ambiguous: the earlier of the two; skipped: read with the offset before the change (an hour later).
  return fits.length ? Math.min(...fits) : wall - before;
}

/** The posts that go out on local `date` (team zone), in time order: drafts and posts only for checked-only networks (x, linkedin) excluded. */
export function postsOfDay(posts: readonly Post[], date: string, zone: string): Post[] {
  return posts.filter((p) => !p.draft && p.publishAt !== undefined && p.channels.some((n) => PUBLISHABLE.includes(n)) && localDate(p.publishAt, zone) === date).sort((a, b) => a.publishAt! - b.publishAt! || a.id.localeCompare(b.id));
}

/** The instant after which day `date`'s issue has nothing left to ask (its last post's time), or undefined without posts. */
export function dayEnd(posts: readonly Post[], date: string, zone: string): number | undefined {
  const day = postsOfDay(posts, date, zone);
  return day.length ? day.at(-1)!.publishAt! : undefined;
}

/** Whether an issue opened for `date` should be closed at `now`: the day is over, or its last post is out. */
export function shouldClose(posts: readonly Post[], date: string, now: number, zone: string): boolean {
  if (date < localDate(now, zone)) return true;
  const end = dayEnd(posts, date, zone);
  return end === undefined || now > end;
}

/** Today's re-read at `now`: open with this body, or nothing. */
export function rereadToday(input: { now: number; config: Config; posts: readonly Post[]; links: RereadLinks; freezes?: readonly Freeze[] }): RereadDecision {
  const { now, config } = input;
  const zone = config.timezone;
  const date = localDate(now, zone);
  if (!config.reread.enabled) return { kind: 'none', date, why: 'the morning re-read is off (`reread.enabled: false` in copydesk.config.yaml)' };
  const opens = localInstant(date, config.reread.time, zone);
  if (now < opens) return { kind: 'none', date, why: `the re-read opens at ${config.reread.time} ${zone}` };
  const day = postsOfDay(input.posts, date, zone);
  if (day.length === 0) return { kind: 'none', date, why: `no post is scheduled on ${date}` };
  if (now > day.at(-1)!.publishAt!) return { kind: 'none', date, why: `every post of ${date} is already due` };
  const items = day.map((p) => itemOf(p, zone));
  return { kind: 'open', date, items, title: `Re-read today's posts: ${date} (${items.length} ${items.length === 1 ? 'post' : 'posts'})`, body: rereadBody({ date, items, now, config, links: input.links, freezes: input.freezes ?? [] }) };
}

function itemOf(post: Post, zone: string): RereadItem {
  return {
    id: post.id,
    file: post.file,
    at: post.publishAt!,
    localTime: fmtIsoWithOffset(post.publishAt!, zoneOffset(post.publishAt!, zone)).slice(11, 16),
    channels: post.channels,
    tags: post.tags,
    parts: post.parts.map((part) => distinctTexts(part, post.channels)),
  };
}

/** `…/issues/new?template=freeze.yml&…`: the freeze form pre-filled (GitHub fills an issue form's fields from query parameters named by field id). */
export function freezeFormUrl(repoUrl: string, fields: { title: string; reason: string; terms?: string }): string {
  const q = new URLSearchParams({ template: 'freeze.yml', title: fields.title, reason: fields.reason, ...(fields.terms ? { terms: fields.terms } : {}) });
  return `${repoUrl}/issues/new?${q.toString()}`;
}

/** The issue body (the marker is added by the GitHub glue). Every post text is fenced (src/check/markdown.ts): no mention, link or HTML from a post is rendered. */
export function rereadBody(input: { date: string; items: readonly RereadItem[]; now: number; config: Config; links: RereadLinks; freezes?: readonly Freeze[] }): string {
  const { date, items, config, links } = input;
  const zone = config.timezone;
  const people = callOrder(config.roster).filter((p) => p.github).map((p) => `@${p.github}`);
  const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: zone }).format(items[0]?.at ?? input.now);
  const out: string[] = [
    `**The morning re-read for ${text(weekday)}** (times in ${text(zone)}).`,
    '',
    `${people.length ? `${people.join(' ')}: please` : 'Please'} read today's ${items.length === 1 ? 'post' : `${items.length} posts`} against this morning's news before ${items.length === 1 ? 'it goes' : 'they go'} out. Nothing here is sent; this issue only asks a person to read.${people.length ? '' : ' (Add `github:` logins to `roster:` in copydesk.config.yaml to be mentioned here.)'}`,
    '',
  ];
  // A freeze in force is said first: the reader then knows what is already held.
  for (const f of input.freezes ?? []) out.push(`> [!WARNING]`, `> Publishing is frozen: holds ${text(describeHold(f).replaceAll('`', ''))}, since ${text(f.since)} by ${text(f.by)}. Reason: ${text(f.reason)}`, '');
  if (links.repoUrl) {
    out.push(`If something must not go out: **[Freeze everything](${freezeFormUrl(links.repoUrl, { title: `Freeze: morning re-read ${date}`, reason: `Morning re-read ${date}: ` })})**, or hold one post with its own link below. The freeze form opens pre-filled; submit it to hold.`, '');
  } else {
    out.push('If something must not go out: `copydesk freeze --reason "…"` (or `--term id:<post id>` for one post). Set `repository:` in copydesk.config.yaml for one-tap links here.', '');
  }
  for (const item of items) {
    const due = item.at <= input.now ? ' (already due)' : '';
    out.push(`### ${item.localTime}${due} · ${code(item.id)} · ${item.channels.join(', ')}`, '');
    const linkBits: string[] = [];
    if (links.repoUrl) {
      linkBits.push(`[Hold this post](${freezeFormUrl(links.repoUrl, { title: `Freeze: hold ${item.id}`, reason: `Morning re-read ${date}: hold ${item.id} because `, terms: `id:${item.id}` })})`);
    }
    if (links.siteUrl) linkBits.push(`[Its page](${links.siteUrl.replace(/\/+$/, '')}/posts/${encodeURIComponent(item.id)}/)`);
    if (links.repoUrl) linkBits.push(`[The file](${links.repoUrl}/blob/main/${item.file.split('/').map(encodeURIComponent).join('/')})`);
    for (const [i, part] of item.parts.entries()) {
      if (item.parts.length > 1) out.push(`Part ${i + 1} of ${item.parts.length}:`, '');
      for (const t of part) {
        if (part.length > 1) out.push(`On ${t.networks.join(', ')}:`, '');
        out.push(fence(t.text), '');
      }
    }
    if (item.tags.length) out.push(`Tags: ${item.tags.map(text).join(', ')}`, '');
    if (linkBits.length) out.push(linkBits.join(' · '), '');
  }
  out.push('---', '', '_copydesk opens this at the first publisher run after `reread.time` and closes it after the day\'s last post. Edit a post in a pull request and the list here follows._');
  return out.join('\n');
}
