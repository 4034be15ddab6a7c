/**
 * `copydesk inbox sync`'s core: every conversation on the state store gets exactly one GitHub
 * issue (label `feedback`), written in place on every run while it waits for an answer (the
 * clock line changes) and once more when it is answered or closed; tone recomputed unless a
 * person set it; when the clock runs out, one comment mentioning the roster's owner and backup.
 *
 * Once, whatever runs overlap or die:
 * - the issue: its number is recorded on the conversation (compare-and-swap) right after it is
 *   opened, and before opening one the run looks for an issue carrying the conversation's marker
 *   (a run that died after opening it); two runs racing both open one, the second to record
 *   closes its own as a duplicate of the first.
 * - the overdue mention: `overdueNotifiedAt` is claimed in a compare-and-swap BEFORE commenting;
 *   only the run whose write set it comments (the comment carries a hidden marker), then
 *   `overdueCommentedAt` confirms it. A failed comment gives the claim back so the next run tries
 *   again. A claim left unconfirmed for STALE_CLAIM_MS (a run killed between the claim and the
 *   confirmation) is taken over by compare-and-swap by one later run, which first looks for the
 *   marked comment on the issue and posts only when it is not there.
 * Nothing is written to the store when nothing changed; with no conversations, no GitHub call.
 */
import type { Config } from '../config/config.ts';
import type { StateStore } from '../state/store.ts';
import type { Conversation } from './conversation.ts';
import { patchConversations, readConversations, type ConversationPatch } from './conversation-store.ts';
import { closeAsDuplicate, commentOnIssue, createFeedbackIssue, hasMarkedComment, listFeedbackIssues, repositoryIsPrivate, writeFeedbackIssue, type FeedbackGitHub } from './feedback-github.ts';
import { feedbackMarkerName, isPrivate, notificationsUrl, renderFeedbackIssue, type FeedbackIssueView } from './feedback-issue.ts';
import { clockStart } from './inbox-listing.ts';
import { overdueMention } from './overdue-mention.ts';
import { readClock, type ClockReading } from './response-clock.ts';
import { conversationTone } from './tone.ts';

/** A claim older than this without a confirmed comment belongs to a dead run (the publish job times out after 15 minutes). */
export const STALE_CLAIM_MS = 20 * 60_000;

/** The hidden marker of a conversation's overdue comment. */
export function overdueMarker(conversationId: string): string {
  return `<!-- copydesk:${feedbackMarkerName(conversationId).replace('feedback:', 'feedback-overdue:')} -->`;
}

/** Inputs of {@link syncInbox}. */
export interface SyncOptions {
  store: StateStore;
  gh: FeedbackGitHub;
  config: Config;
  /** The run's clock (epoch ms). */
  now: number;
  /** The site's inbox page, linked from each issue, when the site's address is known. */
  inboxUrl?: string;
  /** Called after the overdue claims are written, before commenting (tests: a run killed there). */
  afterClaim?: () => Promise<void>;
}

/** What a sync did, for the log. */
export interface SyncReport {
  created: number;
  updated: number;
  mentioned: number;
  /** One line per thing done. */
  lines: string[];
  /** Problems (a GitHub call failed, a file could not be read); the run goes on with the others. */
  errors: string[];
}

/** Records the issue number unless another run recorded one first; returns the number kept. */
async function recordIssue(store: StateStore, id: string, number: number): Promise<number> {
  let kept = number;
  const patch: ConversationPatch = (cur) => {
    if (cur.issue !== undefined) {
      kept = cur.issue;
      return null;
    }
    kept = number;
    return { ...cur, issue: number };
  };
  await patchConversations(store, `inbox: issue #${number} for ${id}`, new Map([[id, patch]]));
  return kept;
}

