/**
 * The check as a library: parse the posts once, run every rule on each checked file (one bad file
 * never stops the others), apply ignore comments, and report per file which checks ran. The
 * command (./check-command.ts) only decides which files, formats the report and sets the exit code.
 */
import type { Config } from '../config/config.ts';
import { diag, sortDiagnostics, type Diagnostic } from '../diagnostic/diagnostic.ts';
import { duplicateIds, findPostFiles, HOLDING_DIR, idKey, loadPosts, POSTS_DIR } from '../post/load-posts.ts';
import { partTexts } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';
import { isEnglish, type EnglishInput } from './english/english-input.ts';
import { TOO_COMPLEX, TOOK_TOO_LONG } from './english/english-limits.ts';
import { runEnglish, startEnglishPool, wantsWorkers, workerCount, type EnglishPool, type EnglishRunOptions } from './english/english-runner.ts';
import { MAX_POST_BYTES } from '../post/parse-post.ts';
import { applyIgnores } from './ignores.ts';
import type { CheckReport, CheckStatus, FileReport } from './report.ts';
import { altTextRule } from './rules/alt-text.ts';
import { lengthRule } from './rules/length.ts';
import { mediaRule } from './rules/media.ts';
import type { Rule, RuleContext } from './rules/rule.ts';
import { scheduleRule } from './rules/schedule.ts';
import { sensitiveTopicRule } from './rules/sensitive-topic.ts';
import { spacingRule } from './rules/spacing.ts';
import { watchlistRule } from './rules/watchlist.ts';
import { judgeLanguage, type LanguageVerdict } from './language.ts';
import { scopeToNetworks } from './network-scope.ts';
import { bodyLine } from './text-position.ts';
import { tidyProblems } from './tidy-problems.ts';
import { checkCards } from './card-check.ts';
import type { CardFetcher } from '../card/fetch-card.ts';

export interface CheckOptions {
  /** Absolute repository root. */
  root: string;
  /** The loaded configuration. */
  config: Config;
  /** The clock (epoch ms). */
  now: number;
  /** Repository-relative files to check; omitted: every post and holding statement. */
  files?: string[];
  /** Files new or changed in this change: only these must be in the future. */
  changed?: ReadonlySet<string>;
  /** How the English checks use threads. */
  english?: EnglishRunOptions;
  /**
   * Worker threads the caller started ahead (so they load while the caller loads its modules).
   * Used when enough files are checked, else closed.
   */
  englishPool?: EnglishPool;
  /** A monotonic clock in ms (e.g. `performance.now`) to measure stages; omitted: no timings. */
  timer?: () => number;
  /** Fetch Bluesky link cards (`--cards`) for the checked posts; omitted: no page is fetched. */
  linkCards?: CardFetcher;
}

/** Longest wait for the English worker to be ready before this thread starts reading posts. */
const READY_WAIT_MS = 600;

/** Check ids in the order they are listed to people. */
export const CHECKS = ['post-format', 'duplicate-id', 'length', 'media', 'alt-text', 'schedule', 'sensitive-topic', 'watchlist', 'lang', 'retext-equality', 'retext-profanities'] as const;

