/**
 * The "second reader": a Markdown preview of what each changed post will look like, shared by the
 * job summary and the PR comment. Per post: when it goes out (team zone, UTC, relative), the
 * networks, the text as published (split into thread parts), and per network the length against
 * each limit, the media with their alt text, the other posts going out the same day on that
 * network, and the check's findings. All user text is fenced or escaped (./markdown.ts).
 */
import { posix } from 'node:path';
import type { Config } from '../config/config.ts';
import type { Freeze } from '../freeze/freeze-state.ts';
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import { distinctTexts, hasVariants, textFor } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';
import { fmtInZone, fmtIsoWithOffset, fmtRelative, zoneOffset } from '../post/time.ts';
import type { Network } from '../post/network.ts';
import { freezeLines } from './freeze-note.ts';
import type { CheckedCard } from './card-check.ts';
import { cardPreviewLines } from './card-preview.ts';
import type { Accepted } from './ignores.ts';
import { isOver, lengthFor, MEDIA_RULES, mimeOf } from './lengths.ts';
import { code, fence, text } from './markdown.ts';

export interface PreviewInput {
  /** The posts to preview (the changed ones), in order. */
  posts: readonly Post[];
  /** Findings per file (after accepted warnings were removed). */
  findingsByFile: ReadonlyMap<string, readonly Diagnostic[]>;
  /** Warnings accepted with copydesk-ignore, per file, shown with their reasons. */
  acceptedByFile?: ReadonlyMap<string, readonly Accepted[]>;
  /** Every post of the repository: what else goes out the same day. */
  allPosts: readonly Post[];
  config: Config;
  /** The clock (epoch ms) for "in 3 h". */
  now: number;
  /** Active freezes, shown first. */
  freezes?: readonly Freeze[];
  /** Lines shown under the title (e.g. "the configuration changed: all posts were checked"). */
  notes?: readonly string[];
  /** Bluesky link cards fetched by the check (`--cards`), per file. */
  cardsByFile?: ReadonlyMap<string, readonly CheckedCard[]>;
}

