/**
 * `copydesk check [paths…] [--format human|json|github] [--base REF] [--preview-out DIR]`
 *
 * "The first reader is a robot": every post is checked before a person reviews it. Checks every
 * file even when one fails; exit 1 when any error was found, else 0 (2 for a usage mistake).
 * Which posts: the paths given, else those changed since `--base` (all posts when the
 * configuration, src/ or the dependencies changed), else all posts. Only new or changed posts
 * must be in the future.
 *
 * Start-up matters for large repositories: this module imports almost nothing statically, so the
 * English worker thread (./english/english-runner.ts) can start first and load its pipeline on
 * the other core while this thread loads the rest.
 */
import { readdir } from 'node:fs/promises';
import { enableCompileCache } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError, type Command, type CommandContext } from '../cli/context.ts';
import type { Config } from '../config/config.ts';
import type { Freeze } from '../freeze/freeze-state.ts';
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import type { Post } from '../post/post.ts';
import { startEnglishPool, WORKER_THRESHOLD, type EnglishPool, type EnglishRunOptions } from './english/english-runner.ts';
import type { CheckReport } from './report.ts';

export const FORMATS = ['human', 'json', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export const CHECK_USAGE = `Usage: copydesk check [paths…] [options]

Checks posts (Markdown files under posts/) before a person reviews them: format, length per
network, media and alt text, schedule, duplicate ids, sensitive topics, the watchlist, the
language of the text against \`lang\` and, for English text, insensitive and profane words.
Exit code 1 when any error is found.

  paths…              files or folders to check (default: every post, or those changed since --base)
  --format FORMAT     human (default), json (one JSON array on stdout), github (annotations and a
                      job summary; the default when GITHUB_ACTIONS=true)
  --base REF          check the posts changed since REF (git diff REF...HEAD); when
                      copydesk.config.yaml, src/ or package*.json changed, check every post
  --preview-out DIR   write DIR/preview.md (the PR preview) and DIR/pr.json
  --cards             fetch the Bluesky link card of each post part with a link and no images
                      (https only, public addresses, 10 s and 1 MB per page) and show it in the
                      preview; a card that cannot be built is a warning (link-card), never an error
  --verbose           also list every file with the checks that ran and those skipped (and why)
  --timings           print how long each stage took (on stderr)
  --help              show this help

Accept a warning in the post: <!-- copydesk-ignore rule-id: why it is fine -->. Errors cannot be accepted.

Environment:
  GITHUB_ACTIONS=true    makes --format github the default
  GITHUB_STEP_SUMMARY    file the github format appends its job summary to
  PR_NUMBER, PR_HEAD_SHA written to DIR/pr.json with --preview-out
  COPYDESK_WORKERS=N     worker threads for large runs (0: none; default: cores − 1)
  COPYDESK_FILE_TIMEOUT=S stop a worker after S seconds on one file (default 20): that file fails
                         with "took too long", the others are still checked
`;

export const checkCommand: Command = async (args, ctx) => {
  // Node's on-disk compile cache (in the OS temp folder; NODE_DISABLE_COMPILE_CACHE=1 turns it
  // off): the modules below are compiled once, not on every run.
  // https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
  enableCompileCache?.();
  const { flags, positionals } = parseArgs(args, { strings: ['format', 'base', 'preview-out'], booleans: ['help', 'timings', 'verbose', 'cards'] });
  if (flags.help) {
    ctx.out(CHECK_USAGE);
    return 0;
  }
  const format = (typeof flags.format === 'string' ? flags.format : ctx.env.GITHUB_ACTIONS === 'true' ? 'github' : 'human') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${String(flags.format)}"`);
  const timer = flags.timings ? () => performance.now() : undefined;
  const t0 = timer?.() ?? 0;
  const root = ctx.root;
  const now = ctx.now.getTime();
  const english = englishOptions(ctx.env);

  // A whole repository of posts: start the English worker before loading anything else.
  let pool: EnglishPool | undefined;
  if (!positionals.length && typeof flags.base !== 'string' && (english.workers ?? 1) > 0 && (await countPosts(root)) >= WORKER_THRESHOLD) {
    pool = startEnglishPool(english.workers ?? 1, english);
  }
  try {
    return await check(ctx, { format, positionals, base: typeof flags.base === 'string' ? flags.base : undefined, previewOut: typeof flags['preview-out'] === 'string' ? flags['preview-out'] : undefined, verbose: flags.verbose === true, cards: flags.cards === true, english, pool, timer, t0, root, now });
  } finally {
    pool?.close();
  }
};

interface CheckRun {
  format: Format;
  positionals: string[];
  base: string | undefined;
  previewOut: string | undefined;
  /** `--verbose`: every file with what ran and what was skipped. */
  verbose: boolean;
  /** `--cards`: fetch the Bluesky link cards of the checked posts. */
  cards: boolean;
  english: EnglishRunOptions;
  pool: EnglishPool | undefined;
  timer: (() => number) | undefined;
  t0: number;
  root: string;
  now: number;
}

async function check(ctx: CommandContext, o: CheckRun): Promise<number> {
  const [{ loadConfig }, { CONFIG_FILE }, { diag, sortDiagnostics }, { findPostFiles }, { tidyProblems }, { affectsAllPosts, changedPostFiles, gitChangedFiles }, { stat }, { isAbsolute, relative, resolve, sep }] = await Promise.all([
    import('../config/load-config.ts'), import('../config/config.ts'), import('../diagnostic/diagnostic.ts'), import('../post/load-posts.ts'),
    import('./tidy-problems.ts'), import('./changed-files.ts'), import('node:fs/promises'), import('node:path'),
  ]);
  const { root, now, timer, format } = o;

  const loaded = await loadConfig(root);
  if (!loaded.ok) {
    const report: CheckReport = { files: [], allPosts: [], general: sortDiagnostics(tidyProblems(loaded.problems)), notes: [`${CONFIG_FILE} has errors: nothing else was checked`] };
    await emit(ctx, format, report, { banner: [], preview: undefined, previewOut: undefined, verbose: o.verbose });
    return 1;
  }
  const config = loaded.config;
  const general: Diagnostic[] = tidyProblems(loaded.problems);
  const notes: string[] = [];

  // Which files, and which count as new or changed.
  let files: string[] | undefined;
  let changed: Set<string> | undefined;
  /** Every file the change touches (with --base), or the paths given. */
  let touched: string[] = [];
  if (o.positionals.length) {
    files = [];
    for (const p of o.positionals) {
      const rel = relative(root, resolve(root, p)).split(sep).join('/');
      if (rel.startsWith('..') || isAbsolute(rel)) {
        general.push(diag(p, { line: 1 }, 'error', 'post-format', `${p} is outside the repository (${root})`, 'Give a path inside the repository, e.g. posts/2027/my-post.md.'));
        continue;
      }
      const info = await stat(join(root, rel)).catch(() => undefined);
      if (info?.isDirectory()) files.push(...(await findPostFiles(root, rel || '.')));
      else files.push(rel);
    }
    changed = new Set(files);
    touched = [...files];
  }
  if (o.base !== undefined) {
    const diff = await gitChangedFiles(root, o.base);
    if (!diff.ok) {
      ctx.err(`copydesk check: ${diff.message}\n  fix: ${diff.fix}\n`);
      return 2;
    }
    touched.push(...diff.files);
    const existing: string[] = [];
    for (const f of changedPostFiles(diff.files)) if ((await stat(join(root, f)).catch(() => undefined))?.isFile()) existing.push(f);
    // Posts whose media changed (an image swapped, renamed, deleted or turned into a symlink) are
    // checked as changed posts: the media is part of what the second reader approves.
    const viaMedia = (await postsUsingChangedMedia(root, config, diff.files)).filter((f) => !existing.includes(f));
    existing.push(...viaMedia);
    changed = new Set([...(changed ?? []), ...existing]);
    const because = viaMedia.length ? ` (${viaMedia.length} because a media file they use changed)` : '';
    if (!o.positionals.length) {
      if (affectsAllPosts(diff.files)) {
        files = undefined;
        notes.push(`${CONFIG_FILE}, src/ or package*.json changed since ${o.base}: every post is checked; only the ${existing.length} post file(s) changed here must be in the future${because}`);
      } else {
        files = existing;
        notes.push(`${existing.length} post file(s) changed since ${o.base}${because}`);
      }
    }
  }
  // Playbook pages: a review date per page (warnings only), on a full check or when a page changed.
  if (files === undefined || touched.some(isPlaybookPage)) {
    const { readPlaybookPages } = await import('./read-playbook-pages.ts');
    const { playbookReviewProblems } = await import('./playbook-review.ts');
    general.push(...playbookReviewProblems(await readPlaybookPages(root), now, config.playbookReviewDays));
  }
  const t1 = timer?.() ?? 0;

  const [{ runCheck }, { readFreezeState, freezeLines }] = await Promise.all([import('./run-check.ts'), import('./freeze-note.ts')]);
  const linkCards = o.cards ? (await import('../card/fetch-card.ts')).cardFetcher({ now: () => ctx.now }) : undefined;
  const [report, freeze] = await Promise.all([
    runCheck({ root, config, now, ...(files ? { files } : {}), ...(changed ? { changed } : {}), ...(timer ? { timer } : {}), english: o.english, ...(o.pool ? { englishPool: o.pool } : {}), ...(linkCards ? { linkCards } : {}) }),
    readFreezeState(ctx, config),
  ]);
  const t2 = timer?.() ?? 0;
  report.general = sortDiagnostics(general);
  report.notes = notes;
  const freezes: Freeze[] = freeze.ok ? freeze.freezes : [];
  const banner = freezeLines(freezes);
  if (!freeze.ok && format === 'human') banner.push(`note: ${freeze.note}`);

  const needPreview = format === 'github' || o.previewOut !== undefined;
  const preview = needPreview ? await previewFor(report, config, now, freezes, changed) : undefined;
  await emit(ctx, format, report, { banner, preview, previewOut: o.previewOut !== undefined ? resolve(root, o.previewOut) : undefined, freezes: banner.filter((b) => !b.startsWith('note:')), verbose: o.verbose });
  if (timer) {
    const t3 = timer();
    ctx.err(`copydesk timings (ms): ${JSON.stringify({ 'config and file selection': round(t1 - o.t0), ...Object.fromEntries(Object.entries(report.timings ?? {}).map(([k, v]) => [k, round(v)])), 'check and freeze state': round(t2 - t1), output: round(t3 - t2), total: round(t3 - o.t0) })}\n`);
  }
  const { countBySeverity } = await import('./report.ts');
  return countBySeverity(report).errors > 0 ? 1 : 0;
}

/** A playbook page (not a holding statement, which is checked as a post). */
function isPlaybookPage(file: string): boolean {
  return file.startsWith('playbook/') && file.endsWith('.md') && !file.startsWith('playbook/holding/') && !file.endsWith('README.md');
}

/**
 * Post and holding-statement files that reference a changed path other than a post file. Parses
 * every post only when such a path exists (a PR changing only posts pays nothing).
 */
async function postsUsingChangedMedia(root: string, config: Config, files: readonly string[]): Promise<string[]> {
  const [{ changedPostFiles, postsReferencingMedia }, { loadPosts }] = await Promise.all([import('./changed-files.ts'), import('../post/load-posts.ts')]);
  const posts = new Set(changedPostFiles(files));
  const others = files.filter((f) => !posts.has(f));
  if (!others.length) return [];
  const [p, h] = await Promise.all([loadPosts(root, config), loadPosts(root, config, undefined, 'holding')]);
  return postsReferencingMedia([...p.posts, ...h.posts], others);
}

/**
 * Worker threads for large runs: one fewer than the cores (the main thread parses posts and runs
 * the other rules meanwhile), at least one; `COPYDESK_WORKERS=N` overrides (0: none).
 */
function englishOptions(env: CommandContext['env']): EnglishRunOptions {
  const n = Number(env.COPYDESK_WORKERS);
  const workers = env.COPYDESK_WORKERS !== undefined && Number.isInteger(n) && n >= 0 && n <= 16 ? n : Math.max(1, availableParallelism() - 1);
  // COPYDESK_FILE_TIMEOUT: seconds one file may take in a worker (default 20).
  const t = Number(env.COPYDESK_FILE_TIMEOUT);
  return { workers, ...(env.COPYDESK_FILE_TIMEOUT !== undefined && t > 0 && t <= 600 ? { fileTimeoutMs: t * 1000 } : {}) };
}

/** Markdown files under posts/ and playbook/holding/, counted cheaply to decide on a worker early. */
async function countPosts(root: string): Promise<number> {
  let n = 0;
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) await walk(join(dir, e.name));
      else if (e.name.toLowerCase().endsWith('.md')) n++;
    }
  };
  await Promise.all([walk(join(root, 'posts')), walk(join(root, 'playbook', 'holding'))]);
  return n;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The changed posts, plus any other checked post with findings (e.g. after a config change). */