/** Rule id of the warning that the text's language disagrees with `lang`. */
export const LANG = 'lang';

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const { root, config, now } = options;
  const timer = options.timer;
  const timings: Record<string, number> = {};
  let mark = timer?.() ?? 0;
  const lap = (stage: string) => {
    if (!timer) return;
    const t = timer();
    timings[stage] = (timings[stage] ?? 0) + (t - mark);
    mark = t;
  };
  const start = mark;

  const [postFiles, holdingFiles] = await Promise.all([findPostFiles(root, POSTS_DIR), findPostFiles(root, HOLDING_DIR)]);
  const checked = [...new Set(options.files ?? [...postFiles, ...holdingFiles])].sort();
  // Enough files for worker threads: start them now, reading and checking the files themselves,
  // while this thread parses the posts and runs the rules. Only findings for posts that parse as
  // English are kept (below); the rest of that speculative work is dropped.
  const useWorkers = wantsWorkers(checked.length, options.english);
  if (!useWorkers) options.englishPool?.close();
  const pool = useWorkers ? (options.englishPool ?? startEnglishPool(workerCount(options.english), options.english)) : undefined;
  const early = pool?.runFiles(root, checked, MAX_POST_BYTES, config.channels.mastodon.maxCharacters, config.english).catch(() => undefined);
  // Let the worker finish loading first: reading a thousand posts here at the same moment would
  // queue its module reads behind ours in libuv's shared thread pool, and the worker, not this
  // thread, is the longer path (measured in bench/check.bench.ts). Bounded, should it be slow.
  if (pool) await Promise.race([pool.ready, new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref())]);
  const isHolding = (f: string) => f.startsWith(`${HOLDING_DIR}/`);
  const everything = [...new Set([...postFiles, ...holdingFiles, ...checked])];
  const [posts, holding] = await Promise.all([
    loadPosts(root, config, everything.filter((f) => !isHolding(f)), 'post'),
    loadPosts(root, config, everything.filter(isHolding), 'holding'),
  ]);
  const allPosts = [...posts.posts, ...holding.posts].sort((a, b) => a.file.localeCompare(b.file));
  const problems = tidyProblems([...posts.problems, ...holding.problems]);
  const byFile = new Map(allPosts.map((p) => [p.file, p]));
  const problemsByFile = new Map<string, Diagnostic[]>();
  for (const p of problems) problemsByFile.set(p.file, [...(problemsByFile.get(p.file) ?? []), p]);
  lap('parse');

  const rules: Rule[] = [lengthRule, mediaRule, altTextRule, scheduleRule, spacingRule, sensitiveTopicRule(config), watchlistRule(config)];
  const duplicates = duplicateFindings(allPosts, new Set(checked));
  const reports: FileReport[] = [];
  const languages = new Map<string, LanguageVerdict>();
  for (const file of checked) {
    const post = byFile.get(file);
    const changed = options.changed?.has(file) ?? false;
    const parseProblems = problemsByFile.get(file) ?? [];
    if (!post) {
      reports.push({ file, changed, findings: sortDiagnostics(parseProblems), accepted: [], checks: skippedAll() });
      continue;
    }
    const ctx: RuleContext = { config, now, root, changed, allPosts };
    const found: Diagnostic[] = [...parseProblems, ...(duplicates.get(file) ?? [])];
    for (const rule of rules) found.push(...(await rule(post, ctx)));
    const language = judgeLanguage(post.parts.flatMap(partTexts).join('\n\n'), post.lang);
    if (language.confident && !language.agrees) found.push(langFinding(post, language));
    languages.set(file, language);
    reports.push({ file, post, changed, findings: found, accepted: [], checks: statuses(post, changed, options.changed !== undefined, language) });
  }
  lap('rules');
  // Pages are fetched while the English checks run; a card finding is a warning, never an error.
  // Only posts new or changed here (when that is known): a config change re-checks every post, but
  // the cards of posts reviewed before were shown then.
  const cardsRun = options.linkCards ? checkCards(reports.flatMap((r) => (r.post && (options.changed === undefined || r.changed) ? [r.post] : [])), options.linkCards) : undefined;

  const englishPosts = reports.flatMap((r) => (r.post && runsEnglish(r.post, languages.get(r.file)) ? [r.post] : []));
  const bodyLines = new Map(englishPosts.map((p) => [p.file, bodyLine(p)]));
  let englishRun = early ? await early : undefined;
  const missing = englishPosts.filter((p) => !englishRun?.byFile.has(p.file));
  if (!englishRun || missing.length) {
    // Small runs, or the workers could not run (or not all files): those files here, with the
    // shared processor. Never the files the workers finished or stopped (a file that took too
    // long there must not be tried again without a time limit).
    const inputs: EnglishInput[] = missing.map((p) => ({ file: p.file, source: p.source, bodyLine: bodyLines.get(p.file)! }));
    const here = await runEnglish(inputs, { ...options.english, workers: 0, settings: config.english });
    englishRun = englishRun ? { ...englishRun, byFile: new Map([...englishRun.byFile, ...here.byFile]) } : here;
  }
  lap('english (after the rules)');
  const cards = cardsRun ? await cardsRun : undefined;
  if (cards) lap('link cards (after the English checks)');
  for (const r of reports) {
    if (!r.post) continue;
    const card = cards?.get(r.file);
    if (card) {
      r.cards = card.cards;
      r.findings.push(...card.findings);
    }
    const below = bodyLines.get(r.file);
    // Findings above the body come from the front-matter, which the workers read as text; the
    // two that say the checks could not finish concern the whole file.
    const english = below === undefined ? [] : (englishRun.byFile.get(r.file) ?? []).filter((d) => d.line >= below || d.ruleId === TOO_COMPLEX || d.ruleId === TOOK_TOO_LONG);
    const found = [...r.findings, ...scopeToNetworks(r.post, english)];
    const applied = applyIgnores(r.post, found);
    r.findings = sortDiagnostics(applied.findings);
    r.accepted = applied.accepted;
  }
  lap('ignores');
  if (timer) {
    timings['english setup (in its thread)'] = englishRun.timings.setup;
    timings[`english files (${englishRun.mode})`] = englishRun.timings.files;
    timings.total = timer() - start;
  }
  return { files: reports, allPosts, general: [], notes: [], ...(timer ? { timings } : {}) };
}