export async function syncInbox(o: SyncOptions): Promise<SyncReport> {
  const report: SyncReport = { created: 0, updated: 0, mentioned: 0, lines: [], errors: [] };
  const { conversations, problems } = await readConversations(o.store);
  for (const p of problems) report.errors.push(`${p.path}: ${p.error}; left out (the collector writes these files: see its log).`);
  if (!conversations.length) return report;

  const fb = o.config.feedback;
  const zone = fb.businessHours.zone;
  let showPrivateWords = false;
  if (fb.privateRepository && conversations.some((c) => isPrivate(c.visibility))) {
    const r = await repositoryIsPrivate(o.gh);
    if (r.ok) showPrivateWords = r.private;
    else report.errors.push(`${r.error}: private messages are shown without their words this run.`);
    if (r.ok && !r.private) report.lines.push('feedback.private_repository is true, but GitHub says the repository is public: private messages are shown without their words.');
  }

  let existing: Map<string, number> | undefined;
  const patches = new Map<string, ConversationPatch>();
  const overdue: { c: Conversation; number: number; clock: ClockReading }[] = [];

  for (const c of conversations) {
    const tone = conversationTone(c, fb, o.config.lang);
    const clock = c.status === 'open' ? readClock(fb.businessHours, fb.firstResponseMinutes, clockStart(c), o.now) : undefined;
    const view: FeedbackIssueView = renderFeedbackIssue({ ...c, tone }, { tone, ...(clock ? { clock } : {}), zone, targetMinutes: fb.firstResponseMinutes, showPrivateWords, ...(o.inboxUrl ? { inboxUrl: o.inboxUrl } : {}), ...notificationsLink(c.network, o.config) });
    let number = c.issue;
    let justCreated = false;
    if (number === undefined) {
      if (c.status === 'open') {
        if (!existing) {
          const listed = await listFeedbackIssues(o.gh);
          if (!(listed instanceof Map)) {
            report.errors.push(listed.text);
            break; // without the list, opening issues could make duplicates: try again next run
          }
          existing = listed;
        }
        number = existing.get(feedbackMarkerName(c.id));
        if (number === undefined) {
          const made = await createFeedbackIssue(o.gh, c.id, view);
          if (!made.ok) {
            report.errors.push(made.text);
            continue;
          }
          number = made.number;
          justCreated = true;
          report.created++;
          report.lines.push(`Opened issue #${number} for ${c.id} (${tone.level}).`);
        }
        const kept = await recordIssue(o.store, c.id, number);
        if (kept !== number) {
          await closeAsDuplicate(o.gh, number, kept);
          report.lines.push(`Issue #${number} duplicated #${kept} (another run opened it at the same time): closed.`);
          number = kept;
          justCreated = false;
        }
      }
    }
    if (number !== undefined && !justCreated && (c.status === 'open' || c.issueSync?.key !== view.key || c.issueSync?.state !== view.state)) {
      const w = await writeFeedbackIssue(o.gh, number, c.id, view);
      if (!w.ok) {
        report.errors.push(w.text);
        continue;
      }
      report.updated++;
      if (view.state === 'closed' && c.issueSync?.state !== 'closed') report.lines.push(`Closed issue #${number} (${c.status}).`);
    }
    const written = number !== undefined ? { key: view.key, state: view.state } : undefined;
    patches.set(c.id, (cur) => {
      const next: Conversation = { ...cur, tone: cur.tone?.override ? cur.tone : tone };
      // Only what this run wrote for the conversation as it read it; a newer status is written next run.
      if (written && cur.status === c.status) next.issueSync = written;
      return next;
    });
    const claimable = c.overdueNotifiedAt === undefined || (c.overdueCommentedAt === undefined && o.now - c.overdueNotifiedAt >= STALE_CLAIM_MS);
    if (number !== undefined && clock?.overdue && claimable) overdue.push({ c, number, clock });
  }

  await patchConversations(o.store, 'inbox: tone and issues', patches);

  if (overdue.length) {
    // Claim only what this run read: unclaimed, or the same stale claim (two runs taking over race here).
    const claims = new Map<string, ConversationPatch>(overdue.map(({ c }) => [c.id, (cur) => (cur.status === 'open' && cur.overdueCommentedAt === undefined && cur.overdueNotifiedAt === c.overdueNotifiedAt && clockStart(cur) === clockStart(c) ? { ...cur, overdueNotifiedAt: o.now } : null)]));
    const won = await patchConversations(o.store, `inbox: ${overdue.length} past the first-response target`, claims, (changed) =>
      changed.map((c) => ({ at: new Date(o.now).toISOString(), kind: 'overdue-notified', conversation: c.id, by: 'copydesk' })));
    await o.afterClaim?.();
    for (const w of won) {
      const item = overdue.find((x) => x.c.id === w.id)!;
      const marker = overdueMarker(w.id);
      // Taking over a dead run's claim: it may have commented before it died.
      const already = item.c.overdueNotifiedAt !== undefined ? await hasMarkedComment(o.gh, item.number, marker) : false;
      const posted = already ? { ok: true as const } : await commentOnIssue(o.gh, item.number, `${marker}\n${overdueMention(o.config, item.clock, zone)}`);
      if (posted.ok) {
        await patchConversations(o.store, `inbox: overdue mention of ${w.id} posted`, new Map([[w.id, (cur) => (cur.overdueNotifiedAt === o.now ? { ...cur, overdueCommentedAt: o.now } : null)]]));
        if (already) {
          report.lines.push(`Issue #${item.number}: the overdue mention was already there (a run died before confirming it).`);
          continue;
        }
        report.mentioned++;
        report.lines.push(`Issue #${item.number}: past the first-response target; mentioned the owner and backup.`);
      } else {
        report.errors.push(`${posted.text} (the overdue mention; the next run tries again)`);
        // Give the claim back so the next run mentions them (only ours: the same instant).
        await patchConversations(o.store, `inbox: overdue mention of ${w.id} failed`, new Map([[w.id, (cur) => {
          if (cur.overdueNotifiedAt !== o.now) return null;
          const { overdueNotifiedAt: _drop, ...rest } = cur;
          return rest as Conversation;
        }]]));
      }
    }
  }
  return report;
}

/** The notifications link for a private message's issue, when the network's home is known. */
function notificationsLink(network: string, config: Config): { notificationsUrl?: string } {
  const url = notificationsUrl(network, config.channels.mastodon.instance);
  return url ? { notificationsUrl: url } : {};
}