export function renderPreview(input: PreviewInput): string {
  const { posts, config } = input;
  const out: string[] = ['## copydesk preview', ''];
  for (const line of freezeLines(input.freezes ?? [])) out.push(`> [!WARNING]`, `> ${text(line)}`, '');
  for (const n of input.notes ?? []) out.push(`_${text(n)}_`, '');
  if (posts.length === 0) out.push('No post is added or changed in this pull request.', '');
  for (const post of posts) out.push(...renderPost(post, input, config), '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function renderPost(post: Post, input: PreviewInput, config: Config): string[] {
  const findings = input.findingsByFile.get(post.file) ?? [];
  const errors = findings.filter((d) => d.severity === 'error').length;
  const warnings = findings.length - errors;
  const acceptedCount = input.acceptedByFile?.get(post.file)?.length ?? 0;
  const status = (errors ? `❌ ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}` : warnings ? `⚠️ ${warnings} warning${warnings === 1 ? '' : 's'}` : '✅ no findings') + (acceptedCount ? `, ${acceptedCount} accepted` : '');
  const out: string[] = [`### ${code(post.file)}`, ''];
  out.push('| | |', '|---|---|');
  out.push(`| Id | ${code(post.id)} |`);
  out.push(`| Goes out | ${whenCell(post, config, input.now)} |`);
  if (post.expires !== undefined) out.push(`| Expires | ${text(fmtInZone(post.expires, config.timezone))} |`);
  out.push(`| Networks | ${post.channels.join(', ')} |`);
  if (post.tags.length) out.push(`| Tags | ${post.tags.map(code).join(', ')} |`);
  if (post.lang !== config.lang) out.push(`| Language | ${code(post.lang)} |`);
  out.push(`| Check | ${status} |`, '');

  out.push(`#### Text${post.parts.length > 1 ? ` (a thread of ${post.parts.length} parts)` : ''}`, '');
  const varies = hasVariants(post);
  out.push(varies ? '_Some networks get their own text (`::: network` blocks); each is shown with the networks that get it._' : '_The text is the same on every network; only how it is counted differs._', '');
  for (const part of post.parts) {
    if (post.parts.length > 1) out.push(`**Part ${part.index + 1} of ${post.parts.length}**`, '');
    if (!varies) out.push(fence(part.text), '');
    // Per network: one block per distinct text, naming the networks that get it.
    else for (const { text: t, networks } of distinctTexts(part, post.channels)) out.push(`On ${networks.join(', ')}:`, '', fence(t), '');
    const media = post.media.filter((m) => m.part === part.index);
    for (const [i, m] of media.entries()) {
      out.push(`${i + 1}. 🖼️ ${code(posix.basename(m.repoPath))} (${mimeOf(m.path) ?? 'unknown type'}), alt text:`, '', fence(m.alt || '(none)'), '');
    }
  }

  for (const network of post.channels) out.push(...renderNetwork(post, network, input, config));

  const accepted = input.acceptedByFile?.get(post.file) ?? [];
  out.push('#### Findings', '');
  if (findings.length === 0) out.push(accepted.length ? 'None left after the accepted warnings below.' : 'None.');
  for (const d of findings) {
    out.push(`- ${d.severity === 'error' ? '❌' : '⚠️'} line ${d.line}: **${text(d.ruleId)}** ${text(d.message)}${d.fix ? `<br>Fix: ${text(d.fix)}` : ''}`);
  }
  if (accepted.length) out.push('', '**Accepted warnings** (a reviewer should agree with each reason):', '');
  for (const a of accepted) out.push(`- ☑️ line ${a.finding.line}: **${text(a.finding.ruleId)}** ${text(a.finding.message)}<br>Reason: ${text(a.reason)}`);
  return out;
}

function renderNetwork(post: Post, network: Network, input: PreviewInput, config: Config): string[] {
  const out: string[] = [`#### On ${network}`, ''];
  out.push('| Part | Used | Limit | |', '|---|---|---|---|');
  for (const part of post.parts) {
    const u = lengthFor(network, textFor(part, network), config);
    const used = `${u.used} ${u.unit}${u.bytes ? ` · ${u.bytes.used} bytes` : ''}`;
    const limit = `${u.limit} ${u.unit}${u.bytes ? ` · ${u.bytes.limit} bytes` : ''}`;
    out.push(`| ${part.index + 1} | ${used} | ${limit} | ${isOver(u) ? '❌ too long' : '✅'} |`);
  }
  out.push('');
  const rules = MEDIA_RULES[network];
  if (post.media.length) {
    const perPart = post.parts.map((p) => post.media.filter((m) => m.part === p.index).length);
    out.push(`Media: ${perPart.map((n, i) => (post.parts.length > 1 ? `part ${i + 1}: ${n}` : `${n}`)).join(', ')} (at most ${rules.max} per post on ${network}).`, '');
  }
  out.push(...cardPreviewLines(post, network, config, input.cardsByFile?.get(post.file)));
  if (post.publishAt !== undefined) {
    const day = localDay(post.publishAt, config.timezone);
    const same = input.allPosts
      .filter((o) => o.file !== post.file && !o.draft && o.publishAt !== undefined && o.channels.includes(network) && localDay(o.publishAt, config.timezone) === day)
      .sort((a, b) => a.publishAt! - b.publishAt!);
    out.push(same.length ? `Also on ${network} on ${day}:` : `Nothing else is scheduled on ${network} on ${day}.`);
    for (const o of same) out.push(`- ${localTime(o.publishAt!, config.timezone)} ${code(o.file)} (id ${code(o.id)})`);
    out.push('');
  }
  return out;
}

function whenCell(post: Post, config: Config, now: number): string {
  if (post.publishAt === undefined) return post.draft ? 'draft, no time yet' : 'on demand (holding statement)';
  const t = post.publishAt;
  const parts = [fmtInZone(t, config.timezone)];
  if (post.timezone !== config.timezone) parts.push(fmtInZone(t, post.timezone));
  parts.push(`${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`, fmtRelative(t, now));
  return text(parts.join(' · '));
}

function localDay(instant: number, zone: string): string {
  return fmtIsoWithOffset(instant, zoneOffset(instant, zone)).slice(0, 10);
}

function localTime(instant: number, zone: string): string {
  return fmtIsoWithOffset(instant, zoneOffset(instant, zone)).slice(11, 16);
}

