/**
 * Shared pieces for the reply tests: conversations written straight into a state store (what the
 * collector and the triage would have stored), a GitHub port on the strict GitHub fake, and the
 * `issue_comment` events GitHub would deliver for a comment on the fake.
 */
import type { Config } from '../../src/config/config.ts';
import { defaultConfig } from '../../src/config/config.ts';
import { conversationId, conversationPath, type Conversation, type FeedbackNetwork, type Visibility } from '../../src/feedback/conversation.ts';
import { handleReplyComment, type CommentEvent, type ReplyCommentResult } from '../../src/feedback/reply-comment.ts';
import { replyGitHub } from '../../src/feedback/reply-github.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { FakeUser, GitHubFake } from '../fakes/github-fake.ts';

export const GH_TOKEN = 'ghs_FAKEtokenForInboxReplies0123456789';

export function replyConfig(over: Partial<Config> = {}): Config {
  const base = defaultConfig();
  return {
    ...base, timezone: 'Europe/Warsaw', minSpacingMinutes: 0, maxLatenessMinutes: 120, maxPerRun: 5,
    roster: [{ name: 'Anna Nowak', role: 'owner', github: 'anna' }, { name: 'Ola', role: 'schedule', github: 'ola' }],
    channels: { ...base.channels, enabled: ['bluesky', 'mastodon'] },
    ...over,
  };
}

export interface ConversationSpec {
  network: FeedbackNetwork;
  /** The customer's post (Mastodon status id, or Bluesky AT URI). */
  id: string;
  cid?: string;
  handle: string;
  text?: string;
  visibility?: Visibility;
  issue: number;
  /** The thread's root, when the customer answered one of the shop's posts. */
  root?: { id: string; cid?: string };
  at?: number;
}

/** A conversation as the collector stores it: one customer message. */
export function conversationOf(s: ConversationSpec): Conversation {
  const at = s.at ?? Date.parse('2027-03-15T07:00:00Z');
  const ref = { id: s.id, ...(s.cid ? { cid: s.cid } : {}) };
  const root = s.root ?? ref;
  return {
    id: conversationId(s.network, root.id),
    network: s.network,
    root,
    messages: [{ notificationId: `n-${s.id}`, ref, author: { handle: s.handle, accountId: `acct-${s.handle}` }, text: s.text ?? 'Your croissant was stale today.', createdAt: at, seenAt: at, reason: 'mention', visibility: s.visibility ?? 'public', lang: 'en' }],
    visibility: s.visibility ?? 'public',
    openedAt: at,
    tone: { level: 'negative', because: ['stale'] },
    status: 'open',
    issue: s.issue,
  };
}

export async function putConversation(store: StateStore, c: Conversation): Promise<void> {
  await store.update(`test: conversation ${c.id}`, async () => ({ [conversationPath(c.id)]: `${JSON.stringify(c, null, 2)}\n` }));
}

export async function readConversation(store: StateStore, id: string): Promise<Conversation> {
  return JSON.parse((await store.read(conversationPath(id)))!) as Conversation;
}

export const user = (login: string): FakeUser => ({ login, type: 'User' });

/** Team: anna (owner, admin), ola, piotr and kasia (write), tomek (triage: not enough), a stranger (read). */
export function seedTeam(gh: GitHubFake): void {
  gh.roles.set('anna', 'admin');
  gh.roles.set('ola', 'write');
  gh.roles.set('piotr', 'maintain');
  gh.roles.set('kasia', 'write');
  gh.roles.set('tomek', 'triage');
  gh.roles.set('stranger', 'none');
}

/** The event GitHub delivers for comment `id` as it reads now (`sender`: who created or edited it). */
export function eventFor(gh: GitHubFake, id: number, action: 'created' | 'edited' = 'created', sender?: FakeUser): CommentEvent {
  const c = gh.comments.find((x) => x.id === id)!;
  return { action, issue: c.issue, commentId: c.id, body: c.body, user: { login: c.user.login, type: c.user.type }, sender: sender ? { login: sender.login, type: sender.type } : { login: c.user.login, type: c.user.type } };
}

/** A comment by `who` on issue `issue`, handled as the feedback workflow would. */
export async function comment(gh: GitHubFake, store: StateStore, config: Config, who: FakeUser, issue: number, body: string, now: Date): Promise<{ id: number; result: ReplyCommentResult }> {
  const id = gh.commentAs(who, issue, body);
  return { id, result: await handle(gh, store, config, eventFor(gh, id), now) };
}

export async function handle(gh: GitHubFake, store: StateStore, config: Config, event: CommentEvent, now: Date): Promise<ReplyCommentResult> {
  const octokit = createOctokit({ token: GH_TOKEN, baseUrl: gh.baseUrl });
  return handleReplyComment({ event, store, config, now, github: replyGitHub(octokit, gh.owner, gh.repo), log: () => {} });
}

/** copydesk's own comment for a reply draft (found by its marker). */
export function botComment(gh: GitHubFake, replyId: string): string | undefined {
  return gh.comments.find((c) => c.body.startsWith(`<!-- copydesk:reply:${replyId} -->`))?.body;
}

/** The `/approve <hash>` line copydesk shows for a draft. */
export function approveLine(gh: GitHubFake, replyId: string): string {
  const m = /\/approve ([0-9a-f]{12})/.exec(botComment(gh, replyId) ?? '');
  if (!m) throw new Error(`no /approve line in copydesk's comment for ${replyId}:\n${botComment(gh, replyId)}`);
  return `/approve ${m[1]}`;
}
