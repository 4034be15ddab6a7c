/**
 * Which freezes hold which posts, and when each freeze was in force. A full freeze holds every
 * post; a partial one holds posts carrying one of its tags or whose text contains one of its terms
 * (case-insensitive, whole words, so a freeze on "flood" does not hold "floodlight").
 */
import type { Freeze, FreezeLogEvent } from '../freeze/freeze-state.ts';
import { isFullFreeze } from '../freeze/freeze-state.ts';
import { partTexts } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';

/** A freeze and the time it was in force. */
export interface FreezeInterval {
  /** The freeze. */
  freeze: Freeze;
  /** Start (epoch ms). */
  from: number;
  /** End (epoch ms, exclusive); `Infinity` while it is still active. */
  until: number;
}

/** Compiled matcher of one freeze (built once per plan, used for every post). */
export type FreezeMatcher = (post: Post) => boolean;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const normTag = (t: string) => t.trim().replace(/^#/, '').toLowerCase();

/** Whole-word, case-insensitive pattern for any of `terms` (undefined when there are none). */
export function termsPattern(terms: string[]): RegExp | undefined {
  const list = terms.map((t) => t.trim()).filter(Boolean);
  return list.length ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${list.map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'iu') : undefined;
}

/**
 * A term `id:<post id>` holds exactly that post (compared with its id, case-insensitively, never
 * searched in text): the "hold this post" links of the morning re-read (src/reread/) pre-fill
 * the freeze form's "Hold only posts mentioning" field with it, and `copydesk freeze --term
 * id:<post id>` does the same from a terminal.
 */
export const POST_ID_TERM = 'id:';

/** The post ids named by `id:` terms (lower-cased), and the other terms. */
export function splitTerms(terms: readonly string[]): { ids: Set<string>; words: string[] } {
  const ids = new Set<string>();
  const words: string[] = [];
  for (const t of terms) {
    const s = t.trim();
    if (s.toLowerCase().startsWith(POST_ID_TERM) && s.length > POST_ID_TERM.length) ids.add(s.slice(POST_ID_TERM.length).trim().toLowerCase());
    else words.push(t);
  }
  return { ids, words };
}

export function freezeMatcher(freeze: Freeze): FreezeMatcher {
  if (isFullFreeze(freeze)) return () => true;
  const tags = new Set(freeze.tags.map(normTag).filter(Boolean));
  const { ids, words } = splitTerms(freeze.terms);
  const re = termsPattern(words);
  return (post) => (ids.size > 0 && typeof post.id === 'string' && ids.has(post.id.toLowerCase())) || post.tags.some((t) => tags.has(normTag(t))) || (re !== undefined && post.parts.some((p) => partTexts(p).some((t) => re.test(t))));
}

/** What in the post a partial freeze matched, for the reason shown to people. */
export function freezeScope(freeze: Freeze): string {
  if (isFullFreeze(freeze)) return 'full freeze';
  const { ids, words } = splitTerms(freeze.terms);
  const bits = [...[...ids].map((id) => `post ${id}`), ...freeze.tags.map((t) => `tag ${t}`), ...words.map((t) => `"${t}"`)];
  return `partial freeze on ${bits.join(', ')}`;
}

/**
 * Every period a freeze was in force: each `freeze` event of the log up to its `thaw` (paired by
 * freeze id), plus every freeze active now (`freeze.json` is the truth about now). A freeze in the
 * log with no thaw that is no longer active ended at an unknown time: it counts as in force until
 * `now`, failing safe (a post is missed rather than sent into a crisis).
 */
export function freezeIntervals(active: Freeze[], log: FreezeLogEvent[], now: number): FreezeInterval[] {
  const out: FreezeInterval[] = [];
  const sorted = [...log].sort((a, b) => a.at.localeCompare(b.at));
  const open = new Map<string, FreezeInterval>();
  for (const e of sorted) {
    const at = Date.parse(e.at);
    if (!Number.isFinite(at) || !e.freeze?.id) continue;
    if (e.action === 'freeze') {
      if (open.has(e.freeze.id)) continue;
      const since = Date.parse(e.freeze.since);
      const iv = { freeze: e.freeze, from: Number.isFinite(since) ? Math.min(since, at) : at, until: Infinity };
      open.set(e.freeze.id, iv);
      out.push(iv);
    } else if (e.action === 'thaw') {
      const iv = open.get(e.freeze.id);
      if (iv) {
        iv.until = at;
        open.delete(e.freeze.id);
      }
    }
  }
  const activeIds = new Set(active.map((f) => f.id));
  for (const [id, iv] of open) if (!activeIds.has(id)) iv.until = Math.max(iv.from, now);
  for (const f of active) {
    if (open.has(f.id)) continue;
    const since = Date.parse(f.since);
    out.push({ freeze: f, from: Number.isFinite(since) ? since : 0, until: Infinity });
  }
  return out;
}
