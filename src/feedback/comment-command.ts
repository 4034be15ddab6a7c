/**
 * Commands a team member writes as a comment on a conversation's issue: the comment's first line
 * starts with `/name`. One table, so other parts of the inbox add their commands (e.g. `/reply`)
 * as one entry each: a name, a usage line, a parser for the rest of the comment, and a pure
 * change of the conversation. Who may run them (write access) and what the bot answers is the
 * dispatcher's business (./comment-event.ts), not the table's.
 */
import type { Conversation, ToneLevel } from './conversation.ts';
import { TONE_ORDER } from './tone.ts';

/** Who ran a command, and when (epoch ms). */
export interface CommandActor {
  /** GitHub login. */
  by: string;
  at: number;
}

/** What applying a command does to a conversation. */
export type CommandEffect =
  /** The conversation changes; `detail` goes into the inbox's event log; `confirm` is the bot's answer. */
  | { kind: 'change'; conversation: Conversation; detail?: string; confirm: string }
  /** Nothing to change (already so); `confirm` says why. */
  | { kind: 'unchanged'; confirm: string };

/** One comment command. `A` is what its parser reads from the comment. */
export interface CommentCommand<A = unknown> {
  /** Name without the slash. */
  name: string;
  /** How to write it, shown when it is written wrong. */
  usage: string;
  /** One line for the help in the issue body and the README. */
  summary: string;
  /** Reads the arguments (the text after `/name`, all lines); an error names what was expected. */
  parse(rest: string): { ok: true; args: A } | { ok: false; error: string };
  /**
   * The change of the conversation, pure; `null` for commands another part of copydesk carries out
   * itself (the dispatcher then hands the parsed command over).
   */
  apply: ((c: Conversation, args: A, who: CommandActor) => CommandEffect) | null;
}

const TONES = TONE_ORDER as readonly string[];

const tone: CommentCommand<{ level: ToneLevel; reason?: string }> = {
  name: 'tone',
  usage: '/tone urgent|negative|neutral|positive [reason]',
  summary: 'set the tone by hand (kept until set again)',
  parse(rest) {
    const [word, ...more] = rest.trim().split(/\s+/);
    const level = (word ?? '').toLowerCase();
    if (!TONES.includes(level)) return { ok: false, error: `the tone must be one of ${TONES.join(', ')}${word ? `, not "${word.slice(0, 40)}"` : ''}` };
    const reason = more.join(' ').trim().slice(0, 300);
    return { ok: true, args: { level: level as ToneLevel, ...(reason ? { reason } : {}) } };
  },
  apply(c, { level, reason }, who) {
    if (c.tone.override && c.tone.level === level && (c.tone.override.reason ?? '') === (reason ?? '')) return { kind: 'unchanged', confirm: `The tone is already ${level}.` };
    const conversation: Conversation = {
      ...c,
      tone: { level, because: c.tone.because, ...(c.tone.score !== undefined ? { score: c.tone.score } : {}), override: { by: who.by, at: who.at, ...(reason ? { reason } : {}) } },
    };
    return { kind: 'change', conversation, detail: `${level}${reason ? `: ${reason}` : ''}`, confirm: `Tone set to **${level}** by @${who.by}. It stays so until someone sets it again.` };
  },
};

const noReplyNeeded: CommentCommand<{ reason: string }> = {
  name: 'no-reply-needed',
  usage: '/no-reply-needed <reason> (e.g. spam, abuse, a bot)',
  summary: 'close it without an answer, with a reason',
  parse(rest) {
    const reason = rest.replace(/\s+/g, ' ').trim().slice(0, 300);
    return reason ? { ok: true, args: { reason } } : { ok: false, error: 'say why no reply is needed (spam, abuse, …): the reason is kept in the record' };
  },
  apply(c, { reason }, who) {
    if (c.status === 'no-reply-needed') return { kind: 'unchanged', confirm: 'It is already marked "no reply needed".' };
    if (c.status === 'answered') return { kind: 'unchanged', confirm: 'It is already answered; nothing to close.' };
    const conversation: Conversation = { ...c, status: 'no-reply-needed', noReplyNeeded: { by: who.by, at: who.at, reason } };
    return { kind: 'change', conversation, detail: reason, confirm: `Marked **no reply needed** by @${who.by}. The issue is closed; \`/reopen\` brings it back.` };
  },
};

