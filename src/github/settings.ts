/**
 * "The rules, applied as code": the repository settings copydesk's safety depends on, as data.
 * `wantedSettings` says what they must be; settings-read.ts reads what they are; settings-diff.ts
 * names every difference; settings-apply.ts writes the wanted values.
 *
 * Field names follow GitHub's REST API:
 * - Rulesets: https://docs.github.com/rest/repos/rules#create-a-repository-ruleset
 *   (rule `pull_request` parameters, rule `required_status_checks`, `bypass_actors`,
 *   `conditions.ref_name.include` with `~DEFAULT_BRANCH`)
 * - Workflow permissions: https://docs.github.com/rest/actions/permissions#set-default-workflow-permissions-for-a-repository
 * - Environments: https://docs.github.com/rest/deployments/environments#create-or-update-an-environment
 *   and branch policies: https://docs.github.com/rest/deployments/branch-policies
 * - Labels: https://docs.github.com/rest/issues/labels
 */

/** Name of the ruleset copydesk owns on the default branch; other rulesets are left alone. */
export const RULESET_NAME = 'copydesk';

/**
 * Name of the ruleset that keeps the state branch's history (the ledger: what was sent) from being
 * rewritten or deleted. Only `deletion` and `non_fast_forward`: the publisher pushes to the branch
 * directly with GITHUB_TOKEN, fast-forward only, so no pull request or status check may be required.
 */
export const STATE_RULESET_NAME = 'copydesk-state';

/** The state branch when the configuration does not name one (`publish.state_branch`). */
export const DEFAULT_STATE_BRANCH = 'copydesk-state';

/** Name of the environment that holds the publishing secrets. */
export const PUBLISH_ENVIRONMENT = 'publish';

/** App id of GitHub Actions: a required check with it can only be satisfied by an Actions job, not by anyone posting a commit status. */
export const GITHUB_ACTIONS_APP_ID = 15368;

/** Parameters of the ruleset's `pull_request` rule that copydesk compares. */
export interface PullRequestRule {
  /** Approvals needed before merging. */
  required_approving_review_count: number;
  /** A code owner (see .github/CODEOWNERS) must approve changes to their files. */
  require_code_owner_review: boolean;
  /** A new push dismisses earlier approvals. */
  dismiss_stale_reviews_on_push: boolean;
  /** The last push must be approved by someone other than its pusher. */
  require_last_push_approval: boolean;
  /** All review conversations must be resolved. */
  required_review_thread_resolution: boolean;
}

/** One required status check. */
export interface StatusCheck {
  /** Check name: the job's `name:` (or its id when it has none). */
  context: string;
  /** App that must report it (GitHub Actions is 15368); absent means any source. */
  integration_id?: number;
}

/** Parameters of the ruleset's `required_status_checks` rule. */
export interface StatusChecksRule {
  /** Checks that must pass before merging. */
  required_status_checks: StatusCheck[];
  /** Whether the branch must be up to date with the base before merging. */
  strict_required_status_checks_policy: boolean;
}

/** One bypass actor of a ruleset (copydesk wants none). */
export interface BypassActor {
  /** `RepositoryRole`, `Team`, `Integration`, `OrganizationAdmin`, `DeployKey` or `User`. */
  actor_type: string;
  /** Id of the role, team, app or user; null for some types. */
  actor_id: number | null;
  /** `always`, `pull_request` or `exempt`. */
  bypass_mode: string;
}

/** A branch ruleset copydesk owns (`copydesk` or `copydesk-state`). */
export interface RulesetState {
  /** The ruleset's name, which is how copydesk finds it again. */
  name: string;
  /** GitHub's id (null in the wanted settings). */
  id: number | null;
  /** `active`, `evaluate` (not enforced) or `disabled`. */
  enforcement: string;
  /** `branch` for a branch ruleset. */
  target: string;
  /** Ref patterns the ruleset applies to (`~DEFAULT_BRANCH`, `refs/heads/copydesk-state`). */
  include: string[];
  /** Ref patterns excluded. */
  exclude: string[];
  /** Who may bypass the rules. */
  bypassActors: BypassActor[];
  /** The `pull_request` rule, or null when absent. */
  pullRequest: PullRequestRule | null;
  /** The `required_status_checks` rule, or null when absent. */
  statusChecks: StatusChecksRule | null;
  /** Types of the other rules present, parameterless ones such as `deletion` and `non_fast_forward` (sorted). */
  otherRules: string[];
}