async function previewFor(report: CheckReport, config: Config, now: number, freezes: Freeze[], changed: Set<string> | undefined): Promise<string> {
  const { renderPreview } = await import('./preview.ts');
  const posts: Post[] = report.files.filter((f) => f.post && (changed === undefined || f.changed || f.findings.length > 0)).map((f) => f.post!);
  const unreadable = report.files.filter((f) => !f.post).map((f) => `${f.file} could not be read as a post: ${f.findings[0]?.message ?? 'see the findings'}`);
  return renderPreview({
    posts,
    findingsByFile: new Map(report.files.map((f) => [f.file, f.findings])),
    acceptedByFile: new Map(report.files.map((f) => [f.file, f.accepted])),
    ...(report.files.some((f) => f.cards) ? { cardsByFile: new Map(report.files.flatMap((f) => (f.cards ? [[f.file, f.cards] as const] : []))) } : {}),
    allPosts: report.allPosts,
    config,
    now,
    freezes,
    notes: [...report.notes, ...unreadable],
  });
}

interface EmitOptions {
  banner: string[];
  preview: string | undefined;
  previewOut: string | undefined;
  freezes?: string[];
  verbose: boolean;
}

async function emit(ctx: CommandContext, format: Format, report: CheckReport, o: EmitOptions): Promise<void> {
  const { appendFile, mkdir, writeFile } = await import('node:fs/promises');
  if (format === 'json') {
    const { formatJson } = await import('./format/json.ts');
    ctx.out(formatJson(report));
    for (const b of o.freezes ?? []) ctx.err(`copydesk: ${b}\n`);
  } else if (format === 'github') {
    const [{ formatGithub }, { jobSummary }] = await Promise.all([import('./format/github.ts'), import('./format/summary.ts')]);
    ctx.out(formatGithub(report, o.freezes ?? []));
    const summaryFile = ctx.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) await appendFile(summaryFile, jobSummary(report, o.freezes ?? [], o.preview ?? ''));
  } else {
    const { formatHuman } = await import('./format/human.ts');
    ctx.out(formatHuman(report, o.banner, o.verbose));
  }
  if (o.previewOut && o.preview !== undefined) {
    await mkdir(o.previewOut, { recursive: true });
    await writeFile(join(o.previewOut, 'preview.md'), o.preview);
    await writeFile(join(o.previewOut, 'pr.json'), JSON.stringify(prJson(ctx.env)) + '\n');
  }
}

/** `{number, headSha}` for the preview-comment workflow, from PR_NUMBER and PR_HEAD_SHA when set and well-formed. */
export function prJson(env: CommandContext['env']): { number?: number; headSha?: string } {
  const n = Number(env.PR_NUMBER);
  const sha = (env.PR_HEAD_SHA ?? '').trim().toLowerCase();
  return { ...(Number.isSafeInteger(n) && n > 0 ? { number: n } : {}), ...(/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) ? { headSha: sha } : {}) };
}
