/**
 * The content rules the publisher re-runs immediately before sending, so a post that reached the
 * default branch without passing `copydesk check` (a direct push, a check that was skipped, a
 * config change since) is held with the reason instead of sent: length per network, profanity
 * errors (English text only), the watch-list, and media that exists inside the repository with a
 * type and size the network accepts. Only errors: warnings were for the reviewer.
 *
 * The same rules as the check (./rules/*, ./english/*), not a second copy. It reads no clock and
 * no environment; it reads only the post's own media files.
 */
import type { Config } from '../config/config.ts';
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import { partTexts } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';
import { isEnglish } from './english/english-input.ts';
import { runEnglish } from './english/english-runner.ts';
import { judgeLanguage } from './language.ts';
import { lengthRule } from './rules/length.ts';
import { mediaRule } from './rules/media.ts';
import type { RuleContext } from './rules/rule.ts';
import { watchlistRule } from './rules/watchlist.ts';
import { bodyLine } from './text-position.ts';

/** Every content error of `post` under `config`, sorted as the check sorts them; empty: fit to send. */
export async function contentProblems(post: Post, config: Config): Promise<Diagnostic[]> {
  // The repository root is where the post's own path starts (absPath = root + '/' + file).
  const root = post.absPath.slice(0, post.absPath.length - post.file.length).replace(/[\\/]$/, '') || '/';
  const ctx: RuleContext = { config, now: 0, root, changed: false, allPosts: [] };
  const found: Diagnostic[] = [...lengthRule(post, ctx) as Diagnostic[], ...(await mediaRule(post, ctx)), ...(watchlistRule(config)(post, ctx) as Diagnostic[])];
  const language = judgeLanguage(post.parts.flatMap(partTexts).join('\n\n'), post.lang);
  if (isEnglish(post.lang) && !(language.confident && !language.agrees)) {
    const below = bodyLine(post);
    const run = await runEnglish([{ file: post.file, source: post.source, bodyLine: below }], { workers: 0, settings: config.english });
    found.push(...(run.byFile.get(post.file) ?? []).filter((d) => d.line >= below && d.source === 'retext-profanities'));
  }
  return found.filter((d) => d.severity === 'error').sort((a, b) => a.line - b.line || a.column - b.column);
}

/** One line for a hold reason: the first problems, each with where it is. */
export function contentHoldReason(problems: readonly Diagnostic[]): string {
  const shown = problems.slice(0, 3).map((d) => `${d.message} (${d.file}:${d.line})`);
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  return `the post does not pass the content checks: ${shown.join('; ')}${more}`;
}