/** Repository-level GitHub Actions token permissions. */
export interface WorkflowPermissions {
  /** Default `GITHUB_TOKEN` permissions: `read` or `write`. */
  default_workflow_permissions: string;
  /** Whether Actions may create and approve pull requests (a bot as the second reader). */
  can_approve_pull_request_reviews: boolean;
}

/** A deployment branch policy of an environment. */
export interface BranchPolicy {
  /** GitHub's id (null in the wanted settings). */
  id: number | null;
  /** Name pattern, e.g. `main`. */
  name: string;
  /** `branch` or `tag`. */
  type: string;
}

/** The `publish` environment. */
export interface EnvironmentState {
  /** `deployment_branch_policy`, or null when any branch may deploy. */
  deploymentBranchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  /** Custom branch policies (meaningful when `custom_branch_policies` is true). */
  branchPolicies: BranchPolicy[];
  /** Protection settings copydesk does not manage but must send back unchanged when it updates the environment. */
  preserve: {
    /** Minutes to wait before a job may use the environment. */
    wait_timer?: number;
    /** Whether the person who triggered a job may approve it. */
    prevent_self_review?: boolean;
    /** Required reviewers (users or teams), as `{type, id}`. */
    reviewers?: { type: string; id: number }[];
  };
}

/** A repository label. */
export interface LabelState {
  /** Label name. */
  name: string;
  /** Six hex digits, lower case, no `#`. */
  color: string;
  /** Description shown on hover. */
  description: string;
}

/**
 * What the repository's CODEOWNERS file says about the paths that decide where secrets go or run
 * with them. Read, never written: the file changes through a reviewed pull request.
 */
export interface CodeownersState {
  /** Where GitHub found the file (`.github/CODEOWNERS`, `CODEOWNERS` or `docs/CODEOWNERS`), or null when there is none. */
  file: string | null;
  /** The required areas (see `CODEOWNED_AREAS`) whose every sample path has an owner. */
  owned: string[];
  /** For each area not owned: a sample path that has no owner. */
  unowned: Record<string, string>;
  /** What GitHub reports wrong with the file (unknown or invalid owners, bad patterns), one line each. */
  problems: string[];
}

/** Every setting copydesk manages, current or wanted. */
export interface RepoSettings {
  /** The default branch (`main`). */
  defaultBranch: string;
  /** The `copydesk` ruleset, or null when missing. */
  ruleset: RulesetState | null;
  /** The `copydesk-state` ruleset protecting the state branch, or null when missing. */
  stateRuleset: RulesetState | null;
  /** CODEOWNERS coverage of the paths that must have a code owner (null: not read). */
  codeowners: CodeownersState | null;
  /** Actions token defaults. */
  workflowPermissions: WorkflowPermissions;
  /** The `publish` environment, or null when missing. */
  environment: EnvironmentState | null;
  /** Labels (current: all of the repository's; wanted: copydesk's). */
  labels: LabelState[];
}

/** Options for {@link wantedSettings}. */
export interface WantedOptions {
  /** The repository's default branch. */
  defaultBranch: string;
  /** Required status check: the check workflow's job name (default `check`). */
  statusCheck?: string;
  /** App that must report the check (default GitHub Actions, 15368); null accepts any source. */
  statusCheckAppId?: number | null;
  /** The state branch to protect (default `copydesk-state`; `publish.state_branch` in the configuration). */
  stateBranch?: string;
}

/**
 * Areas CODEOWNERS must cover: everything that decides where secrets go or runs with them.
 * Each is checked with sample paths (one level and deeper, at the root and nested for package
 * files), because CODEOWNERS patterns match paths, and the last matching line decides.
 */
