/**
 * Who may freeze and thaw from an issue (issue 9 §1). Each test plays the event SEQUENCES GitHub
 * really sends (test/fakes/github-issue-events.ts: a form sends `opened` then `labeled`, both from
 * the opener) through the real freeze workflow's `if:`s into `copydesk freeze|thaw --from-issue`,
 * against the strict GitHub fake (permission lookups, comments), with the freeze stored on a real
 * git state branch pushed to a local bare remote.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { freezeCommand, thawCommand } from '../../src/freeze/freeze-command.ts';
import { readFreezeLog, readFreezes } from '../../src/freeze/freeze-state.ts';
import { openStateStore } from '../../src/state/open-store.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';
import { IssueEventModel, type IssuesEvent } from '../fakes/github-issue-events.ts';
import { clonesWithOrigin, context, postFile } from '../helpers/crisis-repo.ts';
import { evaluateIf } from './workflow-if.ts';

const TOKEN = 'ghs_FAKEtokenForFreezeAuthority0123456789';
const WORKFLOW = parseYaml(await readFile(join(import.meta.dirname, '../../.github/workflows/freeze.yml'), 'utf8')) as {
  jobs: { freeze: { if: string; steps: { if?: string; run?: string }[] } };
};

let gh: GitHubFake;
let issues: IssueEventModel;
let root: string;
let cleanup: () => Promise<void>;
let clock: number;

beforeEach(async () => {
  gh = await startGitHubFake();
  issues = new IssueEventModel(gh);
  gh.roles.set('ola', 'write');
  gh.roles.set('piotr', 'maintain');
  gh.roles.set('acme', 'admin');
  ({ clones: [root!], cleanup } = await clonesWithOrigin(1, {
    'posts/promo.md': postFile({ id: 'promo', publish_at: '2027-03-15 10:00', tags: ['promo'] }, 'Cakes half price!'),
    'posts/plain.md': postFile({ id: 'plain', publish_at: '2027-03-15 11:00' }, 'Rye bread is back.'),
  }));
  clock = Date.parse('2027-03-15T07:00:00Z');
});

afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
  await cleanup();
});

const FORM = (reason: string, terms = '_No response_', tags = '_No response_') =>
  `### Reason\n\n${reason}\n\n### Hold only posts mentioning\n\n${terms}\n\n### Hold only posts tagged\n\n${tags}\n`;

const ENV = () => ({ COPYDESK_STATE: 'git', GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/social', GITHUB_API_URL: gh.baseUrl });

interface Run { action: string; sender: string; step: 'freeze' | 'thaw' | 'skipped'; code: number; out: string; err: string }

/**
 * Delivers events as the freeze workflow would: job `if:`, then the step whose `if:` holds, each
 * run one minute after the last, in order (the workflow's per-issue concurrency group).
 */
async function deliver(events: IssuesEvent[], env: Record<string, string> = {}): Promise<Run[]> {
  const runs: Run[] = [];
  for (const [i, payload] of events.entries()) {
    clock += 60_000;
    const github = { event_name: 'issues', event: payload };
    if (!evaluateIf(WORKFLOW.jobs.freeze.if, { github })) {
      runs.push({ action: payload.action, sender: payload.sender.login, step: 'skipped', code: 0, out: '', err: '' });
      continue;
    }
    const step = WORKFLOW.jobs.freeze.steps.find((s) => s.run?.includes('--from-issue') && s.if && evaluateIf(s.if, { github }));
    if (!step) throw new Error(`no step runs for ${payload.action}`);
    const path = join(root, '..', `event-${clock}-${i}.json`);
    await writeFile(path, JSON.stringify(payload));
    const run = context(root, new Date(clock), { ...ENV(), GITHUB_EVENT_NAME: 'issues', GITHUB_EVENT_PATH: path, GITHUB_ACTOR: payload.sender.login, ...env });
    const kind = step.run!.includes(' thaw ') ? 'thaw' : 'freeze';
    const code = await (kind === 'thaw' ? thawCommand : freezeCommand)(['--from-issue'], run.ctx);
    runs.push({ action: payload.action, sender: payload.sender.login, step: kind, code, out: run.out(), err: run.err() });
  }
  return runs;
}