/** duplicateIds reports the later file; a checked file whose id a later, unchecked file reuses is told too. */
function duplicateFindings(allPosts: Post[], checked: ReadonlySet<string>): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  const add = (d: Diagnostic) => out.set(d.file, [...(out.get(d.file) ?? []), d]);
  const reported = duplicateIds(allPosts);
  for (const d of reported) add(d);
  const byId = new Map<string, Post[]>();
  for (const p of allPosts) byId.set(idKey(p.id), [...(byId.get(idKey(p.id)) ?? []), p]);
  for (const [, list] of byId) {
    const [first, ...rest] = list;
    if (!first || rest.length === 0 || !checked.has(first.file) || rest.some((p) => checked.has(p.file))) continue;
    add(diag(first.file, { line: first.lines.id ?? 1 }, 'error', 'duplicate-id', `id "${first.id}" is also used by ${rest.map((p) => p.file).join(', ')}`, 'Give each post its own id; never reuse the id of a published post.'));
  }
  return out;
}

function skippedAll(): CheckStatus[] {
  return CHECKS.map((id) => (id === 'post-format' ? { id, ran: true } : { id, ran: false, note: 'the file did not parse' }));
}

/** English checks: on posts whose `lang` is English, unless the text is confidently another language. */
function runsEnglish(post: Post, language: LanguageVerdict | undefined): boolean {
  return isEnglish(post.lang) && !(language?.confident && !language.agrees);
}

function langFinding(post: Post, language: Extract<LanguageVerdict, { agrees: false }>): Diagnostic {
  const where = post.lines.lang !== undefined ? 'in the front-matter' : 'the default of copydesk.config.yaml';
  const suggest = language.tag ? `Add \`lang: ${language.tag}\` to the front-matter` : 'Set `lang` in the front-matter to the language of the text';
  return diag(post.file, { line: post.lines.lang ?? bodyLine(post) }, 'warning', LANG,
    `the text reads as ${language.label}, but \`lang\` is "${post.lang}" (${where})`,
    `${suggest}, so each network and screen reader gets the right language; the English checks skip this text meanwhile. If the text is right as it is, accept it with <!-- copydesk-ignore ${LANG}: why -->.`);
}

function statuses(post: Post, changed: boolean, changeKnown: boolean, language: LanguageVerdict): CheckStatus[] {
  const english = isEnglish(post.lang);
  return CHECKS.map((id): CheckStatus => {
    if (id === 'retext-equality' || id === 'retext-profanities') {
      if (!english) return { id, ran: false, note: `lang is "${post.lang}"; this check is English-only` };
      if (language.confident && !language.agrees) return { id, ran: false, note: `the text reads as ${language.label}; this check is English-only` };
      return { id, ran: true };
    }
    if (id === 'lang' && !language.confident) return { id, ran: true, note: 'too short for a confident guess' };
    if (id === 'schedule') {
      if (post.publishAt === undefined) return { id, ran: true, note: post.draft ? 'draft without a time' : 'no publish time (holding statement)' };
      if (!changed) return { id, ran: true, note: changeKnown ? 'not changed here, so it may be in the past' : 'no --base and not named on the command line, so it may be in the past' };
    }
    return { id, ran: true };
  });
}
