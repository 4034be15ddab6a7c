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

/** Event actions that can freeze, thaw or change a freeze (the freeze workflow listens to all of them). */
export const FREEZE_ACTIONS = ['opened', 'labeled', 'unlabeled', 'closed', 'reopened', 'edited'] as const;

/** What an `issues` event would do, before anyone's access is known. */
export type IssueRequest = {
  /** `freeze` (opened/labeled/reopened), `thaw` (closed/unlabeled) or `update` (edited: new reason, terms, tags). */
  kind: 'freeze' | 'thaw' | 'update';
  /** The event's action, as GitHub sent it. */
  action: string;
  /** Issue number (the freeze id becomes `issue-<n>`). */
  issue: number;
  /** Who acted: the event's `sender` (never the issue's author). */
  sender: string;
  /** Web address of the issue. */
  url: string;
  /** Reason, terms and tags as the issue reads now (freeze and update only). */
  fields?: { reason: string; terms: string[]; tags: string[] };
};

/** The sender's access, as `GET …/collaborators/{username}/permission` answered (src/github/team-member.ts). */
export type SenderAccess =
  /** Write, maintain or admin: may freeze and thaw. */
  | { status: 'team'; /** GitHub's role name. */ role: string }
  /** Anything less (triage, read, no access): may not. */
  | { status: 'outsider'; /** GitHub's role name (`none` for an unknown account). */ role: string }
  /** The lookup failed (5xx, 403, no answer): treated as "not shown to be on the team". */
  | { status: 'unknown'; /** What failed. */ error: string };

/** A freeze as a team member's action on an issue sets it (for `freeze` and for `update`). */
export interface IssueFreezeFields {
  /** Issue number (the freeze id becomes `issue-<n>`). */
  issue: number;
  /** Why, from the form's Reason field (or the title when the body has none), as the issue read when a team member acted. */
  reason: string;
  /** Partial hold terms from the form. */
  terms: string[];
  /** Partial hold tags from the form. */
  tags: string[];
  /** The team member whose action made or changed the freeze (the sender; never a stranger who wrote the text). */
  by: string;
  /** Web address of the issue. */
  url: string;
}

/** What the `issues` event makes copydesk do, once the sender's access is known. */
export type IssueIntent =
  /** Freeze from this issue. */
  | ({ kind: 'freeze' } & IssueFreezeFields)
  | { kind: 'thaw'; /** Issue number. */ issue: number; /** The team member who closed it or removed the label. */ by: string; /** Web address. */ url: string }
  /** Replace the issue's active freeze by one with the new text (a team member edited the issue). */
  | ({ kind: 'update' } & IssueFreezeFields)
  /** The sender is not shown to have write access: nothing changes; `request` says what was asked. */
  | { kind: 'refuse'; /** What the event asked for. */ request: IssueRequest; /** Why: no access, or the lookup failed. */ access: Exclude<SenderAccess, { status: 'team' }> }
  /** Nothing to do (not a freeze issue, another label added…); `why` is printed. */
  | { kind: 'ignore'; why: string }
  /** The payload is not an `issues` event copydesk can read. */
  | { kind: 'invalid'; error: string };

interface IssuesPayload {
  action?: unknown;
  issue?: { number?: unknown; title?: unknown; body?: unknown; html_url?: unknown; labels?: unknown; user?: { login?: unknown } };
  label?: { name?: unknown };
  changes?: { title?: unknown; body?: unknown };
  sender?: { login?: unknown };
}

const isFreezeLabel = (name: unknown) => String(name ?? '').toLowerCase() === FREEZE_LABEL;

/**
 * Step 1, pure: what the event would do if its sender were on the team. `author_association` and
 * "the label was added" are not read: GitHub adds a form's label on the opener's behalf, so both
 * say nothing about who may freeze. Only the sender's permission does (step 2).
 */
