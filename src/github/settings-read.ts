/**
 * Reads the repository settings copydesk manages (reads only; needs a token with admin read for
 * the Actions permissions and environments).
 *
 * - GET /repos/{o}/{r}                         default branch
 * - GET /repos/{o}/{r}/rulesets?includes_parents=false, then GET /rulesets/{id} (the list omits rules)
 *   https://docs.github.com/rest/repos/rules#get-all-repository-rulesets
 * - GET /repos/{o}/{r}/actions/permissions/workflow
 * - GET /repos/{o}/{r}/environments/publish (404 when missing) and its deployment-branch-policies
 * - GET /repos/{o}/{r}/labels
 * - GET /repos/{o}/{r}/contents/{path}?ref=<default branch> for .github/CODEOWNERS, CODEOWNERS,
 *   docs/CODEOWNERS (the first found; 404 when absent) https://docs.github.com/rest/repos/contents#get-repository-content
 */
import type { Octokit } from '@octokit/rest';
import { adviceFor, describeApiError, formatApiFailure, isNotFound } from './api-error.ts';
import { CODEOWNERS_LOCATIONS, codeownersCoverage } from './codeowners.ts';
import {
  PUBLISH_ENVIRONMENT,
  RULESET_NAME,
  STATE_RULESET_NAME,
  type CodeownersState,
  type BypassActor,
  type EnvironmentState,
  type LabelState,
  type RepoSettings,
  type RulesetState,
  type StatusCheck,
} from './settings.ts';

/** Which repository to read. */
export interface RepoRef {
  /** Repository owner. */
  owner: string;
  /** Repository name. */
  repo: string;
}

/** Result of {@link readSettings}. */
export type ReadSettingsResult =
  | { ok: true; /** The settings as GitHub reports them. */ settings: RepoSettings }
  | { ok: false; /** What failed. */ error: string; /** What to do. */ action: string };

/** Reads every setting copydesk manages. Never throws. */
export async function readSettings(octokit: Octokit, ref: RepoRef): Promise<ReadSettingsResult> {
  const { owner, repo } = ref;
  let step = `Reading ${owner}/${repo}`;
  try {
    const repoRes = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
    const defaultBranch = repoRes.data.default_branch;

    step = 'Listing rulesets';
    const list = await octokit.paginate('GET /repos/{owner}/{repo}/rulesets', { owner, repo, includes_parents: false, per_page: 100 });
    const readRuleset = async (name: string): Promise<RulesetState | null> => {
      const summary = list.find((r) => r.name === name && (r.source_type ?? 'Repository') === 'Repository');
      if (!summary) return null;
      step = `Reading ruleset ${name}`;
      const res = await octokit.request('GET /repos/{owner}/{repo}/rulesets/{ruleset_id}', { owner, repo, ruleset_id: summary.id, includes_parents: false });
      return normalizeRuleset(res.data);
    };
    const ruleset = await readRuleset(RULESET_NAME);
    const stateRuleset = await readRuleset(STATE_RULESET_NAME);

    step = 'Reading CODEOWNERS';
    const codeowners = await readCodeowners(octokit, owner, repo, defaultBranch);

    step = 'Reading Actions workflow permissions';
    const perms = await octokit.request('GET /repos/{owner}/{repo}/actions/permissions/workflow', { owner, repo });

    step = `Reading environment ${PUBLISH_ENVIRONMENT}`;
    const environment = await readEnvironment(octokit, owner, repo);

    step = 'Listing labels';
    const labels = await octokit.paginate('GET /repos/{owner}/{repo}/labels', { owner, repo, per_page: 100 });

    return {
      ok: true,
      settings: {
        defaultBranch,
        ruleset,
        stateRuleset,
        codeowners,
        workflowPermissions: {
          default_workflow_permissions: perms.data.default_workflow_permissions,
          can_approve_pull_request_reviews: perms.data.can_approve_pull_request_reviews,
        },
        environment,
        labels: labels.map((l): LabelState => ({ name: l.name, color: l.color.toLowerCase(), description: l.description ?? '' })),
      },
    };
  } catch (err) {
    const failure = describeApiError(err);
    const admin = failure.status === 403 || failure.status === 404 ? ' Reading these settings needs a token with admin access to the repository (secret COPYDESK_ADMIN_TOKEN).' : '';
    return { ok: false, error: formatApiFailure(step, failure), action: adviceFor(failure) + admin };
  }
}