async function state() {
  const store = await openStateStore(context(root, new Date(clock), ENV()).ctx, { readOnly: true });
  await store.refresh();
  return { active: await readFreezes(store), log: await readFreezeLog(store) };
}

const commentsOn = (n: number) => gh.comments.filter((c) => c.issue === n).map((c) => c.body);
const lookups = () => gh.requests.filter((r) => r.path.endsWith('/permission')).map((r) => r.path.split('/')[5]);

describe('freeze from an issue: only a sender with write access counts', () => {
  it('a stranger submitting the form (opened + labeled, both from the stranger) freezes nothing, and is told so once', async () => {
    const { number, events } = issues.submitForm('mallory', 'Freeze: now', FORM('lol stop posting'));
    expect(events.map((e) => `${e.action}:${e.sender.login}`)).toEqual(['opened:mallory', 'labeled:mallory']);
    const runs = await deliver(events);
    expect(runs.map((r) => [r.step, r.code])).toEqual([['freeze', 0], ['freeze', 0]]);
    expect((await state()).active).toEqual([]);
    expect(lookups()).toEqual(['mallory', 'mallory']);
    expect(commentsOn(number)).toHaveLength(1);
    expect(commentsOn(number)[0]).toContain('@mallory has no write access to this repository (role: read), so publishing was **not** frozen');
    expect(commentsOn(number)[0]).toContain('remove the `freeze` label and add it again');
  });

  it('author_association is not proof: a read-only collaborator (COLLABORATOR) and a triager freeze nothing', async () => {
    gh.roles.set('rita', 'read');
    gh.roles.set('tom', 'triage');
    const rita = issues.submitForm('rita', 'Freeze: rita', FORM('Stop.'));
    expect(rita.events[0]!.issue.author_association).toBe('COLLABORATOR');
    await deliver(rita.events);
    const tom = issues.submitForm('tom', 'Freeze: tom', FORM('Stop too.'));
    await deliver(tom.events);
    // A triager may add labels on GitHub, but triage does not count for the freeze.
    const stranger = issues.submitForm('mallory', 'Freeze: m', FORM('x'));
    await deliver([...issues.unlabel('tom', stranger.number), ...issues.label('tom', stranger.number)]);
    expect((await state()).active).toEqual([]);
    expect(commentsOn(tom.number)[0]).toContain('@tom has no write access to this repository (role: triage)');
  });

  it('a team member submitting the form freezes once (opened), `labeled` confirms nothing twice; a maintainer closing thaws', async () => {
    const { number, events } = issues.submitForm('ola', 'Freeze: flooding', FORM('Flooding in town.', 'flood', 'promo'));
    const runs = await deliver(events);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs[1]!.out).toContain('ALREADY FROZEN');
    const { active } = await state();
    expect(active.map((f) => [f.id, f.by, f.reason, f.terms, f.tags])).toEqual([[`issue-${number}`, 'ola', 'Flooding in town.', ['flood'], ['promo']]]);
    expect(commentsOn(number)).toHaveLength(1);
    await deliver(issues.close('piotr', number));
    expect((await state()).active).toEqual([]);
    expect(commentsOn(number)[1]).toContain('Thawed** by @piotr');
  });

  it("a stranger never thaws or changes a team member's freeze of the stranger's issue: not by editing, closing, reopening", async () => {
    const { number, events } = issues.submitForm('mallory', 'Freeze: storm', FORM('Storm warning', 'storm'));
    await deliver(events);
    expect((await state()).active).toEqual([]);

    // A team member confirms by removing and re-adding the label: the freeze is hers, with the issue's text.
    const confirm = await deliver([...issues.unlabel('ola', number), ...issues.label('ola', number)]);
    expect(confirm.map((r) => [r.action, r.step, r.code])).toEqual([['unlabeled', 'thaw', 0], ['labeled', 'freeze', 0]]);
    let { active } = await state();
    expect(active.map((f) => [f.id, f.by, f.reason, f.terms])).toEqual([[`issue-${number}`, 'ola', 'Storm warning', ['storm']]]);
    expect(commentsOn(number).at(-1)).toContain('Frozen** by @ola');

    // The stranger narrows it to nothing by editing, then closes and reopens: nothing changes.
    const attack = await deliver([
      ...issues.edit('mallory', number, { body: FORM('never mind', 'zzzz-nothing') }),
      ...issues.close('mallory', number),
      ...issues.reopen('mallory', number),
      ...issues.close('mallory', number),
    ]);
    expect(attack.map((r) => [r.action, r.step, r.code])).toEqual([['edited', 'freeze', 0], ['closed', 'thaw', 0], ['reopened', 'freeze', 0], ['closed', 'thaw', 0]]);
    ({ active } = await state());
    expect(active.map((f) => [f.id, f.by, f.reason, f.terms])).toEqual([[`issue-${number}`, 'ola', 'Storm warning', ['storm']]]);
    const said = commentsOn(number).join('\n');
    expect(said).toContain('so this edit does not change the freeze');
    expect(said).toContain('so the freeze recorded by @ola stays **in force**');
    expect(commentsOn(number).filter((c) => c.includes('stays **in force**'))).toHaveLength(1); // once, however often she closes

    // A team member retitles it: a title-only edit does not adopt the stranger's body edit.
    expect((await deliver(issues.edit('ola', number, { title: 'Freeze: storm (confirmed)' })))[0]!.out).toContain('Nothing to do: the edit did not change the issue text');
    expect((await state()).active.map((f) => [f.id, f.terms])).toEqual([[`issue-${number}`, ['storm']]]);

    // A team member removes the label on the closed issue: the job still runs, and thaws.
    const thaw = await deliver(issues.unlabel('ola', number));
    expect(thaw.map((r) => [r.step, r.code])).toEqual([['thaw', 0]]);
    expect((await state()).active).toEqual([]);
    expect(commentsOn(number).at(-1)).toContain('Thawed** by @ola');
  });

  it("a team member's edit replaces the freeze's reason, terms and tags in one write, recorded as theirs", async () => {
    const { number, events } = issues.submitForm('ola', 'Freeze: storm', FORM('Storm', 'storm'));
    await deliver(events);
    const runs = await deliver(issues.edit('piotr', number, { body: FORM('Storm and floods', 'storm, flood', 'promo') }));
    expect(runs[0]!.code).toBe(0);
    const { active, log } = await state();
    expect(active.map((f) => [f.id, f.by, f.reason, f.terms, f.tags])).toEqual([[`issue-${number}-2`, 'piotr', 'Storm and floods', ['storm', 'flood'], ['promo']]]);
    // Old ended and new began at the same instant: no moment unfrozen, and the log keeps what was held when.
    expect(log.map((e) => `${e.action}:${e.freeze.id}:${e.at}`)).toEqual([
      `freeze:issue-${number}:2027-03-15T07:01:00.000Z`,
      `thaw:issue-${number}:2027-03-15T07:03:00.000Z`,
      `freeze:issue-${number}-2:2027-03-15T07:03:00.000Z`,
    ]);
    expect(commentsOn(number).at(-1)).toContain('Freeze updated** by @piotr');
    expect(commentsOn(number).at(-1)).toContain('it was: Storm\n');
    // Editing only the title changes nothing (only the body is read); an edit to the same text writes nothing.
    const before = commentsOn(number).length;
    await deliver(issues.edit('piotr', number, { title: 'Freeze: storm (update)' }));
    await deliver(issues.edit('piotr', number, { body: `${FORM('Storm and floods', 'storm, flood', 'promo')}\n` }));
    expect((await state()).log).toHaveLength(3);
    expect(commentsOn(number)).toHaveLength(before);
  });

  it('an issue without the label, or another label, never reaches copydesk; a custom role built on write counts', async () => {
    const plain = issues.open('mallory', 'Bug', 'It is broken');
    expect((await deliver(plain.events)).map((r) => r.step)).toEqual(['skipped']);
    gh.roles.set('cleo', 'content-editor');
    gh.customRoles.set('content-editor', 'write');
    const { events } = issues.submitForm('cleo', 'Freeze: x', FORM('Power cut'));
    await deliver(events);
    expect((await state()).active.map((f) => f.by)).toEqual(['cleo']);
    expect(lookups()).toEqual(['cleo', 'cleo']);
  });
});

