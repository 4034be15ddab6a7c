/**
 * Reading a freeze from a GitHub `issues` event, as data. The issue title and body are written by
 * whoever opened the issue: they are parsed here and stored as JSON, never passed to a shell.
 *
 * Payload: https://docs.github.com/webhooks/webhook-events-and-payloads#issues
 * Issue forms render each field as `### <label>` followed by the answer, `_No response_` when an
 * optional field was left empty:
 * https://docs.github.com/communities/using-templates-to-encourage-useful-issues-and-pull-requests/syntax-for-issue-forms
 */

/** The labels of `.github/ISSUE_TEMPLATE/freeze.yml`'s fields (the rendered `### …` headings). */
export const FORM_LABELS = {
  reason: 'Reason',
  terms: 'Hold only posts mentioning',
  tags: 'Hold only posts tagged',
} as const;

/** The label that makes an issue a freeze. */
export const FREEZE_LABEL = 'freeze';

/** Longest reason kept (a freeze reason is a sentence, not an essay). */
export const MAX_REASON = 500;

/** What the `issues` event asks copydesk to do. */
export type IssueIntent =
  | {
      kind: 'freeze';
      /** Issue number (the freeze id becomes `issue-<n>`). */
      issue: number;
      /** Why, from the form's Reason field (or the title when the body has none). */
      reason: string;
      /** Partial hold terms from the form. */
      terms: string[];
      /** Partial hold tags from the form. */
      tags: string[];
      /** Who made the freeze effective: the opener, or whoever added the label or reopened it. */
      by: string;
      /**
       * Whether GitHub already vouches for `by`: labelling or reopening someone else's issue needs
       * triage access; an opener is vouched for by `author_association`. When false, the command
       * asks GitHub for the person's role before freezing.
       */
      trusted: boolean;
      /** Web address of the issue. */
      url: string;
    }
  | { kind: 'thaw'; /** Issue number. */ issue: number; /** Who closed it. */ by: string; /** Web address. */ url: string }
  /** Nothing to do (not a freeze issue, another label added…); `why` is printed. */
  | { kind: 'ignore'; why: string }
  /** The payload is not an `issues` event copydesk can read. */
  | { kind: 'invalid'; error: string };

const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

interface IssuesPayload {
  action?: unknown;
  issue?: { number?: unknown; title?: unknown; body?: unknown; html_url?: unknown; labels?: unknown; user?: { login?: unknown }; author_association?: unknown };
  label?: { name?: unknown };
  sender?: { login?: unknown };
}

/** Decides what an `issues` event means for the freeze. Pure. */
export function readIssueEvent(payload: unknown): IssueIntent {
  const p = (payload ?? {}) as IssuesPayload;
  const issue = p.issue;
  if (typeof p.action !== 'string' || !issue || typeof issue.number !== 'number') {
    return { kind: 'invalid', error: 'the event payload has no `action` and `issue.number`: this is not an `issues` event' };
  }
  const number = issue.number;
  const url = typeof issue.html_url === 'string' ? issue.html_url : `#${number}`;
  const labels = Array.isArray(issue.labels) ? issue.labels.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown })?.name ?? ''))) : [];
  if (!labels.some((l) => l.toLowerCase() === FREEZE_LABEL)) return { kind: 'ignore', why: `issue #${number} has no \`${FREEZE_LABEL}\` label` };
  const sender = typeof p.sender?.login === 'string' ? p.sender.login : 'unknown';
  const opener = typeof issue.user?.login === 'string' ? issue.user.login : sender;
  const openerTrusted = TRUSTED_ASSOCIATIONS.has(String(issue.author_association ?? '').toUpperCase());

  switch (p.action) {
    case 'closed':
      return { kind: 'thaw', issue: number, by: sender, url };
    case 'labeled':
      if (String(p.label?.name ?? '').toLowerCase() !== FREEZE_LABEL) return { kind: 'ignore', why: `label "${String(p.label?.name ?? '')}" is not \`${FREEZE_LABEL}\`` };
      // Only people with triage access or more can add labels.
      return { kind: 'freeze', issue: number, ...formFields(issue.title, issue.body), by: sender, trusted: true, url };
    case 'opened':
      return { kind: 'freeze', issue: number, ...formFields(issue.title, issue.body), by: opener, trusted: openerTrusted, url };
    case 'reopened':
      // Reopening someone else's issue needs triage access; the opener may reopen their own.
      return { kind: 'freeze', issue: number, ...formFields(issue.title, issue.body), by: sender, trusted: sender !== opener || openerTrusted, url };
    default:
      return { kind: 'ignore', why: `action "${p.action}" does not freeze or thaw` };
  }
}

/** The form's answers, keyed by heading. */
export function formSections(body: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current !== null) out.set(current.toLowerCase(), lines.join('\n').trim());
  };
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    const h = /^###\s+(.+?)\s*$/.exec(line);
    if (h) {
      flush();
      current = h[1]!;
      lines = [];
    } else if (current !== null) lines.push(line);
  }
  flush();
  return out;
}

function answer(sections: Map<string, string>, label: string): string {
  const v = sections.get(label.toLowerCase()) ?? '';
  return v === '_No response_' ? '' : v;
}

/** Comma- or line-separated answers, one item each. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n;]/)
    .map((s) => s.replace(/^[-*]\s+/, '').trim())
    .filter(Boolean);
}

/** Reason, terms and tags from an issue form body; the title (minus "Freeze:") when the body has no reason. */
export function formFields(title: unknown, body: unknown): { reason: string; terms: string[]; tags: string[] } {
  const sections = formSections(typeof body === 'string' ? body : '');
  let reason = answer(sections, FORM_LABELS.reason);
  if (!reason) reason = String(typeof title === 'string' ? title : '').replace(/^\s*freeze\s*[:\-–]\s*/i, '').trim();
  if (!reason && typeof body === 'string' && sections.size === 0) reason = body.trim();
  reason = reason.replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ' ').trim();
  if (reason.length > MAX_REASON) reason = `${reason.slice(0, MAX_REASON - 1)}…`;
  return { reason, terms: splitList(answer(sections, FORM_LABELS.terms)), tags: splitList(answer(sections, FORM_LABELS.tags)) };
}
