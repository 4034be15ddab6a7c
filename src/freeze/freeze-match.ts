/**
 * Which posts a freeze holds. A full freeze (no terms, no tags) holds everything; a partial hold
 * holds only posts carrying one of its tags (case-insensitive) or mentioning one of its terms as a
 * whole word, in any case, in any thread part.
 *
 * One rule for everyone: this delegates to the publisher's compiled matcher
 * (src/schedule/freeze-match.ts), so the thaw summary, the timeline and `freeze`'s list of held
 * posts can never disagree with what the publisher actually held.
 */
import type { Post } from '../post/post.ts';
import { freezeMatcher, splitTerms, type FreezeMatcher } from '../schedule/freeze-match.ts';
import type { Freeze } from './freeze-state.ts';
import { isFullFreeze } from './freeze-state.ts';

/** The part of a post a freeze looks at (a whole `Post` fits). */
export type FreezeTarget = Pick<Post, 'id' | 'tags' | 'parts'>;

const compiled = new WeakMap<Freeze, FreezeMatcher>();

/** True when `freeze` holds `post`. Pure; compiles each freeze's pattern once. */
export function freezeHolds(freeze: Freeze, post: FreezeTarget): boolean {
  let m = compiled.get(freeze);
  if (!m) compiled.set(freeze, (m = freezeMatcher(freeze)));
  return m(post as Post);
}

/** The freezes among `freezes` that hold `post` (empty: it may go out). */
export function freezesHolding(freezes: Freeze[], post: FreezeTarget): Freeze[] {
  return freezes.filter((f) => freezeHolds(f, post));
}

/** "everything (full freeze)" or "posts tagged `promo`, and posts mentioning "flood"": for people. */
export function describeHold(freeze: Pick<Freeze, 'terms' | 'tags'>): string {
  if (isFullFreeze(freeze as Freeze)) return 'everything (full freeze)';
  const bits: string[] = [];
  if (freeze.tags.length) bits.push(`posts tagged ${freeze.tags.map((t) => `\`${t}\``).join(' or ')}`);
  // `id:<post id>` terms hold one post each (the morning re-read's "Hold this post" links).
  const { ids, words } = splitTerms(freeze.terms);
  if (ids.size) bits.push(`${ids.size === 1 ? 'the post' : 'the posts'} ${[...ids].map((id) => `\`${id}\``).join(' and ')}`);
  if (words.length) bits.push(`posts mentioning ${words.map((t) => `"${t}"`).join(' or ')}`);
  return bits.join(', and ');
}