describe('when the permission lookup fails', () => {
  it.each([
    ['a 5xx', 503],
    ['a 403', 403],
  ])("%s: a stranger's form freezes nothing, the run fails and the issue asks a team member to confirm", async (_name, status) => {
    gh.failures.push({ method: 'GET', path: /\/permission$/, status, times: 10 });
    const { number, events } = issues.submitForm('mallory', 'Freeze: now', FORM('stop'));
    const runs = await deliver(events);
    expect(runs.map((r) => r.code)).toEqual([1, 1]);
    expect(runs[0]!.err).toContain(`Reading @mallory's access to acme/social failed (${status})`);
    expect((await state()).active).toEqual([]);
    expect(commentsOn(number)[0]).toContain('copydesk could not check whether @mallory has write access');
    expect(commentsOn(number)[0]).toContain('publishing was **not** frozen. A team member (write access) can confirm');
    // A 5xx is asked twice (a GET is safe to repeat); a 403 will not change in a second.
    expect(lookups()).toHaveLength(status === 403 ? 2 : 4);
  });

  it('a hung lookup times out: nothing frozen, the run fails', async () => {
    gh.stalls.push({ method: 'GET', path: /\/permission$/ });
    const { number, events } = issues.submitForm('mallory', 'Freeze: now', FORM('stop'));
    const runs = await deliver(events.slice(0, 1), { COPYDESK_GITHUB_TIMEOUT_MS: '200' });
    expect(runs[0]!.code).toBe(1);
    expect(runs[0]!.err).toContain('failed (no answer)');
    expect((await state()).active).toEqual([]);
    expect(commentsOn(number)[0]).toContain('could not check whether @mallory');
  });

  it("a team member's freeze is kept when a close cannot be checked, a transient 5xx is retried, and a dispatch thaw needs no lookup", async () => {
    const { number, events } = issues.submitForm('ola', 'Freeze: storm', FORM('Storm'));
    gh.failures.push({ method: 'GET', path: /\/permission$/, status: 502, times: 1 });
    await deliver(events); // the first lookup fails once, the retry answers
    expect((await state()).active.map((f) => f.by)).toEqual(['ola']);

    gh.failures.push({ method: 'GET', path: /\/permission$/, status: 500, times: 2 });
    const close = await deliver(issues.close('ola', number));
    expect(close[0]!.code).toBe(1);
    expect((await state()).active.map((f) => f.by)).toEqual(['ola']);
    expect(commentsOn(number).at(-1)).toContain('the freeze recorded by @ola stays **in force**');

    // Only people with write access can run a workflow by hand: the dispatch is trusted as is.
    const asked = lookups().length;
    clock += 60_000;
    const dispatch = context(root, new Date(clock), { ...ENV(), GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_ACTOR: 'ola' });
    expect(await thawCommand([], dispatch.ctx)).toBe(0);
    expect((await state()).active).toEqual([]);
    expect(lookups()).toHaveLength(asked);
  });
});
