/**
 * Freezing from a phone: the freeze workflow runs `copydesk freeze --from-issue` / `thaw
 * --from-issue` on `issues` events. Against the strict GitHub fake (issues, comments) with the
 * small workflows/permissions fake in front of it.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { freezeCommand, thawCommand } from '../../src/freeze/freeze-command.ts';
import { FORM_LABELS, FREEZE_LABEL } from '../../src/freeze/freeze-issue.ts';
import { readFreezeLog, readFreezes } from '../../src/freeze/freeze-state.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { startWorkflowsFake, type GitHubWorkflowsFake } from '../fakes/github-workflows-fake.ts';
import { context, postFile, tempRepo } from '../helpers/crisis-repo.ts';

const TOKEN = 'ghs_FAKEtokenForCrisisTests0123456789';
let gh: GitHubFake;
let front: GitHubWorkflowsFake;
let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  gh = await startGitHubFake();
  front = await startWorkflowsFake({ upstream: gh.baseUrl, owner: gh.owner, repo: gh.repo });
  // The team: only write access or more may freeze and thaw (asked from GitHub for every sender).
  front.roles.set('ola', 'write');
  front.roles.set('piotr', 'maintain');
  ({ root, cleanup } = await tempRepo({
    'posts/promo.md': postFile({ id: 'promo', publish_at: '2027-03-15 10:00', tags: ['promo'] }, 'Cakes half price!'),
    'posts/plain.md': postFile({ id: 'plain', publish_at: '2027-03-15 11:00' }, 'Rye bread is back.'),
  }));
});

afterEach(async () => {
  expect(gh.violations).toEqual([]);
  expect(front.violations).toEqual([]);
  await front.close();
  await gh.close();
  await cleanup();
});

const FORM_BODY = (reason: string, terms = '_No response_', tags = '_No response_') =>
  `### Reason\n\n${reason}\n\n### Hold only posts mentioning\n\n${terms}\n\n### Hold only posts tagged\n\n${tags}\n`;

/** Opens an issue on the fake (as GitHub would on form submit) and returns its number. */
async function openIssue(title: string, body: string): Promise<number> {
  const octokit = createOctokit({ token: TOKEN, baseUrl: gh.baseUrl });
  const res = await octokit.request('POST /repos/{owner}/{repo}/issues', { owner: gh.owner, repo: gh.repo, title, body, labels: ['freeze'] });
  return res.data.number;
}

/** Writes an `issues` event payload and returns the env the workflow step would have. */
async function event(action: string, issue: { number: number; title: string; body: string; author: string; association: string; labels?: string[] }, sender: string, label?: string) {
  const payload = {
    action,
    issue: {
      number: issue.number, title: issue.title, body: issue.body, html_url: `https://github.com/acme/social/issues/${issue.number}`,
      labels: (issue.labels ?? ['freeze']).map((name) => ({ name })), user: { login: issue.author }, author_association: issue.association, state: action === 'closed' ? 'closed' : 'open',
    },
    ...(label ? { label: { name: label } } : {}),
    sender: { login: sender },
    repository: { full_name: 'acme/social', default_branch: 'main' },
  };
  const path = join(root, `event-${action}-${issue.number}.json`);
  await writeFile(path, JSON.stringify(payload));
  return { GITHUB_EVENT_PATH: path, GITHUB_EVENT_NAME: 'issues', GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: front.baseUrl, GITHUB_ACTOR: sender };
}

const store = () => createDirStore(join(root, '.copydesk/state'));
const commentsOn = (n: number) => gh.comments.filter((c) => c.issue === n).map((c) => c.body);

