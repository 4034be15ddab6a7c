/**
 * The post-incident timeline: everything copydesk knows about a period, merged and sorted, as a
 * Markdown table for the "Timeline" section of the post-incident review template
 * (playbook/post-incident-review.md). Sources: git history (who added, changed or removed which
 * post), the publishing ledger (sent, missed, expired, failed), the freeze log (frozen, thawed),
 * the holding log (statements sent), and the posts themselves (what was scheduled, what a freeze
 * held). Pure.
 */
import type { Post } from '../post/post.ts';
import { fmtIsoWithOffset, zoneOffset } from '../post/time.ts';
import type { LedgerEvent } from '../schedule/ledger.ts';
import { describeHold, freezeHolds } from '../freeze/freeze-match.ts';
import { freezeIntervals } from '../schedule/freeze-match.ts';
import type { Freeze, FreezeLogEvent } from '../freeze/freeze-state.ts';
import type { GitCommit } from './git-history.ts';
import type { HoldingLogEvent } from '../holding/holding-log.ts';

export type TimelineKind = 'change' | 'scheduled' | 'held' | 'sent' | 'missed' | 'expired' | 'failed' | 'unknown' | 'frozen' | 'thawed' | 'holding' | 'retracted' | 'removed';

export interface TimelineEntry {
  /** When (epoch ms). */
  at: number;
  /** What sort of fact (sorts facts of the same minute in a sensible order). */
  kind: TimelineKind;
  /** One sentence, Markdown. */
  what: string;
  /** Who (a person, or "publisher run 123"). */
  by: string;
  /** Where the fact comes from: `git`, `ledger`, `freeze log`, `holding log`, `posts`. */
  source: string;
}

export interface TimelineInput {
  /** Start of the period (epoch ms, inclusive). */
  since: number;
  /** End of the period (epoch ms, inclusive). */
  until: number;
  /** Commits that touched posts, holding statements or the config. */
  commits: GitCommit[];
  /** The whole publishing ledger. */
  ledger: LedgerEvent[];
  /** Every freeze and thaw. */
  freezeLog: FreezeLogEvent[];
  /** Freezes active now (`freeze.json`): the truth about freezes not yet thawed. */
  active: Freeze[];
  /** The clock (epoch ms). */
  now: number;
  /** Every holding statement dispatch. */
  holdingLog: HoldingLogEvent[];
  /** Posts as they are now (for what was scheduled and held). */
  posts: Post[];
}

const ORDER: TimelineKind[] = ['change', 'frozen', 'scheduled', 'held', 'sent', 'holding', 'retracted', 'removed', 'missed', 'expired', 'failed', 'unknown', 'thawed'];

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

function link(text: string, url: string | undefined): string {
  return url ? `[${text}](${url})` : text;
}