export const CODEOWNED_AREAS: readonly { area: string; samples: readonly string[] }[] = [
  { area: '/copydesk.config.yaml', samples: ['copydesk.config.yaml'] },
  { area: '/src/', samples: ['src/cli/main.ts', 'src/any/deeper/file.ts'] },
  { area: '/scripts/', samples: ['scripts/copydesk.ts', 'scripts/any/deeper/file.ts'] },
  { area: '/.github/', samples: ['.github/CODEOWNERS', '.github/workflows/publish.yml', '.github/any/deeper/file'] },
  { area: '/.ci/', samples: ['.ci/use-node.sh', '.ci/any/deeper/file'] },
  { area: 'package.json (any folder)', samples: ['package.json', 'site/package.json', 'any/deeper/package.json'] },
  { area: 'package-lock.json (any folder)', samples: ['package-lock.json', 'site/package-lock.json', 'any/deeper/package-lock.json'] },
  { area: 'npm-shrinkwrap.json (any folder)', samples: ['npm-shrinkwrap.json', 'any/deeper/npm-shrinkwrap.json'] },
];

/** Labels copydesk reads or writes. */
export const COPYDESK_LABELS: readonly LabelState[] = [
  { name: 'copydesk-failure', color: 'b60205', description: 'A scheduled post failed to publish; copydesk opens and closes this issue.' },
  { name: 'freeze', color: 'd93f0b', description: 'Crisis freeze: copydesk publishes nothing while this is in force.' },
  { name: 'copydesk-watchdog', color: 'fbca04', description: 'The publisher did not run on time; opened by the copydesk watchdog.' },
  { name: 'copydesk-preview', color: '0e8a16', description: 'Pull request previewed by copydesk.' },
];

/** The settings copydesk wants. Pure: same options, same answer. */
export function wantedSettings(opts: WantedOptions): RepoSettings {
  const appId = opts.statusCheckAppId === undefined ? GITHUB_ACTIONS_APP_ID : opts.statusCheckAppId;
  const check: StatusCheck = { context: opts.statusCheck ?? 'check', ...(appId === null ? {} : { integration_id: appId }) };
  return {
    defaultBranch: opts.defaultBranch,
    ruleset: {
      name: RULESET_NAME,
      id: null,
      enforcement: 'active',
      target: 'branch',
      include: ['~DEFAULT_BRANCH'],
      exclude: [],
      bypassActors: [],
      pullRequest: {
        required_approving_review_count: 1,
        require_code_owner_review: true,
        dismiss_stale_reviews_on_push: true,
        require_last_push_approval: true,
        required_review_thread_resolution: false,
      },
      statusChecks: { required_status_checks: [check], strict_required_status_checks_policy: false },
      // Without these, history on the default branch could be rewritten or the branch deleted.
      otherRules: ['deletion', 'non_fast_forward'],
    },
    stateRuleset: {
      name: STATE_RULESET_NAME,
      id: null,
      enforcement: 'active',
      target: 'branch',
      include: [`refs/heads/${opts.stateBranch ?? DEFAULT_STATE_BRANCH}`],
      exclude: [],
      bypassActors: [],
      // No pull_request, status check, `update` or `creation` rule: the publisher must keep pushing.
      pullRequest: null,
      statusChecks: null,
      otherRules: ['deletion', 'non_fast_forward'],
    },
    codeowners: { file: '.github/CODEOWNERS', owned: CODEOWNED_AREAS.map((a) => a.area), unowned: {}, problems: [] },
    workflowPermissions: { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false },
    environment: {
      deploymentBranchPolicy: { protected_branches: false, custom_branch_policies: true },
      branchPolicies: [{ id: null, name: opts.defaultBranch, type: 'branch' }],
      preserve: {},
    },
    labels: COPYDESK_LABELS.map((l) => ({ ...l })),
  };
}

/** The request body GitHub takes for the ruleset (create and update alike). */
export function rulesetBody(ruleset: RulesetState): Record<string, unknown> {
  const rules: Record<string, unknown>[] = ruleset.otherRules.map((type) => ({ type }));
  if (ruleset.pullRequest) rules.push({ type: 'pull_request', parameters: { ...ruleset.pullRequest } });
  if (ruleset.statusChecks) {
    rules.push({
      type: 'required_status_checks',
      parameters: {
        strict_required_status_checks_policy: ruleset.statusChecks.strict_required_status_checks_policy,
        required_status_checks: ruleset.statusChecks.required_status_checks.map((c) => ({ ...c })),
      },
    });
  }
  return {
    name: ruleset.name,
    target: ruleset.target,
    enforcement: ruleset.enforcement,
    bypass_actors: ruleset.bypassActors.map((a) => ({ ...a })),
    conditions: { ref_name: { include: [...ruleset.include], exclude: [...ruleset.exclude] } },
    rules,
  };
}