describe('freeze from an issue', () => {
  it('opened by a team member: freezes at once, records the issue, and confirms in one comment; closing thaws', async () => {
    const title = 'Freeze: flooding';
    const body = FORM_BODY('Flooding in town; pausing cheerful posts.', 'flood, storm', 'promo');
    const n = await openIssue(title, body);
    const issue = { number: n, title, body, author: 'ola', association: 'COLLABORATOR' };

    const opened = context(root, '2027-03-15T08:00:00Z', await event('opened', issue, 'ola'));
    expect(await freezeCommand(['--from-issue'], opened.ctx)).toBe(0);
    const [f] = await readFreezes(store());
    expect(f).toMatchObject({ id: `issue-${n}`, by: 'ola', reason: 'Flooding in town; pausing cheerful posts.', terms: ['flood', 'storm'], tags: ['promo'], source: 'issue', issue: n, since: '2027-03-15T08:00:00.000Z' });
    expect(commentsOn(n)).toHaveLength(1);
    expect(commentsOn(n)[0]).toContain('Frozen** by @ola');
    expect(commentsOn(n)[0]).toContain('holds:   posts tagged `promo`, and posts mentioning "flood" or "storm"');
    expect(commentsOn(n)[0]).toContain('promo (posts/promo.md), due 2027-03-15 10:00');

    // GitHub also sends `labeled` for the same new issue: no second freeze, no second comment.
    const labeled = context(root, '2027-03-15T08:00:05Z', await event('labeled', issue, 'ola', 'freeze'));
    expect(await freezeCommand(['--from-issue'], labeled.ctx)).toBe(0);
    expect(labeled.out()).toContain('ALREADY FROZEN');
    expect(await readFreezes(store())).toHaveLength(1);
    expect(commentsOn(n)).toHaveLength(1);

    // Closing the issue thaws and lists what was missed meanwhile.
    const closed = context(root, '2027-03-15T10:30:00Z', await event('closed', issue, 'piotr'));
    expect(await thawCommand(['--from-issue'], closed.ctx)).toBe(0);
    expect(await readFreezes(store())).toEqual([]);
    expect(commentsOn(n)).toHaveLength(2);
    expect(commentsOn(n)[1]).toContain('Thawed** by @piotr');
    expect(commentsOn(n)[1]).toContain('- promo (posts/promo.md), due 2027-03-15 10:00');
    expect(commentsOn(n)[1]).not.toContain('plain');
    const log = await readFreezeLog(store());
    expect(log.map((e) => `${e.action}:${e.by ?? e.freeze.by}`)).toEqual(['freeze:ola', 'thaw:piotr']);
  });

  it('opened by someone without write access: nothing frozen, and the issue says how a team member can freeze', async () => {
    const body = FORM_BODY('lol stop posting');
    const n = await openIssue('Freeze: now', body);
    const run = context(root, '2027-03-15T08:00:00Z', await event('opened', { number: n, title: 'Freeze: now', body, author: 'mallory', association: 'NONE' }, 'mallory'));
    expect(await freezeCommand(['--from-issue'], run.ctx)).toBe(0);
    expect(await readFreezes(store())).toEqual([]);
    expect(commentsOn(n)).toHaveLength(1);
    expect(commentsOn(n)[0]).toContain('publishing was **not** frozen');
    expect(commentsOn(n)[0]).toContain('remove the `freeze` label and add it again');
    expect(front.handled.map((r) => r.path)).toEqual(['/repos/acme/social/collaborators/mallory/permission']);
  });

  it('opened by a triager: triage does not count (freezing changes what is published, like a merge)', async () => {
    front.roles.set('tom', 'triage');
    const body = FORM_BODY('Oven fire, shop closed today.');
    const n = await openIssue('Freeze: fire', body);
    const run = context(root, '2027-03-15T08:00:00Z', await event('opened', { number: n, title: 'Freeze: fire', body, author: 'tom', association: 'COLLABORATOR' }, 'tom'));
    expect(await freezeCommand(['--from-issue'], run.ctx)).toBe(0);
    expect(await readFreezes(store())).toEqual([]);
    expect(commentsOn(n)[0]).toContain('@tom has no write access to this repository (role: triage)');
  });

  it('untrusted title and body stay data: recorded verbatim, never run', async () => {
    const marker = join(root, 'pwned');
    const reason = `$(touch ${marker}) \`touch ${marker}\` "; touch ${marker}; "`;
    const body = FORM_BODY(reason);
    const n = await openIssue(`Freeze: $(touch ${marker})`, body);
    const run = context(root, '2027-03-15T08:00:00Z', await event('opened', { number: n, title: `Freeze: $(touch ${marker})`, body, author: 'ola', association: 'MEMBER' }, 'ola'));
    expect(await freezeCommand(['--from-issue'], run.ctx)).toBe(0);
    expect((await readFreezes(store()))[0]!.reason).toBe(reason);
    expect(existsSync(marker)).toBe(false);
  });

  it('ignores events that are not about freezing: another label, or an issue without the freeze label', async () => {
    const body = FORM_BODY('x');
    const n = await openIssue('Bug', body);
    const other = context(root, '2027-03-15T08:00:00Z', await event('labeled', { number: n, title: 'Bug', body, author: 'ola', association: 'OWNER' }, 'ola', 'bug'));
    expect(await freezeCommand(['--from-issue'], other.ctx)).toBe(0);
    expect(other.out()).toContain('Nothing to do: label "bug" is not `freeze`');
    const unlabeled = context(root, '2027-03-15T08:00:00Z', await event('opened', { number: n, title: 'Bug', body, author: 'ola', association: 'OWNER', labels: ['bug'] }, 'ola'));
    expect(await freezeCommand(['--from-issue'], unlabeled.ctx)).toBe(0);
    expect(await readFreezes(store())).toEqual([]);
    expect(commentsOn(n)).toEqual([]);
  });
});

describe('.github/ISSUE_TEMPLATE/freeze.yml', () => {
  it('adds the freeze label, requires a reason, and uses the field labels copydesk reads', async () => {
    const form = parseYaml(await readFile(join(import.meta.dirname, '../../.github/ISSUE_TEMPLATE/freeze.yml'), 'utf8')) as {
      labels: string[]; description: string; body: { type: string; id?: string; attributes: { label?: string; value?: string }; validations?: { required: boolean } }[];
    };
    expect(form.labels).toEqual([FREEZE_LABEL]);
    expect(form.description).toContain('Anyone on the team can open this');
    const fields = form.body.filter((b) => b.type !== 'markdown');
    expect(fields.map((f) => [f.id, f.attributes.label, f.validations?.required])).toEqual([
      ['reason', FORM_LABELS.reason, true],
      ['terms', FORM_LABELS.terms, false],
      ['tags', FORM_LABELS.tags, false],
    ]);
  });
});
