/**
 * The one post parser. Pure: text in, a `Post` or diagnostics out. Front-matter is split by
 * ./front-matter.ts (never by a parser that can run code) and read by `yaml` with positions
 * (timestamps stay strings, see ../post/time.ts).
 *
 * Every file is bounded before any later stage sees it (size, front-matter size, thread parts,
 * characters per part and in all), so one hostile file costs the check a bounded amount of work:
 * the length counting (twitter-text) and the English checks grow faster than linearly on some
 * inputs, and must never see a 240 KB run of dots.
 */
import { posix } from 'node:path';
import type { Config } from '../config/config.ts';
import { NETWORKS } from './network.ts';
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import { FieldReader, isRecord } from '../diagnostic/fields.ts';
import { parseYamlWithPositions } from '../diagnostic/yaml-source.ts';
import type { Network } from './network.ts';
import { resolveMediaPath } from './media-file.ts';
import { findVariantBlocks, isNetwork } from './part-variants.ts';
import { splitFrontMatter } from './front-matter.ts';
import { lineIndex, MAX_FRONT_MATTER_CHARS, MAX_POST_BYTES, partLimits, partRanges } from './post-limits.ts';
import { POST_FIELDS, type Ignore, type Post, type PostMedia, type PostPart } from './post.ts';
import { isValidZone, parseInstant } from './time.ts';

export type ParseResult = { ok: true; post: Post; problems: Diagnostic[] } | { ok: false; problems: Diagnostic[] };

export { MAX_FRONT_MATTER_CHARS, MAX_NESTING, MAX_PART_CHARS, MAX_PARTS, MAX_POST_BYTES, MAX_TEXT_CHARS, partLimits } from './post-limits.ts';

/** `reply_to`: a feedback conversation id (`<network>:<id>`) or an https address, one line, bounded. */
const REPLY_TO_PATTERN = /^(?:(?:bluesky|mastodon):[^\s]{1,300}|https:\/\/[^\s]{1,300})$/;

/** What a post id may look like; `--retry <id>` is validated with the same pattern. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface ParseInput {
  /** Repository-relative path (forward slashes). */
  file: string;
  /** Absolute path of the repository root (to resolve media). */
  root: string;
  /** Raw bytes of the file. */
  bytes: Uint8Array;
  config: Config;
  /**
   * `holding` for holding statements (playbook/holding/): pre-approved posts sent on demand
   * during an incident, so `publish_at` is not required.
   */
  kind?: 'post' | 'holding';
}