/** The first CODEOWNERS GitHub would use, on the default branch, and what it covers. */
async function readCodeowners(octokit: Octokit, owner: string, repo: string, ref: string): Promise<CodeownersState> {
  for (const path of CODEOWNERS_LOCATIONS) {
    let data: unknown;
    try {
      data = (await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path, ref })).data;
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    const file = data as { type?: string; encoding?: string; content?: string };
    if (file.type !== 'file' || typeof file.content !== 'string') continue;
    const text = file.encoding === 'base64' ? Buffer.from(file.content, 'base64').toString('utf8') : file.content;
    // Owners GitHub cannot resolve do not own anything: ask GitHub which ones those are.
    // https://docs.github.com/rest/repos/repos#list-codeowners-errors
    let errors: { line: number; column: number; kind: string; message?: string }[] = [];
    try {
      const res = await octokit.request('GET /repos/{owner}/{repo}/codeowners/errors', { owner, repo, ref });
      errors = res.data.errors.filter((e) => e.path === path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return codeownersCoverage(path, text, errors);
  }
  return codeownersCoverage(null, null);
}

async function readEnvironment(octokit: Octokit, owner: string, repo: string): Promise<EnvironmentState | null> {
  let env;
  try {
    env = (await octokit.request('GET /repos/{owner}/{repo}/environments/{environment_name}', { owner, repo, environment_name: PUBLISH_ENVIRONMENT })).data;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  const dbp = env.deployment_branch_policy ?? null;
  const state: EnvironmentState = {
    deploymentBranchPolicy: dbp ? { protected_branches: dbp.protected_branches, custom_branch_policies: dbp.custom_branch_policies } : null,
    branchPolicies: [],
    preserve: {},
  };
  for (const rule of env.protection_rules ?? []) {
    const r = rule as { type?: string; wait_timer?: number; prevent_self_review?: boolean; reviewers?: { type?: string; reviewer?: { id?: number } | null }[] };
    if (r.type === 'wait_timer' && typeof r.wait_timer === 'number') state.preserve.wait_timer = r.wait_timer;
    if (r.type === 'required_reviewers') {
      if (typeof r.prevent_self_review === 'boolean') state.preserve.prevent_self_review = r.prevent_self_review;
      state.preserve.reviewers = (r.reviewers ?? [])
        .filter((x) => typeof x.type === 'string' && typeof x.reviewer?.id === 'number')
        .map((x) => ({ type: x.type!, id: x.reviewer!.id! }));
    }
  }
  if (dbp?.custom_branch_policies) {
    const res = await octokit.paginate(
      'GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies',
      { owner, repo, environment_name: PUBLISH_ENVIRONMENT, per_page: 100 },
    );
    state.branchPolicies = res
      .filter((p) => typeof p.name === 'string')
      .map((p) => ({ id: p.id ?? null, name: p.name!, type: p.type ?? 'branch' }));
  }
  return state;
}

/** Turns GitHub's ruleset object into copydesk's comparable shape. */
export function normalizeRuleset(data: {
  id: number;
  name?: string;
  target?: string;
  enforcement: string;
  bypass_actors?: { actor_id?: number | null; actor_type: string; bypass_mode?: string }[];
  conditions?: unknown;
  rules?: unknown[];
}): RulesetState {
  const refName = (data.conditions as { ref_name?: { include?: string[]; exclude?: string[] } } | null | undefined)?.ref_name;
  const state: RulesetState = {
    name: data.name ?? RULESET_NAME,
    id: data.id,
    enforcement: data.enforcement,
    target: data.target ?? 'branch',
    include: [...(refName?.include ?? [])],
    exclude: [...(refName?.exclude ?? [])],
    bypassActors: (data.bypass_actors ?? []).map((a): BypassActor => ({ actor_type: a.actor_type, actor_id: a.actor_id ?? null, bypass_mode: a.bypass_mode ?? 'always' })),
    pullRequest: null,
    statusChecks: null,
    otherRules: [],
  };
  for (const raw of data.rules ?? []) {
    const rule = raw as { type?: string; parameters?: Record<string, unknown> };
    const p = rule.parameters ?? {};
    if (rule.type === 'pull_request') {
      state.pullRequest = {
        required_approving_review_count: Number(p.required_approving_review_count ?? 0),
        require_code_owner_review: p.require_code_owner_review === true,
        dismiss_stale_reviews_on_push: p.dismiss_stale_reviews_on_push === true,
        require_last_push_approval: p.require_last_push_approval === true,
        required_review_thread_resolution: p.required_review_thread_resolution === true,
      };
    } else if (rule.type === 'required_status_checks') {
      const checks = Array.isArray(p.required_status_checks) ? (p.required_status_checks as StatusCheck[]) : [];
      state.statusChecks = {
        required_status_checks: checks.map((c) => (typeof c.integration_id === 'number' ? { context: c.context, integration_id: c.integration_id } : { context: c.context })),
        strict_required_status_checks_policy: p.strict_required_status_checks_policy === true,
      };
    } else if (typeof rule.type === 'string') {
      state.otherRules.push(rule.type);
    }
  }
  state.otherRules.sort();
  return state;
}