export function buildTimeline(t: TimelineInput): TimelineEntry[] {
  const inRange = (at: number) => at >= t.since && at <= t.until;
  const out: TimelineEntry[] = [];

  for (const c of t.commits) {
    if (!inRange(c.committedAt)) continue;
    const by = c.committer && c.committer !== c.author ? `${c.author} (committed by ${c.committer})` : c.author;
    for (const f of c.files) {
      const what = f.path.endsWith('.md') ? `post ${f.postId ? `${code(f.postId)} ` : ''}(${f.path})` : f.path;
      const verb = f.kind === 'renamed' ? `renamed ${f.from} to` : f.kind;
      out.push({ at: c.committedAt, kind: 'change', what: `${c.merge ? 'Merged: ' : ''}${verb} ${what}, commit ${code(c.sha.slice(0, 7))} "${c.subject}"`, by, source: 'git' });
    }
  }

  const intervals = freezeIntervals(t.active, t.freezeLog, t.now);
  for (const p of t.posts) {
    if (p.draft || p.publishAt === undefined || !inRange(p.publishAt)) continue;
    out.push({ at: p.publishAt, kind: 'scheduled', what: `${code(p.id)} (${p.file}) was due on ${p.channels.join(', ')}`, by: '', source: 'posts' });
    for (const iv of intervals) {
      if (iv.from <= p.publishAt && p.publishAt < iv.until && freezeHolds(iv.freeze, p)) {
        out.push({ at: p.publishAt, kind: 'held', what: `${code(p.id)} held by freeze ${code(iv.freeze.id)} (${iv.freeze.reason})`, by: iv.freeze.by, source: 'freeze log' });
      }
    }
  }

  // Ledger: one entry per post, network, state and run (a thread's parts collapse into one).
  const groups = new Map<string, LedgerEvent[]>();
  for (const e of t.ledger) {
    if (e.state === 'intent' || e.state === 'retract-intent') continue;
    const at = Date.parse(e.at);
    if (!inRange(at)) continue;
    // One retraction is one fact, whatever the number of networks it covers.
    const k = e.state === 'retract' ? `${e.postId}\0\0${e.state}\0${e.runId}` : `${e.postId}\0${e.network}\0${e.state}\0${e.runId}\0${e.state === 'retracted' && e.alreadyGone ? 'gone' : ''}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  for (const evs of groups.values()) {
    const e = evs[0]!;
    const parts = evs.length > 1 ? ` (${evs.length} parts)` : '';
    const via = e.via !== e.network ? ` via ${e.via}` : '';
    const first = evs.find((x) => x.part === 0) ?? e;
    let what: string;
    switch (e.state) {
      case 'sent':
        what = `${code(e.postId)} sent on ${e.network}${via}${parts}${first.ref?.url ? `: ${link('view', first.ref.url)}` : first.ref?.id ? ` (id ${first.ref.id})` : ''}`;
        break;
      case 'missed':
      case 'expired':
        what = `${code(e.postId)} ${e.state} on ${e.network}${e.reason ? `: ${e.reason}` : ''}`;
        break;
      case 'retract': {
        const nets = e.allNetworks ? 'every network' : evs.map((x) => x.network).join(', ');
        out.push({ at: Date.parse(e.at), kind: 'retracted', what: `**Retracted** ${code(e.postId)} on ${nets}: ${e.reason ?? 'no reason given'}`, by: e.by ?? `run ${e.runId}`, source: 'ledger' });
        continue;
      }
      case 'retracted':
        out.push({ at: Date.parse(e.at), kind: 'removed', what: `${code(e.postId)} ${e.alreadyGone ? 'was already gone from' : 'deleted on'} ${e.network}${via}${parts}${evs.length === 1 && first.ref?.id ? ` (id ${first.ref.id})` : ''}`, by: e.by ? `${e.by} (retract run ${e.runId})` : `retract run ${e.runId}`, source: 'ledger' });
        continue;
      case 'retract-failed':
        out.push({ at: Date.parse(e.at), kind: 'failed', what: `${code(e.postId)} could not be deleted on ${e.network}${parts}${e.error ? `: ${e.error}` : ''}${e.action ? `. Action: ${e.action}` : ''}`, by: e.by ? `${e.by} (retract run ${e.runId})` : `retract run ${e.runId}`, source: 'ledger' });
        continue;
      default:
        what = `${code(e.postId)} ${e.state === 'failed' ? 'failed' : 'outcome unknown'} on ${e.network}${parts}${e.error ? `: ${e.error}` : ''}${e.action ? `. Action: ${e.action}` : ''}`;
    }
    out.push({ at: Date.parse(e.at), kind: e.state as TimelineKind, what, by: `publisher run ${e.runId}`, source: 'ledger' });
  }

  for (const e of t.freezeLog) {
    const at = Date.parse(e.at);
    if (!inRange(at)) continue;
    if (e.action === 'freeze') {
      out.push({ at, kind: 'frozen', what: `**Frozen** ${code(e.freeze.id)}: holds ${describeHold(e.freeze)}. Reason: ${e.freeze.reason}${e.freeze.issue !== undefined ? ` (issue #${e.freeze.issue})` : ''}`, by: e.freeze.by, source: 'freeze log' });
    } else {
      out.push({ at, kind: 'thawed', what: `**Thawed** ${code(e.freeze.id)} (frozen by ${e.freeze.by}: ${e.freeze.reason})`, by: e.by ?? 'unknown', source: 'freeze log' });
    }
  }

  for (const h of t.holdingLog) {
    const at = Date.parse(h.at);
    if (!inRange(at) || h.outcome === 'started') continue;
    const nets = (h.networks ?? []).map((n) => (n.ref?.url ? `[${n.network}](${n.ref.url})` : n.network)).join(', ');
    const what = h.outcome === 'sent'
      ? `Holding statement ${code(h.statementId)} sent${nets ? ` on ${nets}` : ''}`
      : `Holding statement ${code(h.statementId)} dispatched: ${h.outcome}${h.reason ? ` (${h.reason})` : ''}`;
    out.push({ at, kind: 'holding', what, by: h.by, source: 'holding log' });
  }

  return out.sort((a, b) => a.at - b.at || ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || a.what.localeCompare(b.what));
}

/** `2027-02-03 08:12 +01:00` in the team zone (the offset, because DST may change mid-incident). */
export function localStamp(at: number, zone: string): string {
  const iso = fmtIsoWithOffset(at, zoneOffset(at, zone));
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} ${iso.slice(19)}`;
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** The Markdown for the review: a heading, a one-line count, and the table. */
export function timelineMarkdown(entries: TimelineEntry[], o: { since: number; until: number; zone: string; notes?: string[] }): string {
  const count = (k: TimelineKind) => entries.filter((e) => e.kind === k).length;
  const counts = (['scheduled', 'sent', 'held', 'missed', 'expired', 'failed', 'retracted', 'frozen', 'thawed', 'holding', 'change'] as const)
    .map((k) => [k, count(k)] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k === 'holding' ? 'holding statements' : k === 'change' ? 'repository changes' : k} ${n}`);
  const lines = [
    `### Timeline, ${localStamp(o.since, o.zone)} to ${localStamp(o.until, o.zone)} (${o.zone})`,
    '',
    `Generated by \`copydesk timeline\` from git history, the publishing ledger, the freeze log and the holding log. ${counts.length ? `Counts: ${counts.join(', ')}.` : 'Nothing recorded in this period.'}`,
    ...(o.notes?.length ? ['', ...o.notes.map((n) => `> ${n}`)] : []),
    '',
    `| Time (${o.zone}) | What happened | By | Source |`,
    '| --- | --- | --- | --- |',
    ...entries.map((e) => `| ${localStamp(e.at, o.zone)} | ${cell(e.what)} | ${cell(e.by || '–')} | ${e.source} |`),
  ];
  return `${lines.join('\n')}\n`;
}