export function parsePost({ file, root, bytes, config, kind = 'post' }: ParseInput): ParseResult {
  const fail = (line: number, message: string, fix: string, ruleId = 'post-format'): ParseResult => ({ ok: false, problems: [diag(file, { line }, 'error', ruleId, message, fix)] });
  if (bytes.length === 0) return fail(1, 'the file is empty', 'Add front-matter (id, publish_at, channels) and the post text; see posts/README.md.');
  if (bytes.length > MAX_POST_BYTES) return fail(1, `the file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; a post file may be at most ${MAX_POST_BYTES / 1024} KB`, 'Move large content out of posts/ (media go in their own files, referenced from `media`).');
  if (bytes.includes(0)) return fail(1, 'this is a binary file, not a Markdown post', 'Keep only .md posts under posts/ (images are referenced from `media`, e.g. posts/media/).');
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(1, 'the file is not valid UTF-8 text', 'Save the file as UTF-8.');
  }
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  const split = splitFrontMatter(source);
  if (!split.ok) {
    const fix = split.reason === 'missing' ? 'Start the file with a `---` line, the fields (id, publish_at, channels), and another `---` line; see posts/README.md.' : split.fix;
    return fail(split.line, split.message, fix);
  }
  if (split.yaml.length > MAX_FRONT_MATTER_CHARS) return fail(split.yamlLine, `the front-matter is ${Math.round(split.yaml.length / 1024)} KB; it may be at most ${MAX_FRONT_MATTER_CHARS / 1024} KB`, 'Keep only the post fields (id, publish_at, channels, media with alt text…) between the `---` lines.');
  const bodyStart = split.bodyStart;

  const y = parseYamlWithPositions(split.yaml, split.yamlLine, kind === 'holding' ? 'holding statement front matter' : 'post front matter');
  if (!y.ok) {
    const unclosed = textInFrontMatter(split.yaml, split.yamlLine);
    if (unclosed) return fail(unclosed.line, `the front-matter is not closed before line ${unclosed.line}: "${unclosed.text.length > 40 ? unclosed.text.slice(0, 40) + '…' : unclosed.text}" is post text, not a \`field: value\` line`, `Add a line holding only \`---\` after the last field (line ${unclosed.lastField}), before the text.`);
    return {
      ok: false,
      problems: y.errors.map((e) =>
        e.alias
          ? diag(file, e, 'error', 'yaml', e.message, 'Replace the alias with the value itself (e.g. `tags: [menu, spring]`); anchors and aliases are refused in content files.', 'yaml')
          : diag(file, e, 'error', 'yaml', `invalid front-matter YAML: ${e.message}`, 'Fix the YAML at this position: indentation, a missing colon, or put the value in quotes.', 'yaml')),
    };
  }
  const r = new FieldReader(file, y.at, y.keyAt);
  if (!isRecord(y.value)) return fail(2, 'the front-matter must be a list of `field: value` lines', 'Write `id: my-post`, `publish_at: …`, `channels: [bluesky]`, one per line.');
  const fm = y.value;
  r.unknownKeys(fm, POST_FIELDS, [], 'unknown-field');
  const lines: Record<string, number> = {};
  for (const k of Object.keys(fm)) lines[k] = y.keyAt([k]).line;

  // id
  const id = r.string(fm, 'id', [], 'id');
  if (id === undefined && !('id' in fm && fm.id !== null)) {
    const base = posix.basename(file, '.md').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
    r.error([], 'id', '`id` is missing', `Add \`id: ${base || 'my-post'}\`: a stable name that never changes, even if the file is renamed.`);
  } else if (id !== undefined && !ID_PATTERN.test(id)) {
    r.error(['id'], 'id', `\`id\` "${id}" may only use letters, digits, ".", "_" and "-" (at most 100, starting with a letter or digit)`, 'Use something like `2027-01-spring-menu`.');
  }

  // draft, timezone
  const draft = r.boolean(fm, 'draft', [], 'draft') ?? false;
  let timezone = config.timezone;
  const tz = r.string(fm, 'timezone', [], 'timezone');
  if (tz !== undefined) {
    if (isValidZone(tz)) timezone = tz;
    else r.error(['timezone'], 'timezone', `\`timezone\` "${tz}" is not an IANA time zone`, 'Use a name like Europe/Warsaw, America/New_York or UTC, or remove it to use the team zone.');
  }

  // publish_at
  const when = (key: 'publish_at' | 'expires'): { instant?: number; raw?: string } => {
    const v = fm[key];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'string') {
      r.error([key], 'publish-at', `\`${key}\` must be a date-time in quotes, not ${typeof v === 'number' ? 'a number' : 'a ' + typeof v}`, `Write \`${key}: "2027-01-14T09:00:00+01:00"\` or \`${key}: "2027-01-14 09:00"\`.`);
      return {};
    }
    if (tz !== undefined && !isValidZone(tz)) return { raw: v };
    const t = parseInstant(v, timezone);
    if (!t.ok) {
      r.error([key], key === 'publish_at' ? 'publish-at' : 'expires', `\`${key}\`: ${t.message}`, t.fix);
      return { raw: v };
    }
    return { instant: t.instant, raw: v };
  };
  const pub = when('publish_at');
  // ── reply_to (feedback inbox): a reply needs no time, it goes out once approved and merged.
  const replyTo = r.string(fm, 'reply_to', [], 'reply-to')?.trim();
  if (replyTo !== undefined && !REPLY_TO_PATTERN.test(replyTo)) {
    r.error(['reply_to'], 'reply-to', `\`reply_to\` "${replyTo.slice(0, 60)}" is neither a conversation id nor a post address`, 'Write the conversation id from its feedback issue (e.g. `mastodon:110123456789012345`) or the customer post\'s https:// address.');
  }
  // ── end of reply_to.
  if (!('publish_at' in fm) && !draft && kind === 'post' && replyTo === undefined) r.error([], 'publish-at', '`publish_at` is missing', 'Add `publish_at: "2027-01-14 09:00"` (team time zone) or with an explicit offset; or mark the post `draft: true`.');
  const exp = when('expires');

  // channels
  const channels: Network[] = [];
  const chList = r.stringList(fm, 'channels', [], 'channels');
  if (chList === undefined && !('channels' in fm && fm.channels !== null)) {
    r.error([], 'channels', '`channels` is missing', `Add \`channels: [${config.channels.enabled.join(', ')}]\`.`);
  }
  for (const [i, name] of (chList ?? []).entries()) {
    const n = name.trim().toLowerCase();
    if (!(NETWORKS as readonly string[]).includes(n)) {
      r.error(['channels', i], 'channels', `unknown channel "${name}"`, `Use one of: ${NETWORKS.join(', ')}.`);
    } else if (!config.channels.enabled.includes(n as Network)) {
      r.error(['channels', i], 'channels', `channel "${n}" is not configured for this repository`, `Use one of: ${config.channels.enabled.join(', ')}; or add it under \`channels\` in copydesk.config.yaml.`);
    } else if (!channels.includes(n as Network)) channels.push(n as Network);
  }
  if (chList && chList.length === 0) r.error(['channels'], 'channels', '`channels` is empty', `List at least one of: ${config.channels.enabled.join(', ')}.`);

  // lang, tags
  let lang = config.lang;
  const l = r.string(fm, 'lang', [], 'lang');
  if (l !== undefined) {
    try {
      lang = Intl.getCanonicalLocales(l)[0] ?? lang;
    } catch {
      r.error(['lang'], 'lang', `\`lang\` "${l}" is not a BCP 47 language tag`, 'Use a tag like en, pl or en-GB.');
    }
  }
  const tags = r.stringList(fm, 'tags', [], 'tags') ?? [];

  // thread parts, bounded before anything counts or reads them
  const limit = partLimits(source, bodyStart, config.channels.mastodon.maxCharacters);
  if (limit) {
    r.problems.push(diag(file, { line: limit.line }, 'error', 'post-format', limit.message, limit.fix));
    return { ok: false, problems: r.problems };
  }
  const parts = splitParts(source, bodyStart);
  // Per-network text (`::: mastodon` … `:::` blocks, ./part-variants.ts), before the empty-part
  // check: a part may leave its shared text empty when every network has its own.
  r.problems.push(...readVariants(file, source, parts, channels));
  parts.forEach((p, i) => {
    if (!p.text && channels.some((n) => !p.variants?.[n])) r.problems.push(diag(file, { line: p.line }, 'error', 'empty-part', parts.length > 1 ? `thread part ${i + 1} is empty` : 'the post has no text', parts.length > 1 ? 'Write text between the `---` lines, or remove the extra `---`.' : 'Write the post text below the front-matter.'));
  });

  // media
  const media: PostMedia[] = [];
  const m = fm.media;
  if (m !== undefined && m !== null) {
    if (!Array.isArray(m)) r.error(['media'], 'media', '`media` must be a list', 'Write `media:` then `  - path: img/photo.jpg` and `    alt: what the picture shows`.');
    else m.forEach((item, i) => {
      const p = ['media', i];
      if (!isRecord(item)) return void r.error(p, 'media', `media item ${i + 1} must have \`path\` and \`alt\``, 'Write `- path: img/photo.jpg` with `alt: what the picture shows` under it.');
      r.unknownKeys(item, ['path', 'alt', 'part'], p, 'unknown-field');
      const path = r.string(item, 'path', p, 'media');
      const alt = r.string(item, 'alt', p, 'alt-text') ?? '';
      const part = r.number(item, 'part', p, 'media', 1) ?? 1;
      if (!path) return void r.error(p, 'media', `media item ${i + 1} has no \`path\``, 'Add `path:` relative to this post file.');
      const resolved = resolveMediaPath(file, path);
      if (!resolved.ok) return void r.error([...p, 'path'], 'media', resolved.reason, resolved.fix);
      const { repoPath } = resolved;
      if (part > parts.length || !Number.isInteger(part)) r.error([...p, 'part'], 'media', `media item ${i + 1} is attached to part ${part}, but the thread has ${parts.length} part(s)`, `Use a part number from 1 to ${parts.length}.`);
      media.push({ path, repoPath, absPath: posix.join(root.replaceAll('\\', '/'), repoPath), alt, part: Math.min(part, parts.length) - 1, line: y.at(p).line });
    });
  }

  if (replyTo !== undefined && REPLY_TO_PATTERN.test(replyTo)) {
    const net = /^(bluesky|mastodon):/.exec(replyTo)?.[1];
    if (channels.length !== 1 || (net && channels[0] !== net)) r.error(['channels'], 'reply-to', `a reply goes to one network${net ? `, the conversation's (${net})` : ''}: \`channels\` must list exactly that one`, `Write \`channels: [${net ?? 'mastodon'}]\`.`);
    if (parts.length > 1) r.error(['reply_to'], 'reply-to', 'a reply is one message: remove the `---` lines', 'Write the reply as one part.');
    if (media.length) r.error(['media'], 'reply-to', 'replies carry no media in copydesk', 'Remove `media` from the reply.');
  }
  const ignores = findIgnores(source, r, file);
  const errors = r.problems.filter((d) => d.severity === 'error');
  if (errors.length) return { ok: false, problems: r.problems };
  const post: Post = {
    id: id!, file, absPath: posix.join(root.replaceAll('\\', '/'), file), source, timezone, channels, media, lang, draft, tags, parts, ignores, lines,
    ...(pub.instant !== undefined ? { publishAt: pub.instant, publishAtRaw: pub.raw } : {}),
    ...(exp.instant !== undefined ? { expires: exp.instant } : {}),
    ...(replyTo !== undefined ? { replyTo } : {}),
  };
  return { ok: true, post, problems: r.problems };
}

