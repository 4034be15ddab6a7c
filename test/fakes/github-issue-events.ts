/**
 * The `issues` webhook events GitHub sends when people act on an issue, in the order GitHub sends
 * them, on top of the strict GitHub fake's issues (so comments copydesk posts land on the same
 * issue). Each action enforces who may do it on GitHub, so a test cannot model an attack GitHub
 * itself would refuse (a stranger adding a label to someone else's issue):
 *
 * - Submitting an issue form whose template has `labels:` sends `opened` and then `labeled`, and
 *   the `labeled` event's sender is the opener, whoever that is (the label is applied on the
 *   opener's behalf). Both payloads already list the label.
 * - Adding/removing labels needs triage access or more; closing or reopening someone else's issue
 *   needs triage; the author may close their own issue and reopen it if they closed it themselves;
 *   editing someone else's issue needs write.
 *   https://docs.github.com/organizations/managing-user-access-to-your-organizations-repositories/managing-repository-roles/repository-roles-for-an-organization#permissions-for-each-role
 * - Payload: `action`, `issue` (labels after the change, `user`, `author_association`, `state`),
 *   `label` (labeled/unlabeled), `changes` (edited: previous `title`/`body`), `repository`, `sender`.
 *   https://docs.github.com/webhooks/webhook-events-and-payloads#issues
 *
 * `author_association` is computed as GitHub does: OWNER for the repository owner, COLLABORATOR
 * for an account with any role (even read), NONE otherwise. It says nothing about write access.
 */
import type { GitHubFake } from './github-fake.ts';

/** One `issues` webhook delivery. */
export interface IssuesEvent {
  action: 'opened' | 'labeled' | 'unlabeled' | 'closed' | 'reopened' | 'edited';
  issue: Record<string, unknown>;
  label?: { name: string; color: string };
  changes?: { title?: { from: string }; body?: { from: string } };
  repository: { full_name: string; default_branch: string; private: boolean };
  sender: { login: string; type: string };
}

const RANK = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];

export class IssueEventModel {
  private readonly gh: GitHubFake;
  /** Who closed each issue last (an author may reopen only what they closed). */
  private readonly closedBy = new Map<number, string>();

  constructor(gh: GitHubFake) {
    this.gh = gh;
  }

  private rank(login: string): number {
    const role = this.gh.roleOf(login) ?? 'none';
    return RANK.indexOf(this.gh.customRoles.get(role) ?? role);
  }

  private association(login: string): string {
    if (login.toLowerCase() === this.gh.owner.toLowerCase()) return 'OWNER';
    const role = this.gh.roleOf(login);
    return role !== undefined && role !== 'none' ? 'COLLABORATOR' : 'NONE';
  }

  private payload(action: IssuesEvent['action'], number: number, sender: string, extra: Partial<IssuesEvent> = {}): IssuesEvent {
    const issue = this.gh.issuePayload(number);
    const author = (issue.user as { login: string }).login;
    return {
      action,
      issue: { ...issue, author_association: this.association(author) },
      ...extra,
      repository: { full_name: `${this.gh.owner}/${this.gh.repo}`, default_branch: this.gh.defaultBranch, private: false },
      sender: { login: sender, type: 'User' },
    };
  }

  private issue(number: number) {
    const issue = this.gh.issues.get(number);
    if (!issue) throw new Error(`no issue #${number}`);
    return issue;
  }

  private refuse(who: string, what: string): never {
    throw new Error(`GitHub would refuse: @${who} cannot ${what}`);
  }

  /** Submits an issue form whose template adds `labels` (the freeze form adds `freeze`): `opened`, then one `labeled` per label. */
  submitForm(login: string, title: string, body: string, labels: string[] = ['freeze']): { number: number; events: IssuesEvent[] } {
    if (this.gh.roleOf(login) === undefined) this.gh.roles.set(login.toLowerCase(), 'none');
    const number = this.gh.createIssueAs({ login, type: 'User' }, title, body, labels);
    const events = [this.payload('opened', number, login)];
    for (const name of labels) events.push(this.payload('labeled', number, login, { label: { name, color: 'ededed' } }));
    return { number, events };
  }

  /** Opens an issue without a template (no labels). */
  open(login: string, title: string, body: string): { number: number; events: IssuesEvent[] } {
    return this.submitForm(login, title, body, []);
  }

  label(login: string, number: number, name = 'freeze'): IssuesEvent[] {
    if (this.rank(login) < RANK.indexOf('triage')) this.refuse(login, 'add labels');
    const issue = this.issue(number);
    if (issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) return [];
    issue.labels = [...issue.labels, name];
    return [this.payload('labeled', number, login, { label: { name, color: 'ededed' } })];
  }

  unlabel(login: string, number: number, name = 'freeze'): IssuesEvent[] {
    if (this.rank(login) < RANK.indexOf('triage')) this.refuse(login, 'remove labels');
    const issue = this.issue(number);
    if (!issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) return [];
    issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name.toLowerCase());
    return [this.payload('unlabeled', number, login, { label: { name, color: 'ededed' } })];
  }

  close(login: string, number: number): IssuesEvent[] {
    const issue = this.issue(number);
    if (issue.user.login !== login && this.rank(login) < RANK.indexOf('triage')) this.refuse(login, `close #${number}`);
    if (issue.state === 'closed') return [];
    issue.state = 'closed';
    issue.state_reason = 'completed';
    this.closedBy.set(number, login);
    return [this.payload('closed', number, login)];
  }

  reopen(login: string, number: number): IssuesEvent[] {
    const issue = this.issue(number);
    const own = issue.user.login === login && this.closedBy.get(number) === login;
    if (!own && this.rank(login) < RANK.indexOf('triage')) this.refuse(login, `reopen #${number}`);
    if (issue.state === 'open') return [];
    issue.state = 'open';
    issue.state_reason = 'reopened';
    return [this.payload('reopened', number, login)];
  }

  edit(login: string, number: number, change: { title?: string; body?: string }): IssuesEvent[] {
    const issue = this.issue(number);
    if (issue.user.login !== login && this.rank(login) < RANK.indexOf('write')) this.refuse(login, `edit #${number}`);
    const changes: IssuesEvent['changes'] = {};
    if (change.title !== undefined && change.title !== issue.title) {
      changes.title = { from: issue.title };
      issue.title = change.title;
    }
    if (change.body !== undefined && change.body !== issue.body) {
      changes.body = { from: issue.body };
      issue.body = change.body;
    }
    if (!changes.title && !changes.body) return [];
    return [this.payload('edited', number, login, { changes })];
  }
}