const reopen: CommentCommand<Record<string, never>> = {
  name: 'reopen',
  usage: '/reopen',
  summary: 'it needs an answer again (the response clock starts again)',
  parse: () => ({ ok: true, args: {} }),
  apply(c, _args, who) {
    if (c.status === 'open') return { kind: 'unchanged', confirm: 'It is already open.' };
    const { noReplyNeeded: _n, overdueNotifiedAt: _o, overdueCommentedAt: _oc, ...rest } = c;
    const conversation: Conversation = { ...rest, status: 'open', reopenedAt: who.at };
    return { kind: 'change', conversation, confirm: `Reopened by @${who.by}: the response clock starts again now.` };
  },
};

/**
 * `/reply` and `/approve` are carried out by the replies (./reply-comment.ts: a draft checked like a
 * post, a second reader's approval of its exact hash); listed here for the help and the parser.
 */
const reply: CommentCommand<{ text: string }> = {
  name: 'reply',
  usage: '/reply [--direct] [--off-air] [--incident] <text>',
  summary: 'a reply draft: checked like a post, sent once a second team member approves it',
  parse: (rest) => ({ ok: true, args: { text: rest } }),
  apply: null,
};

const approve: CommentCommand<{ hash: string }> = {
  name: 'approve',
  usage: '/approve <hash>',
  summary: 'approve exactly that version of a reply draft (not your own)',
  parse: (rest) => ({ ok: true, args: { hash: rest.trim() } }),
  apply: null,
};

/** Every command, by name. Add an entry to add a command. */
export const COMMENT_COMMANDS: Record<string, CommentCommand<any>> = {
  [tone.name]: tone,
  [noReplyNeeded.name]: noReplyNeeded,
  [reopen.name]: reopen,
  [reply.name]: reply,
  [approve.name]: approve,
};

/** The commands the replies carry out themselves (./reply-comment.ts). */
export const REPLY_COMMANDS: readonly string[] = [reply.name, approve.name];

/**
 * `/reply` or `/approve` when the comment starts with one of them; for an edit or a deletion, a
 * comment that no longer starts with `/reply` still goes to the replies (it withdraws the draft).
 */
export function replyCommandOf(body: string, action: string): '/reply' | '/approve' | undefined {
  const w = /^\s*\/([a-z-]+)(?=\s|$)/i.exec(body)?.[1]?.toLowerCase();
  if (w === 'reply' || w === 'approve') return `/${w}`;
  return action === 'edited' || action === 'deleted' ? '/reply' : undefined;
}

/** What a comment asks for. */
export type ParsedComment =
  /** Not a command (does not start with `/`, or an unknown `/word`): ignored without a word. */
  | { kind: 'none' }
  | { kind: 'command'; command: CommentCommand<any>; args: unknown }
  /** A known command written wrong. */
  | { kind: 'invalid'; command: CommentCommand<any>; error: string };

/** Reads a comment body: the first non-empty line must start with `/name`. */
export function parseComment(body: string, commands: Record<string, CommentCommand<any>> = COMMENT_COMMANDS): ParsedComment {
  const trimmed = body.replace(/^\s+/, '');
  const m = /^\/([a-z][a-z-]*)(?=\s|$)([\s\S]*)$/i.exec(trimmed);
  if (!m) return { kind: 'none' };
  const command = commands[m[1]!.toLowerCase()];
  if (!command || !Object.hasOwn(commands, m[1]!.toLowerCase())) return { kind: 'none' };
  const parsed = command.parse(m[2] ?? '');
  return parsed.ok ? { kind: 'command', command, args: parsed.args } : { kind: 'invalid', command, error: parsed.error };
}