export function readIssueRequest(payload: unknown): IssueRequest | Extract<IssueIntent, { kind: 'ignore' | 'invalid' }> {
  const p = (payload ?? {}) as IssuesPayload;
  const issue = p.issue;
  if (typeof p.action !== 'string' || !issue || typeof issue.number !== 'number') {
    return { kind: 'invalid', error: 'the event payload has no `action` and `issue.number`: this is not an `issues` event' };
  }
  const number = issue.number;
  const url = typeof issue.html_url === 'string' ? issue.html_url : `#${number}`;
  const sender = typeof p.sender?.login === 'string' && p.sender.login !== '' ? p.sender.login : null;
  if (!sender) return { kind: 'invalid', error: `the event for issue #${number} has no \`sender.login\`: cannot tell who acted` };
  const labels = Array.isArray(issue.labels) ? issue.labels.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown })?.name ?? ''))) : [];
  const labelled = labels.some(isFreezeLabel);
  const base = { action: p.action, issue: number, sender, url };
  const fields = () => formFields(issue.title, issue.body);

  switch (p.action) {
    case 'labeled':
      if (!isFreezeLabel(p.label?.name)) return { kind: 'ignore', why: `label "${String(p.label?.name ?? '')}" is not \`${FREEZE_LABEL}\`` };
      return { kind: 'freeze', ...base, fields: fields() };
    case 'unlabeled':
      // The payload lists the labels after the removal: the removed one is in `label`.
      if (!isFreezeLabel(p.label?.name)) return { kind: 'ignore', why: `label "${String(p.label?.name ?? '')}" is not \`${FREEZE_LABEL}\`` };
      return { kind: 'thaw', ...base };
    case 'opened':
    case 'reopened':
      if (!labelled) return { kind: 'ignore', why: `issue #${number} has no \`${FREEZE_LABEL}\` label` };
      return { kind: 'freeze', ...base, fields: fields() };
    case 'closed':
      if (!labelled) return { kind: 'ignore', why: `issue #${number} has no \`${FREEZE_LABEL}\` label` };
      return { kind: 'thaw', ...base };
    case 'edited':
      if (!labelled) return { kind: 'ignore', why: `issue #${number} has no \`${FREEZE_LABEL}\` label` };
      // Only an edit of the text (body) changes a freeze: whoever edits the body has it in front of
      // them, so a team member's edit endorses all of it. A title-only edit by a team member must
      // not quietly adopt what a stranger wrote into the body since.
      if (p.changes?.body === undefined) return { kind: 'ignore', why: 'the edit did not change the issue text (only the body holds the reason, terms and tags)' };
      return { kind: 'update', ...base, fields: fields() };
    default:
      return { kind: 'ignore', why: `action "${p.action}" does not freeze or thaw` };
  }
}

/**
 * Step 2, pure: the request and the sender's access in, what to do out. Only a team member's
 * action freezes, thaws or changes a freeze; everyone else's (and anyone's when the lookup failed)
 * changes nothing. Text written by a stranger becomes a freeze's reason, terms and tags only when a
 * team member acts on the issue (labels, reopens or edits it), and is then recorded as theirs.
 */
export function decideIssueEvent(request: IssueRequest, access: SenderAccess): IssueIntent {
  if (access.status !== 'team') return { kind: 'refuse', request, access };
  const { issue, sender: by, url } = request;
  if (request.kind === 'thaw') return { kind: 'thaw', issue, by, url };
  const f = request.fields ?? { reason: '', terms: [], tags: [] };
  return { kind: request.kind, issue, reason: f.reason, terms: f.terms, tags: f.tags, by, url };
}

/** Both steps at once, for callers that already know the sender's access. Pure. */
export function readIssueEvent(payload: unknown, access: SenderAccess): IssueIntent {
  const request = readIssueRequest(payload);
  return request.kind === 'ignore' || request.kind === 'invalid' ? request : decideIssueEvent(request, access);
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