/**
 * When the YAML does not parse: the first line that is plainly post text (after a blank line,
 * not indented, no `:`, not a list item or comment), which means the closing `---` is missing and
 * a thread separator further down was taken for it.
 */
function textInFrontMatter(yaml: string, firstLine: number): { line: number; text: string; lastField: number } | undefined {
  const lines = yaml.split('\n');
  let lastField = firstLine;
  for (const [i, raw] of lines.entries()) {
    const l = raw.replace(/\r$/, '');
    if (/^[\w-]+\s*:/.test(l)) lastField = firstLine + i;
    const afterBlank = i > 0 && lines[i - 1]!.trim() === '';
    if (afterBlank && l.trim() !== '' && !/^[\s#-]/.test(l) && !l.includes(':')) return { line: firstLine + i, text: l.trim(), lastField };
  }
  return undefined;
}

/** Split the body into thread parts at lines holding only `---`. */
function splitParts(source: string, bodyStart: number): PostPart[] {
  const at = lineIndex(source);
  return partRanges(source, bodyStart).map(({ start, end }, index) => {
    const raw = source.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    return { index, text: publishedText(raw), line: at(start + lead), start, end };
  });
}

/**
 * Per-network text: finds the `::: network` blocks of each part, sets `part.variants` and the
 * shared `part.text` (the part without its blocks), and reports what cannot be right (an unknown
 * network, one the post does not go to, the same network twice in a part, an empty block, a
 * block left open), each at its line with the fix.
 */
function readVariants(file: string, source: string, parts: PostPart[], channels: readonly Network[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = lineIndex(source);
  const where = (i: number) => (parts.length > 1 ? ` in thread part ${i + 1}` : '');
  for (const [i, part] of parts.entries()) {
    if (source.indexOf(':::', part.start) === -1 || source.indexOf(':::', part.start) >= part.end) continue;
    const found = findVariantBlocks(source, part.start, part.end);
    for (const p of found.problems) out.push(diag(file, { line: at(p.offset) }, 'error', 'variant', p.message, p.fix));
    if (out.length > MAX_VARIANT_PROBLEMS) break;
    if (found.blocks.length === 0) continue;
    const variants: NonNullable<PostPart['variants']> = {};
    for (const b of found.blocks) {
      const line = at(b.blockStart);
      if (!isNetwork(b.name)) {
        out.push(diag(file, { line }, 'error', 'variant', `\`::: ${b.written}\`: "${b.written}" is not a network`, `Use one of: ${NETWORKS.join(', ')} (the networks in \`channels\`).`));
        continue;
      }
      if (!channels.includes(b.name)) {
        out.push(diag(file, { line }, 'error', 'variant', `\`::: ${b.written}\`${where(i)}: this post does not go to ${b.name} (\`channels\` lists ${channels.join(', ') || 'nothing'})`, `Add ${b.name} to \`channels\`, or remove the block (lines ${line}–${at(b.blockEnd)}).`));
        continue;
      }
      if (variants[b.name]) {
        out.push(diag(file, { line }, 'error', 'variant', `\`::: ${b.written}\`${where(i)}: ${b.name} already has a text in this part (line ${at(variants[b.name]!.blockStart)})`, 'Keep one block per network in each part: merge the two texts.'));
        continue;
      }
      const raw = source.slice(b.start, b.end);
      const text = publishedText(raw);
      if (!text) {
        out.push(diag(file, { line }, 'error', 'variant', `\`::: ${b.written}\`${where(i)}: the ${b.name} text is empty`, `Write the text ${b.name} should get between \`::: ${b.name}\` and \`:::\`, or remove the block so ${b.name} gets the shared text.`));
        continue;
      }
      const lead = raw.length - raw.trimStart().length;
      variants[b.name] = { network: b.name, text, line: at(b.start + lead), start: b.start, end: b.end, blockStart: b.blockStart, blockEnd: b.blockEnd };
    }
    // The shared text is the part without any block (the bad ones too: they are not text).
    let shared = '';
    let pos = part.start;
    for (const b of found.blocks) {
      shared += source.slice(pos, b.blockStart);
      pos = Math.min(part.end, b.blockEnd);
    }
    shared += source.slice(pos, part.end);
    part.text = publishedText(shared);
    if (Object.keys(variants).length) part.variants = variants;
  }
  // A file of nothing but `:::` lines says the same thing a thousand times: the first few and a count.
  if (out.length > MAX_VARIANT_PROBLEMS) {
    const rest = out.length - MAX_VARIANT_PROBLEMS;
    out.splice(MAX_VARIANT_PROBLEMS, rest, diag(file, { line: out[MAX_VARIANT_PROBLEMS]!.line }, 'error', 'variant', `and ${rest} more problems with \`:::\` per-network blocks (the first ${MAX_VARIANT_PROBLEMS} are listed)`, 'Fix the blocks above and run the check again; see posts/README.md, "Per-network text".'));
  }
  return out;
}

/** Most per-network block problems listed for one file. */
const MAX_VARIANT_PROBLEMS = 10;

/**
 * The text as published: HTML comments removed, trailing spaces of each line removed, at most
 * one blank line in a row, trimmed. Written without backtracking regexes: `\s+$` and
 * `<!--[\s\S]*?-->` take quadratic time on 40,000 spaces or thousands of unclosed comments.
 */
function publishedText(raw: string): string {
  let kept = '';
  let pos = 0;
  for (const c of htmlComments(raw)) {
    kept += raw.slice(pos, c.start);
    pos = c.end;
  }
  kept += raw.slice(pos);
  const lines = kept.split('\n').map((l) => l.replace(/\r$/, '').trimEnd());
  const out: string[] = [];
  let blank = 0;
  for (const l of lines) {
    blank = l === '' ? blank + 1 : 0;
    if (blank <= 1) out.push(l);
  }
  return out.join('\n').trim();
}

/** `<!-- … -->` comments, in order; an unclosed `<!--` is text. Linear (indexOf only). */
function htmlComments(text: string): { start: number; end: number; inner: string }[] {
  const out: { start: number; end: number; inner: string }[] = [];
  let pos = 0;
  for (;;) {
    const start = text.indexOf('<!--', pos);
    if (start === -1) break;
    const close = text.indexOf('-->', start + 4);
    if (close === -1) break;
    out.push({ start, end: close + 3, inner: text.slice(start + 4, close) });
    pos = close + 3;
  }
  return out;
}

const IGNORE_HEAD = /^copydesk-ignore\s+([a-z0-9-]+)/i;

function findIgnores(source: string, r: FieldReader, file: string): Ignore[] {
  const out: Ignore[] = [];
  const at = lineIndex(source);
  for (const c of htmlComments(source)) {
    const inner = c.inner.trim();
    const head = IGNORE_HEAD.exec(inner);
    if (!head) continue;
    const rest = inner.slice(head[0].length).trim();
    if (rest !== '' && !rest.startsWith(':')) continue;
    const line = at(c.start);
    const reason = rest.slice(1).trim();
    if (!reason) r.problems.push(diag(file, { line }, 'error', 'ignore-reason', `copydesk-ignore for \`${head[1]}\` gives no reason`, `Write it as <!-- copydesk-ignore ${head[1]}: why the team accepts this -->.`));
    else out.push({ ruleId: head[1]!.toLowerCase(), reason, line });
  }
  return out;
}

/** 1-based line of an offset. */
export function lineAt(source: string, offset: number): number {
  return lineIndex(source)(offset);
}
