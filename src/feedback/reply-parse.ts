/**
 * The two reply commands a team member writes as a comment on a conversation's issue. Pure: a
 * comment body in, what it asks for out (or why it cannot be read).
 *
 * - `/reply [--direct] [--off-air] [--incident]` then the text (on the same line or the next
 *   lines). The comment is the draft: editing it makes a new version, which voids any approval.
 * - `/approve <hash>`: approves the version whose hash copydesk's findings comment shows; naming the
 *   hash means an approval can only ever cover the exact text the approver read.
 *
 * Only the first line decides; anything else is an ordinary comment and is ignored.
 */
import type { ReplyFlags } from './reply-log.ts';

export type ReplyCommand =
  | { kind: 'reply'; flags: ReplyFlags; text: string }
  | { kind: 'approve'; hash: string }
  /** A command we recognised but cannot read: `message` says what to write instead. */
  | { kind: 'invalid'; command: 'reply' | 'approve'; message: string }
  /** Not a reply command. */
  | { kind: 'none' };

const FLAGS: Record<string, keyof ReplyFlags> = { '--direct': 'direct', '--off-air': 'offAir', '--incident': 'incident' };

/** Reads the first line of a comment. */
export function parseReplyCommand(body: string): ReplyCommand {
  const text = body.replace(/\r\n?/g, '\n').replace(/^\s+/, '');
  const nl = text.indexOf('\n');
  const first = (nl === -1 ? text : text.slice(0, nl)).trim();
  const rest = nl === -1 ? '' : text.slice(nl + 1);
  const head = /^\/(reply|approve)(?=\s|$)/i.exec(first);
  if (!head) return { kind: 'none' };
  const command = head[1]!.toLowerCase() as 'reply' | 'approve';
  const words = first.slice(head[0].length).trim();

  if (command === 'approve') {
    const m = /^([0-9a-f]{12})$/i.exec(words);
    if (!m) return { kind: 'invalid', command, message: 'write `/approve` followed by the 12-character hash copydesk showed for the exact reply you read, e.g. `/approve 3fa9c2e1b07d`.' };
    return { kind: 'approve', hash: m[1]!.toLowerCase() };
  }

  const flags: ReplyFlags = { direct: false, offAir: false, incident: false };
  const tokens = words.split(/\s+/).filter(Boolean);
  let i = 0;
  for (; i < tokens.length && tokens[i]!.startsWith('--'); i++) {
    const f = FLAGS[tokens[i]!.toLowerCase()];
    if (!f) return { kind: 'invalid', command, message: `\`${tokens[i]!.slice(0, 30)}\` is not a /reply option; use --direct, --off-air or --incident.` };
    flags[f] = true;
  }
  const inline = tokens.slice(i).join(' ');
  const reply = [inline, rest].filter((s) => s.trim() !== '').join('\n').trim();
  if (!reply) return { kind: 'invalid', command, message: 'write the reply after `/reply` (on the same line or the lines below).' };
  return { kind: 'reply', flags, text: reply };
}
