import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit, type Octokit } from '../../src/github/octokit.ts';
import { diffSettings, runSetup, wantedSettings } from '../../src/github/setup.ts';
import { startGitHubFake, type GitHubFake } from '../fakes/github-fake.ts';

let fake: GitHubFake;
let octokit: Octokit;
const repo = { owner: 'acme', repo: 'social' };

/** The repository's own CODEOWNERS: what `setup` checks must already cover every required path. */
const OUR_CODEOWNERS = await readFile(join(import.meta.dirname, '../../.github/CODEOWNERS'), 'utf8');

beforeEach(async () => {
  fake = await startGitHubFake();
  octokit = createOctokit({ token: 'ghp_admin_secret', baseUrl: fake.baseUrl });
  fake.pushCommit('main', { '.github/CODEOWNERS': OUR_CODEOWNERS });
});

function stateRuleset() {
  return fake.rulesets.find((r) => r.name === 'copydesk-state');
}

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

function pullRequestRule() {
  const rule = fake.rulesets.find((r) => r.name === 'copydesk')!.rules.find((r) => r.type === 'pull_request')!;
  return rule.parameters!;
}

describe('setup github', () => {
  it('applies everything to an empty repository, then a repeat apply writes nothing', async () => {
    const first = await runSetup(octokit, { ...repo, mode: 'apply' });
    expect(first.exitCode).toBe(0);
    expect(first.text).toMatch(/All settings now match/);
    expect(fake.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /repos/acme/social/rulesets',
      'POST /repos/acme/social/rulesets',
      'PUT /repos/acme/social/actions/permissions/workflow',
      'PUT /repos/acme/social/environments/publish',
      'POST /repos/acme/social/environments/publish/deployment-branch-policies',
      'POST /repos/acme/social/labels',
      'POST /repos/acme/social/labels',
      'POST /repos/acme/social/labels',
      'POST /repos/acme/social/labels',
    ]);

    // What GitHub now holds.
    expect(fake.rulesets.map((r) => r.name)).toEqual(['copydesk', 'copydesk-state']);
    const rs = fake.rulesets[0]!;
    expect(rs).toMatchObject({ name: 'copydesk', target: 'branch', enforcement: 'active', bypass_actors: [] });
    expect(rs.conditions).toEqual({ ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } });
    expect(pullRequestRule()).toMatchObject({
      required_approving_review_count: 1,
      require_code_owner_review: true,
      dismiss_stale_reviews_on_push: true,
      require_last_push_approval: true,
    });
    expect(rs.rules.find((r) => r.type === 'required_status_checks')!.parameters).toMatchObject({
      required_status_checks: [{ context: 'check', integration_id: 15368 }],
    });
    expect(fake.workflowPermissions).toEqual({ default_workflow_permissions: 'read', can_approve_pull_request_reviews: false });
    const env = fake.environments.get('publish')!;
    expect(env.deployment_branch_policy).toEqual({ protected_branches: false, custom_branch_policies: true });
    expect(env.policies.map((p) => `${p.type}:${p.name}`)).toEqual(['branch:main']);
    expect(fake.labels.map((l) => l.name).sort()).toEqual(['copydesk-failure', 'copydesk-preview', 'copydesk-watchdog', 'freeze']);

    const writes = fake.writes().length;
    const second = await runSetup(octokit, { ...repo, mode: 'apply' });
    expect(second).toMatchObject({ exitCode: 0, writes: [] });
    expect(second.text).toMatch(/already in sync; nothing changed/);
    expect(fake.writes().length).toBe(writes);
  });

  it('dry-run lists the differences and writes nothing', async () => {
    const r = await runSetup(octokit, { ...repo, mode: 'dry-run' });
    expect(r.exitCode).toBe(0);
    expect(fake.writes()).toEqual([]);
    expect(r.text).toMatch(/dry run, nothing written/);
    expect(r.text).toContain('- ruleset.copydesk: is missing');
    expect(r.text).toContain('- actions.can_approve_pull_request_reviews: is true, want false');
    expect(r.text).toContain('- environment.publish: is missing');
    expect(r.text).toContain('- label.freeze: is missing');
    expect(r.text).toContain('- ruleset.copydesk-state: is missing, want active on refs/heads/copydesk-state: deletion, non_fast_forward, no bypass');
    expect(r.differences.map((d) => d.name)).toContain('environment.publish.branch_policy.main');
  });

  it('check exits 1 naming the drift when someone removed the approval requirement, 0 when in sync', async () => {
    await runSetup(octokit, { ...repo, mode: 'apply' });
    expect((await runSetup(octokit, { ...repo, mode: 'check' })).exitCode).toBe(0);

    pullRequestRule().required_approving_review_count = 0;
    fake.workflowPermissions.can_approve_pull_request_reviews = true;
    const writes = fake.writes().length;
    const drift = await runSetup(octokit, { ...repo, mode: 'check' });
    expect(drift.exitCode).toBe(1);
    expect(drift.text).toContain('- ruleset.copydesk.pull_request.required_approving_review_count: is 0, want 1');
    expect(drift.text).toContain('- actions.can_approve_pull_request_reviews: is true, want false');
    expect(drift.differences).toHaveLength(2);
    expect(fake.writes().length).toBe(writes);

    const fix = await runSetup(octokit, { ...repo, mode: 'apply' });
    expect(fix.exitCode).toBe(0);
    expect(fake.writes().slice(writes).map((w) => `${w.method} ${w.path}`)).toEqual([
      `PUT /repos/acme/social/rulesets/${fake.rulesets.find((r) => r.name === 'copydesk')!.id}`,
      'PUT /repos/acme/social/actions/permissions/workflow',
    ]);
    expect(pullRequestRule().required_approving_review_count).toBe(1);
    expect((await runSetup(octokit, { ...repo, mode: 'check' })).exitCode).toBe(0);
  });

  it('check names a bypass actor, a switched-off ruleset and an extra deploy branch', async () => {
    await runSetup(octokit, { ...repo, mode: 'apply' });
    fake.rulesets[0]!.enforcement = 'evaluate';
    fake.rulesets[0]!.bypass_actors = [{ actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'always' }];
    fake.environments.get('publish')!.policies.push({ id: 99, name: 'feature/*', type: 'branch' });
    const drift = await runSetup(octokit, { ...repo, mode: 'check' });
    expect(drift.exitCode).toBe(1);
    expect(drift.text).toContain('ruleset.copydesk.enforcement: is evaluate, want active');
    expect(drift.text).toContain('ruleset.copydesk.bypass_actors: is RepositoryRole#5 (always), want none');
    expect(drift.text).toContain('environment.publish.branch_policy.feature/*: is present');

    const fix = await runSetup(octokit, { ...repo, mode: 'apply' });
    expect(fix.exitCode).toBe(0);
    expect(fake.rulesets[0]!.bypass_actors).toEqual([]);
    expect(fake.environments.get('publish')!.policies.map((p) => p.name)).toEqual(['main']);
  });

  it('keeps the environment\'s required reviewers when it fixes its branch policy', async () => {
    fake.environments.set('publish', {
      id: 1,
      name: 'publish',
      deployment_branch_policy: null,
      wait_timer: 5,
      prevent_self_review: true,
      reviewers: [{ type: 'Team', id: 42 }],
      policies: [],
      seq: 0,
    });
    const r = await runSetup(octokit, { ...repo, mode: 'apply' });
    expect(r.exitCode).toBe(0);
    const env = fake.environments.get('publish')!;
    expect(env).toMatchObject({ wait_timer: 5, prevent_self_review: true, reviewers: [{ type: 'Team', id: 42 }] });
    expect(env.policies.map((p) => p.name)).toEqual(['main']);
  });

  it('says an admin token is needed when GitHub refuses, exit 2, without printing the token', async () => {
    fake.failures.push({ method: 'GET', path: /actions\/permissions\/workflow$/, status: 403 });
    const r = await runSetup(octokit, { ...repo, mode: 'check' });
    expect(r.exitCode).toBe(2);
    expect(r.text).toMatch(/403/);
    expect(r.text).toMatch(/admin access/);
    expect(r.text).not.toContain('ghp_admin_secret');
  });

  it('protects the state branch against force pushes and deletion, without blocking the publisher\'s fast-forward pushes', async () => {
    const r = await runSetup(octokit, { ...repo, mode: 'apply', stateBranch: 'ledger-branch' });
    expect(r.exitCode).toBe(0);
    const rs = fake.rulesets.find((x) => x.name === 'copydesk-state')!;
    expect(rs).toMatchObject({ target: 'branch', enforcement: 'active', bypass_actors: [] });
    expect(rs.conditions).toEqual({ ref_name: { include: ['refs/heads/ledger-branch'], exclude: [] } });
    // Exactly these two: no pull request, status check, `update` or `creation` rule that would stop
    // the publisher pushing its ledger commits with GITHUB_TOKEN.
    expect(rs.rules.map((x) => x.type).sort()).toEqual(['deletion', 'non_fast_forward']);
    const writes = fake.writes().length;
    expect(await runSetup(octokit, { ...repo, mode: 'apply', stateBranch: 'ledger-branch' })).toMatchObject({ exitCode: 0, writes: [] });
    expect(fake.writes().length).toBe(writes);
  });

  it('check reports the state branch protection removed or weakened, and apply restores it', async () => {
    await runSetup(octokit, { ...repo, mode: 'apply' });
    const rs = stateRuleset()!;
    // Someone drops the force-push rule, adds a bypass for admins and a pull request rule.
    rs.rules = rs.rules.filter((x) => x.type !== 'non_fast_forward');
    rs.rules.push({ type: 'pull_request', parameters: { required_approving_review_count: 1, require_code_owner_review: false, dismiss_stale_reviews_on_push: false, require_last_push_approval: false, required_review_thread_resolution: false } });
    rs.bypass_actors = [{ actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'always' }];
    const drift = await runSetup(octokit, { ...repo, mode: 'check' });
    expect(drift.exitCode).toBe(1);
    expect(drift.text).toContain('- ruleset.copydesk-state.rules.non_fast_forward: is missing, want present');
    expect(drift.text).toContain('- ruleset.copydesk-state.bypass_actors: is RepositoryRole#5 (always), want none');
    expect(drift.text).toContain('- ruleset.copydesk-state.rules.pull_request: is present, want absent (the publisher pushes to this branch directly)');
    expect(drift.differences.every((d) => d.area === 'state-ruleset')).toBe(true);

    const writes = fake.writes().length;
    expect((await runSetup(octokit, { ...repo, mode: 'apply' })).exitCode).toBe(0);
    expect(fake.writes().slice(writes).map((w) => `${w.method} ${w.path}`)).toEqual([`PUT /repos/acme/social/rulesets/${rs.id}`]);
    expect(stateRuleset()!.rules.map((x) => x.type).sort()).toEqual(['deletion', 'non_fast_forward']);

    // Deleted altogether, or switched to "evaluate" (not enforced): both are drift.
    stateRuleset()!.enforcement = 'evaluate';
    expect((await runSetup(octokit, { ...repo, mode: 'check' })).text).toContain('- ruleset.copydesk-state.enforcement: is evaluate, want active');
    fake.rulesets.splice(fake.rulesets.indexOf(stateRuleset()!), 1);
    expect((await runSetup(octokit, { ...repo, mode: 'check' })).text).toContain('- ruleset.copydesk-state: is missing');
  });

  it('check reports CODEOWNERS paths left without an owner; apply writes nothing for them and says a pull request must fix it', async () => {
    await runSetup(octokit, { ...repo, mode: 'apply' });
    expect((await runSetup(octokit, { ...repo, mode: 'check' })).exitCode).toBe(0);

    // A later line without owners un-owns scripts/; workflows only partly owned; no lockfile line.
    const weakened = [
      '/posts/ @org/reviewers',
      '/copydesk.config.yaml @org/reviewers',
      '/src/ @org/reviewers',
      '/scripts/ @org/reviewers',
      '/scripts/',
      '/.github/workflows/*.yml @org/reviewers',
      '/.ci/ @org/reviewers',
      '/package.json @org/reviewers',
      'npm-shrinkwrap.json @org/reviewers',
      '',
    ].join('\n');
    fake.pushCommit('main', { '.github/CODEOWNERS': weakened });
    const drift = await runSetup(octokit, { ...repo, mode: 'check' });
    expect(drift.exitCode).toBe(1);
    expect(drift.differences.map((d) => d.name)).toEqual([
      'codeowners./scripts/',
      'codeowners./.github/',
      'codeowners.package.json (any folder)',
      'codeowners.package-lock.json (any folder)',
    ]);
    expect(drift.text).toContain('- codeowners./scripts/: is no owner (for example scripts/copydesk.ts), want a code owner (add a line with an owner to .github/CODEOWNERS in a pull request)');
    expect(drift.text).toContain('codeowners.package.json (any folder): is no owner (for example site/package.json)');
    expect(drift.text).toMatch(/Change it in a reviewed pull request/);

    const writes = fake.writes().length;
    const apply = await runSetup(octokit, { ...repo, mode: 'apply' });
    expect(apply.exitCode).toBe(1);
    expect(apply.writes).toEqual([]);
    expect(fake.writes().length).toBe(writes);

    // No CODEOWNERS at all (GitHub also looks in the root and docs/): drift; one in docs/ counts.
    fake.pushCommit('main', { '.github/CODEOWNERS': null });
    expect((await runSetup(octokit, { ...repo, mode: 'check' })).text).toContain('- codeowners: is missing');
    fake.pushCommit('main', { 'docs/CODEOWNERS': OUR_CODEOWNERS });
    expect((await runSetup(octokit, { ...repo, mode: 'check' })).exitCode).toBe(0);
  });

  it('owners GitHub cannot resolve own nothing: the template\'s placeholder team is drift until replaced', async () => {
    await runSetup(octokit, { ...repo, mode: 'apply' });
    // Only this team exists with write access; the file still names the placeholder @your-org/…
    fake.codeownersKnown = new Set(['@acme/reviewers']);
    const drift = await runSetup(octokit, { ...repo, mode: 'check' });
    expect(drift.exitCode).toBe(1);
    expect(drift.text).toMatch(/- codeowners\.errors: is line \d+: Unknown owner \(Unknown owner on line \d+: make sure @your-org\/social-reviewers exists/);
    expect(drift.differences.map((d) => d.name)).toContain('codeowners./src/');

    // One real owner on each line is enough, even next to an unknown one.
    fake.pushCommit('main', { '.github/CODEOWNERS': OUR_CODEOWNERS.replace(/@your-org\/social-reviewers/g, '@your-org/social-reviewers @acme/reviewers') });
    const partly = await runSetup(octokit, { ...repo, mode: 'check' });
    expect(partly.differences.map((d) => d.name)).toEqual(['codeowners.errors']);
    fake.pushCommit('main', { '.github/CODEOWNERS': OUR_CODEOWNERS.replace(/@your-org\/social-reviewers/g, '@acme/reviewers') });
    expect((await runSetup(octokit, { ...repo, mode: 'check' })).exitCode).toBe(0);
  });

  it('wantedSettings is pure and diffSettings finds nothing between equal settings', () => {
    const a = wantedSettings({ defaultBranch: 'trunk' });
    const b = wantedSettings({ defaultBranch: 'trunk' });
    expect(a).toEqual(b);
    expect(diffSettings(a, b)).toEqual([]);
    expect(a.environment!.branchPolicies.map((p) => p.name)).toEqual(['trunk']);
  });
});
